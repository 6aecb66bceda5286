// Signing adapters: the local Ed25519 key file, the KMS adapter (DER -> raw r||s) against a KMS double that signs
// with a REAL P-256 key, and files of both verifying against what GET /v1/keys publishes.
import { createPublicKey, generateKeyPairSync, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Jwk, verifyAlf, verifySignature } from '../../domain/alf.js';
import { issueLicense } from '../../domain/license.js';
import { handler as keysHandler } from '../../functions/handlers/keys.js';
import { derToRaw } from '../../functions/signing/der.js';
import { currentSigner, publishedKeys, setSigningForTests } from '../../functions/signing/index.js';
import { issueAlf } from '../../functions/signing/issue.js';
import { clearKmsKeyCache, kidOfKmsKey, kmsPublicKeys, kmsSigner } from '../../functions/signing/kms.js';
import { loadOrCreateKeyFile, localKeys, rotateKeyFile } from '../../functions/signing/local.js';

const now = new Date('2026-03-01T00:00:00.000Z');
const license = issueLicense(
  {
    licenseId: 'lic_1',
    accountId: 'acc_1',
    product: 'Altium NEXUS Server CAL',
    seats: 25,
    activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
  },
  now,
);

function keysEvent() {
  return {
    routeKey: 'GET /v1/keys',
    rawPath: '/v1/keys',
    headers: {},
    requestContext: { requestId: 'r1' },
  } as never;
}

async function getKeys() {
  const result = await keysHandler(keysEvent(), {} as never);
  expect(result.statusCode).toBe(200);
  return JSON.parse(result.body as string).keys;
}

describe('DER to raw r||s', () => {
  it('matches node:crypto’s own raw encoding for any message (leading zeros and 33-byte integers included)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (message) => {
        const der = cryptoSign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
        const raw = derToRaw(der);
        expect(raw).toHaveLength(64);
        const jwk = {
          kid: 'k',
          alg: 'ES256',
          kty: 'EC',
          crv: 'P-256',
          ...(publicKey.export({ format: 'jwk' }) as object),
        };
        // The raw form is what a file carries and what verifies as ECDSA P-256 r||s.
        expect(verifySignature(jwk as Jwk, message, raw)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('pads short integers on the left and strips the sign byte', () => {
    const r = new Uint8Array(31).fill(1); // 31 bytes: must be padded to 32
    const s = new Uint8Array([0x00, 0x80, ...new Uint8Array(31).fill(2)]); // 33 bytes with a sign byte
    const der = new Uint8Array([0x30, 2 + 31 + 2 + 33, 0x02, 31, ...r, 0x02, 33, ...s]);
    const raw = derToRaw(der);
    expect(raw[0]).toBe(0);
    expect(Array.from(raw.subarray(1, 32))).toEqual(Array.from(r));
    expect(raw[32]).toBe(0x80);
  });

  it.each([
    ['not a sequence', [0x31, 0x00]],
    ['truncated', [0x30, 0x06, 0x02, 0x01, 0x01]],
    ['trailing bytes', [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]],
  ])('refuses %s', (_, bytes) => {
    expect(() => derToRaw(new Uint8Array(bytes))).toThrow(RangeError);
  });
});

describe('local Ed25519 key', () => {
  it('is created on first use with mode 0600, reused after a restart, and its files verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alf-key-'));
    const file = join(dir, 'signing-key.json');
    const first = localKeys(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = localKeys(file);
    expect(second.keyId).toBe(first.keyId);
    const issued = await issueAlf(first, license, { hostId: 'H' }, now);
    expect(verifyAlf(issued.alf, await second.publicKeys()).valid).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).current).toBe(first.keyId);
  });

  it('keeps publishing the old key after a rotation, so files signed before it still verify', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'alf-key-')), 'signing-key.json');
    const before = localKeys(file);
    const old = await issueAlf(before, license, { hostId: 'H' }, now);
    const newKid = rotateKeyFile(file);
    const after = localKeys(file);
    expect(after.keyId).toBe(newKid);
    expect(after.keyId).not.toBe(before.keyId);
    const keys = await after.publicKeys();
    expect(keys.map((k) => k.kid)).toEqual([before.keyId, newKid]);
    expect(verifyAlf(old.alf, keys).valid).toBe(true);
    expect(verifyAlf((await issueAlf(after, license, { hostId: 'H' }, now)).alf, keys).valid).toBe(true);
    expect(loadOrCreateKeyFile(file).keys).toHaveLength(2);
  });

  it('uses LOCAL_SIGNING_KEY_FILE, and GET /v1/keys publishes its public half only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'alf-key-')), 'signing-key.json');
    process.env.LOCAL_SIGNING_KEY_FILE = file;
    try {
      const signer = currentSigner();
      const keys = await getKeys();
      expect(keys).toEqual([
        { kid: signer.keyId, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', x: expect.any(String) },
      ]);
      expect(JSON.stringify(keys)).not.toContain('"d"');
      const issued = await issueAlf(signer, license, { hostId: 'H' }, now);
      expect(verifyAlf(issued.alf, keys).valid).toBe(true);
    } finally {
      delete process.env.LOCAL_SIGNING_KEY_FILE;
    }
  });
});

describe('KMS adapter', () => {
  const kms = mockClient(KMSClient);
  const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const retiredArn = 'arn:aws:kms:eu-west-1:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab';
  const realKeys = new Map<string, KeyObject>();

  /** A KMS double: signs a DIGEST with a real P-256 key and returns DER, as KMS does. */
  function fakeKms() {
    for (const arn of [keyArn, retiredArn]) {
      realKeys.set(arn, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    }
    kms.on(SignCommand).callsFake((input) => {
      const key = realKeys.get(input.KeyId) as KeyObject;
      expect(input.MessageType).toBe('RAW');
      expect(input.SigningAlgorithm).toBe('ECDSA_SHA_256');
      const der = cryptoSign('sha256', input.Message as Uint8Array, { key, dsaEncoding: 'der' });
      return { Signature: new Uint8Array(der), KeyId: input.KeyId, SigningAlgorithm: 'ECDSA_SHA_256' };
    });
    kms.on(GetPublicKeyCommand).callsFake((input) => {
      const key = realKeys.get(input.KeyId) as KeyObject;
      const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
      return { KeyId: input.KeyId, PublicKey: new Uint8Array(spki), KeySpec: 'ECC_NIST_P256' };
    });
  }

  beforeEach(() => {
    kms.reset();
    clearKmsKeyCache();
    fakeKms();
  });
  afterEach(() => {
    delete process.env.SIGNING_KMS_KEY_ID;
    delete process.env.PUBLIC_KMS_KEY_IDS;
    setSigningForTests(null);
  });

  it('produces files that verify against GET /v1/keys, for any license content', async () => {
    process.env.SIGNING_KMS_KEY_ID = keyArn;
    process.env.PUBLIC_KMS_KEY_IDS = `${retiredArn}, ${keyArn}`;
    const signer = currentSigner();
    expect(signer.keyId).toBe('kms-1234abcd-12ab-34cd-56ef-1234567890ab');
    const keys = await getKeys();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toEqual({
      kid: signer.keyId,
      alg: 'ES256',
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /^[\w .-]+$/.test(s)),
        async (hostId) => {
          const issued = await issueAlf(signer, license, { hostId }, now);
          const verdict = verifyAlf(issued.alf, keys);
          expect(verdict.valid).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    expect(kms).toHaveReceivedCommandWith(SignCommand, { KeyId: keyArn });
  });

  it('a file verifies only with its own key: the retired key’s files still verify, a wrong key fails', async () => {
    const retired = kmsSigner(new KMSClient({ region: 'eu-west-1' }), retiredArn);
    const current = kmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);
    const source = kmsPublicKeys(new KMSClient({ region: 'eu-west-1' }), [retiredArn, keyArn]);
    const keys = await source.publicKeys();
    const old = await issueAlf(retired, license, { hostId: 'H' }, now);
    expect(verifyAlf(old.alf, keys).valid).toBe(true);
    const fresh = await issueAlf(current, license, { hostId: 'H' }, now);
    expect(verifyAlf(fresh.alf, keys).valid).toBe(true);
    // Only the current key published: the retired key's file no longer verifies.
    expect(verifyAlf(old.alf, keys.slice(1)).valid).toBe(false);
  });

  it('caches public keys: GetPublicKey runs once per key, however often keys are listed', async () => {
    const source = kmsPublicKeys(new KMSClient({ region: 'eu-west-1' }), [keyArn]);
    await source.publicKeys();
    await source.publicKeys();
    await Promise.all([source.publicKeys(), source.publicKeys()]);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('a wrong DER conversion would fail: swapping r and s makes the file invalid', async () => {
    const signer = kmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);
    const keys = await kmsPublicKeys(new KMSClient({ region: 'eu-west-1' }), [keyArn]).publicKeys();
    const swapped = {
      ...signer,
      sign: async (m: Uint8Array) => {
        const raw = await signer.sign(m);
        return new Uint8Array([...raw.subarray(32), ...raw.subarray(0, 32)]);
      },
    };
    const issued = await issueAlf(swapped, license, { hostId: 'H' }, now);
    expect(verifyAlf(issued.alf, keys)).toMatchObject({ valid: false, check: 'signature' });
  });

  it.each([
    ['1234abcd-12ab-34cd-56ef-1234567890ab', 'kms-1234abcd-12ab-34cd-56ef-1234567890ab'],
    [keyArn, 'kms-1234abcd-12ab-34cd-56ef-1234567890ab'],
  ])('derives the kid of %s', (id, kid) => {
    expect(kidOfKmsKey(id)).toBe(kid);
  });

  it('refuses an alias as a signing key id', () => {
    expect(() => kidOfKmsKey('alias/alf-signing')).toThrow(/alias/);
    expect(() => kidOfKmsKey('arn:aws:kms:eu-west-1:111122223333:alias/alf')).toThrow(/alias/);
  });

  it('fails loudly when only half of the KMS configuration is set, or in Lambda without KMS', () => {
    process.env.SIGNING_KMS_KEY_ID = keyArn;
    expect(() => publishedKeys()).toThrow(/PUBLIC_KMS_KEY_IDS/);
    delete process.env.SIGNING_KMS_KEY_ID;
    process.env.PUBLIC_KMS_KEY_IDS = keyArn;
    expect(() => currentSigner()).toThrow(/SIGNING_KMS_KEY_ID/);
    delete process.env.PUBLIC_KMS_KEY_IDS;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'portal-activations';
    try {
      expect(() => currentSigner()).toThrow(/not set/);
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });

  it('publishes the local keys when no KMS key is configured', async () => {
    expect((await publishedKeys().publicKeys())[0]?.alg).toBe('EdDSA');
  });
});
