// Local signer: an Ed25519 key kept in the data folder (mode 0600), or in memory for one process (tests).
import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  createPrivateKey,
  createPublicKey,
  sign,
} from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Jwk } from '../../domain/alf.js';
import type { PublicKeySource, Signer } from './port.js';

interface StoredKey {
  kid: string;
  /** Private JWK (kty OKP, crv Ed25519, x, d). */
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string };
  createdAt: string;
}

/** The key file: the current key and every earlier one (still published so their files keep verifying). */
interface KeyFile {
  current: string;
  keys: StoredKey[];
}

/** A key id that says what the key is: its RFC 7638 thumbprint, shortened. */
function thumbprintKid(x: string): string {
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return `ed25519-${createHash('sha256').update(canonical).digest('base64url').slice(0, 16)}`;
}

function newStoredKey(now: Date): StoredKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  return {
    kid: thumbprintKid(jwk.x),
    jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
    createdAt: now.toISOString(),
  };
}

function readKeyFile(file: string): KeyFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  if (!parsed.keys?.some((key) => key.kid === parsed.current)) {
    throw new Error(`The signing key file ${file} names no current key; move it away to create a new key.`);
  }
  return parsed;
}

/** Reads the key file, or creates it with a new key (mode 0600). The key itself is never logged. */
export function loadOrCreateKeyFile(file: string, now = new Date()): KeyFile {
  if (existsSync(file)) return readKeyFile(file);
  const key = newStoredKey(now);
  const content: KeyFile = { current: key.kid, keys: [key] };
  try {
    // wx: two processes starting at once must not both write a different key.
    writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file);
    throw error;
  }
  chmodSync(file, 0o600);
  return content;
}

/** Adds a new current key to the file; the old ones stay published. */
export function rotateKeyFile(file: string, now = new Date()): string {
  const content = loadOrCreateKeyFile(file, now);
  const key = newStoredKey(now);
  const next: KeyFile = { current: key.kid, keys: [...content.keys, key] };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  return key.kid;
}

function publicJwk(key: StoredKey): Jwk {
  return { kid: key.kid, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', x: key.jwk.x };
}

export interface LocalKeys extends Signer, PublicKeySource {}

function fromKeyFile(content: KeyFile): LocalKeys {
  const current = content.keys.find((key) => key.kid === content.current) as StoredKey;
  const privateKey: KeyObject = createPrivateKey({ key: { ...current.jwk }, format: 'jwk' });
  // Fail at start, not at the first signature, when the file's halves do not belong together.
  const x = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
  if (x !== current.jwk.x) throw new Error('The signing key file is damaged: its public key does not match.');
  const published = content.keys.map(publicJwk);
  return {
    keyId: current.kid,
    algorithm: 'EdDSA',
    sign: async (message) => new Uint8Array(sign(null, message, privateKey)),
    publicKeys: async () => published,
  };
}

/** The local key pair from a file (created on first use) or, without a file, a key for this process only. */
export function localKeys(file: string | undefined): LocalKeys {
  if (!file) {
    const key = newStoredKey(new Date());
    return fromKeyFile({ current: key.kid, keys: [key] });
  }
  return fromKeyFile(loadOrCreateKeyFile(file));
}
