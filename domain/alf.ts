// The .alf license file: serialize, parse and verify (offline, with public JWKs only), as API.md lays it out.
import { createHash, createPublicKey, type KeyObject, verify as cryptoVerify } from 'node:crypto';
import { type LicenseKind, isProduct, kindOf, type Product } from './products.js';

/** What a file grants: the license as it was when the file was issued, for one host. */
export interface AlfGrant {
  accountId: string;
  licenseId: string;
  activationCode: string;
  product: Product;
  kind: LicenseKind;
  seats: number;
  validFrom: string;
  validUntil: string;
  hostId: string;
  hostName?: string | undefined;
  issuedAt: string;
  keyId: string;
}

/** A published verification key (RFC 7517 / RFC 8037). */
export type Jwk =
  | { kid: string; alg: 'EdDSA'; kty: 'OKP'; crv: 'Ed25519'; x: string }
  | { kid: string; alg: 'ES256'; kty: 'EC'; crv: 'P-256'; x: string; y: string };

export type AlfAlgorithm = Jwk['alg'];

/**
 * The lines in their one fixed order; `optional` lines may be left out. Order and spelling are part of the
 * format: a reader refuses unknown, missing, duplicated or reordered lines before it looks at the signature.
 */
const FIELDS = [
  { name: 'Account', prop: 'accountId' },
  { name: 'License', prop: 'licenseId' },
  { name: 'Activation-Code', prop: 'activationCode' },
  { name: 'Product', prop: 'product' },
  { name: 'Kind', prop: 'kind' },
  { name: 'Seats', prop: 'seats' },
  { name: 'Valid-From', prop: 'validFrom' },
  { name: 'Valid-Until', prop: 'validUntil' },
  { name: 'Host-Id', prop: 'hostId' },
  { name: 'Host-Name', prop: 'hostName', optional: true },
  { name: 'Issued-At', prop: 'issuedAt' },
  { name: 'Key-Id', prop: 'keyId' },
] as const satisfies readonly { name: string; prop: keyof AlfGrant; optional?: boolean }[];

export const SIGNATURE_FIELD = 'Signature';
/** Key ids appear before ':' in the signature line, so they are kept to a safe alphabet. */
const KID = /^[A-Za-z0-9._-]{1,128}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A UTF-16 half without its other half cannot be written as UTF-8, so the file would not say what was signed. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const MAX_VALUE = 1000;

/** A value that cannot go into a file (control characters, empty, too long); refused before anything is signed. */
export class AlfValueError extends Error {}

/** Why a value cannot go into a file, or null when it can (routes check input with it before storing it). */
export function alfValueProblem(value: string): string | null {
  if (value.length === 0) return 'is empty';
  if (CONTROL.test(value)) return 'contains control characters';
  if (LONE_SURROGATE.test(value)) return 'is not valid Unicode text';
  if (value.length > MAX_VALUE) return `is over ${MAX_VALUE} characters`;
  return null;
}

function fieldValue(grant: AlfGrant, prop: keyof AlfGrant): string | undefined {
  const value = grant[prop];
  if (value === undefined) return undefined;
  return typeof value === 'number' ? String(value) : value;
}

/** The signed part of a file: every line but the signature, each ending in LF. Throws AlfValueError. */
export function alfPayload(grant: AlfGrant): string {
  if (!KID.test(grant.keyId)) throw new AlfValueError('the key id must be 1-128 of A-Z a-z 0-9 . _ -');
  if (!Number.isSafeInteger(grant.seats) || grant.seats < 1) {
    throw new AlfValueError('seats must be a positive integer');
  }
  let out = '';
  for (const field of FIELDS) {
    const value = fieldValue(grant, field.prop);
    if (value === undefined && 'optional' in field) continue;
    const problem = value === undefined ? 'is empty' : alfValueProblem(value);
    if (problem !== null || value === undefined) throw new AlfValueError(`${field.name} ${problem}`);
    out += `${field.name}: ${value}\n`;
  }
  return out;
}

/** The complete file: the payload, then `Signature: <kid>:<base64url>` and LF. */
export function alfWithSignature(payload: string, keyId: string, signature: Uint8Array): string {
  return `${payload}${SIGNATURE_FIELD}: ${keyId}:${Buffer.from(signature).toString('base64url')}\n`;
}

/** The bytes a signer signs for a payload. */
export function payloadBytes(payload: string): Uint8Array {
  return new TextEncoder().encode(payload);
}

// ---- reading ----

/** The checks, in the order they run; a verdict names the first one that failed. */
export const CHECKS = [
  'encoding', // UTF-8, LF line endings, ends with LF, not empty, at most 64 KiB
  'syntax', // every line is `Name: value`, no control characters
  'fields', // exactly the known names, in order, none missing or repeated; Signature last
  'values', // product/kind/seats/times/ids well formed and consistent
  'key', // Key-Id matches the signature's kid, and that key is published
  'signature', // the signature verifies over every byte before the signature line
] as const;
export type AlfCheck = (typeof CHECKS)[number];

export type AlfVerdict =
  | { valid: true; grant: AlfGrant; algorithm: AlfAlgorithm }
  | { valid: false; check: AlfCheck; line: number | null; detail: string };

const MAX_FILE_BYTES = 64 * 1024;

interface Line {
  number: number;
  name: string;
  value: string;
}

function fail(check: AlfCheck, line: number | null, detail: string): AlfVerdict {
  return { valid: false, check, line, detail };
}

/** Parses and checks everything but the signature; verifyAlf adds the key and signature checks. */
export function parseAlf(
  file: string | Uint8Array,
):
  | { ok: true; grant: AlfGrant; signedBytes: Uint8Array; kid: string; signature: Uint8Array; lines: number }
  | { ok: false; verdict: AlfVerdict } {
  const bytes = typeof file === 'string' ? new TextEncoder().encode(file) : file;
  const bad = (check: AlfCheck, line: number | null, detail: string) => ({
    ok: false as const,
    verdict: fail(check, line, detail),
  });
  if (bytes.length === 0) return bad('encoding', null, 'the file is empty');
  if (bytes.length > MAX_FILE_BYTES) return bad('encoding', null, 'the file is over 64 KiB');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return bad('encoding', null, 'the file is not UTF-8 text');
  }
  if (text.includes('\r')) return bad('encoding', null, 'the file has CR characters; lines end with LF only');
  if (!text.endsWith('\n')) return bad('encoding', null, 'the file does not end with LF');
  const rawLines = text.slice(0, -1).split('\n');
  const lines: Line[] = [];
  for (const [index, raw] of rawLines.entries()) {
    const number = index + 1;
    const colon = raw.indexOf(': ');
    if (colon <= 0) return bad('syntax', number, 'the line is not `Name: value`');
    const name = raw.slice(0, colon);
    const value = raw.slice(colon + 2);
    if (!/^[A-Za-z-]+$/.test(name)) return bad('syntax', number, `"${name}" is not a field name`);
    if (value.length === 0) return bad('syntax', number, `${name} has an empty value`);
    if (CONTROL.test(value)) return bad('syntax', number, `${name} contains control characters`);
    lines.push({ number, name, value });
  }

  // Fields: the fixed order, the optional ones possibly left out, then exactly one Signature line.
  const grant: Record<string, string> = {};
  let at = 0;
  for (const field of FIELDS) {
    const line = lines[at];
    if (line?.name === field.name) {
      grant[field.prop] = line.value;
      at++;
    } else if (!('optional' in field)) {
      const where = line ? line.number : lines.length + 1;
      const found = line ? `found ${line.name}` : 'the file ends';
      return bad('fields', where, `expected ${field.name} here, ${found}`);
    }
  }
  const signatureLine = lines[at];
  if (!signatureLine || signatureLine.name !== SIGNATURE_FIELD) {
    const where = signatureLine ? signatureLine.number : lines.length + 1;
    const found = signatureLine ? `found ${signatureLine.name}` : 'the file ends';
    return bad('fields', where, `expected ${SIGNATURE_FIELD} here, ${found}`);
  }
  if (at !== lines.length - 1) {
    return bad('fields', signatureLine.number + 1, `${SIGNATURE_FIELD} must be the last line`);
  }

  // Values.
  const lineOf = (prop: string) => lines.find((l) => FIELDS.find((f) => f.name === l.name)?.prop === prop);
  const badValue = (prop: string, detail: string) => bad('values', lineOf(prop)?.number ?? null, detail);
  const product = grant.product ?? '';
  if (!isProduct(product)) return badValue('product', `"${product}" is not a known product`);
  if (grant.kind !== kindOf(product))
    return badValue('kind', `Kind must be ${kindOf(product)} for ${product}`);
  const seatsText = grant.seats ?? '';
  if (!/^[1-9][0-9]{0,8}$/.test(seatsText)) return badValue('seats', 'Seats must be a positive integer');
  for (const prop of ['validFrom', 'validUntil', 'issuedAt'] as const) {
    const value = grant[prop] ?? '';
    if (!ISO_UTC.test(value) || Number.isNaN(Date.parse(value))) {
      return badValue(prop, `${value} is not an ISO-8601 UTC time`);
    }
  }
  if (Date.parse(grant.validFrom ?? '') >= Date.parse(grant.validUntil ?? '')) {
    return badValue('validUntil', 'Valid-Until must be after Valid-From');
  }
  if (!KID.test(grant.keyId ?? '')) return badValue('keyId', 'Key-Id is not a key id');

  const signatureValue = signatureLine.value;
  const split = signatureValue.lastIndexOf(':');
  const kid = signatureValue.slice(0, split);
  const encoded = signatureValue.slice(split + 1);
  if (split <= 0 || !KID.test(kid) || !B64URL.test(encoded)) {
    return bad('syntax', signatureLine.number, 'the signature is not `<kid>:<base64url>`');
  }
  const signature = Buffer.from(encoded, 'base64url');
  // Only the canonical encoding is accepted, so that no two spellings of one signature exist.
  if (signature.toString('base64url') !== encoded) {
    return bad('syntax', signatureLine.number, 'the signature is not canonical base64url without padding');
  }
  // The signed bytes end where the signature line starts: the payload is the file minus its last line.
  const signedLength =
    bytes.length - new TextEncoder().encode(`${signatureLine.name}: ${signatureValue}\n`).length;
  return {
    ok: true,
    grant: {
      accountId: grant.accountId ?? '',
      licenseId: grant.licenseId ?? '',
      activationCode: grant.activationCode ?? '',
      product,
      kind: kindOf(product),
      seats: Number(seatsText),
      validFrom: grant.validFrom ?? '',
      validUntil: grant.validUntil ?? '',
      hostId: grant.hostId ?? '',
      ...(grant.hostName !== undefined ? { hostName: grant.hostName } : {}),
      issuedAt: grant.issuedAt ?? '',
      keyId: grant.keyId ?? '',
    },
    signedBytes: bytes.subarray(0, signedLength),
    kid,
    signature,
    lines: lines.length,
  };
}

const keyCache = new Map<string, KeyObject>();

function keyObject(jwk: Jwk): KeyObject {
  const id = createHash('sha256').update(JSON.stringify(jwk)).digest('hex');
  let key = keyCache.get(id);
  if (!key) {
    key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    keyCache.set(id, key);
  }
  return key;
}

/** Checks a file signature with a published key: Ed25519, or ECDSA P-256/SHA-256 as raw r||s (64 bytes). */
export function verifySignature(jwk: Jwk, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (signature.length !== 64) return false;
    if (jwk.alg === 'EdDSA') return cryptoVerify(null, data, keyObject(jwk), signature);
    return cryptoVerify('sha256', data, { key: keyObject(jwk), dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/** The whole verdict of a file against the published keys, checks in the order of CHECKS. */
export function verifyAlf(file: string | Uint8Array, keys: readonly Jwk[]): AlfVerdict {
  const parsed = parseAlf(file);
  if (!parsed.ok) return parsed.verdict;
  const { grant, kid, signedBytes, signature, lines } = parsed;
  if (kid !== grant.keyId) {
    return fail('key', lines, `the signature's key ${kid} is not the Key-Id ${grant.keyId}`);
  }
  const jwk = keys.find((key) => key.kid === kid);
  if (!jwk) return fail('key', lines, `key ${kid} is not among the published keys`);
  if (!verifySignature(jwk, signedBytes, signature)) {
    return fail('signature', lines, `the signature does not match the file's content under key ${kid}`);
  }
  return { valid: true, grant, algorithm: jwk.alg };
}

/** One sentence for people: which line, which check. */
export function describeVerdict(verdict: AlfVerdict): string {
  if (verdict.valid) {
    const g = verdict.grant;
    return `valid: ${g.product} (${g.kind}), ${g.seats} seat(s), license ${g.licenseId} of account ${g.accountId}, ${g.validFrom} to ${g.validUntil}, host ${g.hostId}, signed by ${g.keyId}`;
  }
  const where = verdict.line === null ? 'the file' : `line ${verdict.line}`;
  return `invalid (${verdict.check} check, ${where}): ${verdict.detail}`;
}
