// The .alf format: round trip, and any tampering (bytes, lines, values, keys) fails verification.
import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AlfGrant,
  AlfValueError,
  alfPayload,
  alfWithSignature,
  describeVerdict,
  type Jwk,
  parseAlf,
  payloadBytes,
  verifyAlf,
} from '../../domain/alf.js';

interface TestKey {
  jwk: Jwk;
  sign(data: Uint8Array): Uint8Array;
}

function edKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
  const jwk: Jwk = { kid, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', x };
  return { jwk, sign: (data: Uint8Array) => new Uint8Array(sign(null, data, privateKey)) };
}

function ecKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const jwk: Jwk = { kid, alg: 'ES256', kty: 'EC', crv: 'P-256', x, y };
  return {
    jwk,
    sign: (data: Uint8Array) =>
      new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
  };
}

const ed = edKey('ed-1');
const ec = ecKey('ec-1');
const published = [ed.jwk, ec.jwk];

const baseGrant: AlfGrant = {
  accountId: 'acc_abc',
  licenseId: 'lic_def',
  activationCode: 'NX-7K3Q-9PMD-22XW-HT4B',
  product: 'Altium NEXUS Server',
  kind: 'server',
  seats: 5,
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  hostId: 'HOST-1',
  hostName: 'nexus.example.com',
  issuedAt: '2026-02-03T04:05:06.789Z',
  keyId: 'ed-1',
};

function signed(grant: AlfGrant, key: TestKey = ed): string {
  const payload = alfPayload({ ...grant, keyId: key.jwk.kid });
  return alfWithSignature(payload, key.jwk.kid, key.sign(payloadBytes(payload)));
}

const safeText = fc.string({ minLength: 1, maxLength: 40 }).filter(
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the generator must avoid control characters
  (s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s) && !s.includes('\uFFFD'),
);
const isoDate = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) })
  .map((t) => new Date(t).toISOString());
const grantArb: fc.Arbitrary<AlfGrant> = fc
  .record({
    accountId: safeText,
    licenseId: safeText,
    activationCode: safeText,
    product: fc.constantFrom(
      'Altium NEXUS Server',
      'Altium NEXUS Server CAL',
      'Altium NEXUS',
    ) as fc.Arbitrary<AlfGrant['product']>,
    seats: fc.integer({ min: 1, max: 100_000 }),
    from: isoDate,
    days: fc.integer({ min: 1, max: 4000 }),
    hostId: safeText,
    hostName: fc.option(safeText, { nil: undefined }),
    issuedAt: isoDate,
  })
  .map((r) => ({
    accountId: r.accountId,
    licenseId: r.licenseId,
    activationCode: r.activationCode,
    product: r.product,
    kind: (
      { 'Altium NEXUS Server': 'server', 'Altium NEXUS Server CAL': 'cal', 'Altium NEXUS': 'client' } as const
    )[r.product],
    seats: r.seats,
    validFrom: r.from,
    validUntil: new Date(Date.parse(r.from) + r.days * 86_400_000).toISOString(),
    hostId: r.hostId,
    hostName: r.hostName,
    issuedAt: r.issuedAt,
    keyId: 'ed-1',
  }));
const keyArb = fc.constantFrom(ed, ec);

describe('the .alf layout', () => {
  it('is Name: value lines in a fixed order ending with the signature line and LF', () => {
    const file = signed(baseGrant);
    const lines = file.split('\n');
    expect(lines.slice(0, 12)).toEqual([
      'Account: acc_abc',
      'License: lic_def',
      'Activation-Code: NX-7K3Q-9PMD-22XW-HT4B',
      'Product: Altium NEXUS Server',
      'Kind: server',
      'Seats: 5',
      'Valid-From: 2026-01-01T00:00:00.000Z',
      'Valid-Until: 2027-01-01T00:00:00.000Z',
      'Host-Id: HOST-1',
      'Host-Name: nexus.example.com',
      'Issued-At: 2026-02-03T04:05:06.789Z',
      'Key-Id: ed-1',
    ]);
    expect(lines[12]).toMatch(/^Signature: ed-1:[A-Za-z0-9_-]{86}$/);
    expect(lines[13]).toBe('');
    expect(lines).toHaveLength(14);
  });

  it.each([
    ['a newline', 'x\ny'],
    ['a carriage return', 'x\ry'],
    ['a NUL', 'x\u0000y'],
    ['a DEL', 'x\u007fy'],
    ['a C1 control', 'x\u0085y'],
    ['an empty value', ''],
  ])('refuses a value with %s before anything is signed', (_, value) => {
    expect(() => alfPayload({ ...baseGrant, hostName: value })).toThrow(AlfValueError);
    expect(() => alfPayload({ ...baseGrant, hostId: value })).toThrow(AlfValueError);
  });
});

describe('round trip', () => {
  it('serialize -> parse -> verify gives back the grant, for both key types', () => {
    fc.assert(
      fc.property(grantArb, keyArb, (grant, key) => {
        const verdict = verifyAlf(signed(grant, key), published);
        expect(verdict).toEqual({
          valid: true,
          grant: { ...grant, keyId: key.jwk.kid },
          algorithm: key.jwk.alg,
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('tampering fails verification', () => {
  it('any single changed byte', () => {
    fc.assert(
      fc.property(grantArb, keyArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (grant, key, at, delta) => {
        const bytes = Buffer.from(signed(grant, key), 'utf8');
        const index = at % bytes.length;
        bytes[index] = ((bytes[index] ?? 0) + delta) % 256;
        expect(verifyAlf(bytes, published).valid).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('every single changed byte of one file (exhaustive over positions)', () => {
    const file = Buffer.from(signed(baseGrant, ec), 'utf8');
    for (let i = 0; i < file.length; i++) {
      for (const delta of [1, 32, 128]) {
        const copy = Buffer.from(file);
        copy[i] = ((copy[i] ?? 0) + delta) % 256;
        expect(verifyAlf(copy, published).valid, `byte ${i} + ${delta}`).toBe(false);
      }
    }
  });

  it('any reordered, removed or duplicated line', () => {
    fc.assert(
      fc.property(
        grantArb,
        keyArb,
        fc.nat(),
        fc.nat(),
        fc.constantFrom('swap', 'remove', 'duplicate'),
        (grant, key, a, b, op) => {
          const lines = signed(grant, key).slice(0, -1).split('\n');
          const i = a % lines.length;
          const j = b % lines.length;
          if (op === 'swap') {
            fc.pre(lines[i] !== lines[j]);
            [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
          } else if (op === 'remove') {
            lines.splice(i, 1);
          } else {
            lines.splice(j, 0, lines[i] as string);
          }
          expect(verifyAlf(`${lines.join('\n')}\n`, published).valid).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any edited value (seats, dates, account, ...), even in a well-formed way', () => {
    const edits: [RegExp, string][] = [
      [/^Seats: .*$/m, 'Seats: 99999'],
      [/^Valid-Until: .*$/m, 'Valid-Until: 2099-01-01T00:00:00.000Z'],
      [/^Valid-From: .*$/m, 'Valid-From: 1999-01-01T00:00:00.000Z'],
      [/^Account: .*$/m, 'Account: acc_other'],
      [/^License: .*$/m, 'License: lic_other'],
      [/^Host-Id: .*$/m, 'Host-Id: ANOTHER-HOST'],
      [/^Product: .*\nKind: .*$/m, 'Product: Altium NEXUS Server CAL\nKind: cal'],
    ];
    fc.assert(
      fc.property(grantArb, keyArb, fc.constantFrom(...edits), (grant, key, [pattern, replacement]) => {
        const file = signed(grant, key);
        const edited = file.replace(pattern, replacement);
        fc.pre(edited !== file);
        expect(verifyAlf(edited, published).valid).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a file signed by an unpublished key, or one whose Key-Id was changed to a published key', () => {
    fc.assert(
      fc.property(grantArb, (grant) => {
        const stranger = edKey('ed-1'); // same kid as a published key, other key material
        const verdict = verifyAlf(signed(grant, stranger), published);
        expect(verdict).toMatchObject({ valid: false, check: 'signature' });
        const unknown = verifyAlf(signed(grant, edKey('ed-unknown')), published);
        expect(unknown).toMatchObject({ valid: false, check: 'key' });
      }),
      { numRuns: 20 },
    );
    const file = signed(baseGrant, ed);
    const swapped = file
      .replace('Key-Id: ed-1', 'Key-Id: ec-1')
      .replace('Signature: ed-1:', 'Signature: ec-1:');
    expect(verifyAlf(swapped, published).valid).toBe(false);
  });
});

describe('verdicts say which line and which check', () => {
  it.each([
    ['', 'encoding', null],
    ['Account: a\n', 'fields', 2],
    ['no colon here\n', 'syntax', 1],
  ])('%j -> %s', (file, check, line) => {
    const verdict = verifyAlf(file, published);
    expect(verdict).toMatchObject({ valid: false, check, line });
    expect(describeVerdict(verdict)).toContain(check);
  });

  it('names the line of a bad value and of a bad signature', () => {
    const file = signed(baseGrant, ed);
    expect(verifyAlf(file.replace('Seats: 5', 'Seats: five'), published)).toMatchObject({
      check: 'values',
      line: 6,
    });
    expect(verifyAlf(file.replace('Seats: 5', 'Seats: 6'), published)).toMatchObject({
      check: 'signature',
      line: 13,
    });
    expect(parseAlf(file).ok).toBe(true);
    expect(describeVerdict(verifyAlf(file, published))).toMatch(/^valid: Altium NEXUS Server/);
  });
});
