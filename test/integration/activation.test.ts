// Activation over HTTP on DynamoDB Local: signed files, idempotent retries, downloads, keys, and refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAlf } from '../../domain/alf.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let acme: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Acme');
  other = await portal.createAccount('Other');
});
afterAll(() => portal?.stop());

function activate(account: TestAccount, licenseId: string, body: unknown, key?: string) {
  return portal.call('POST', `/v1/licenses/${licenseId}/activations`, {
    token: account.admin.token,
    body,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
}

describe('activating a license', () => {
  it.each([
    ['Altium NEXUS Server', 'Altium Nexus Server License'],
    ['Altium NEXUS Server CAL', 'Altium Nexus Server CAL License'],
    ['Altium NEXUS', 'Altium NEXUS License'],
  ])(
    'gives a %s file named as the seed says, verifiable with GET /v1/keys, taking no seat',
    async (product, stem) => {
      const license = await portal.issueLicense(acme.accountId, product, 3);
      const res = await activate(acme, license.licenseId, { hostId: 'PC-42', hostName: 'design-pc' });
      expect(res.status).toBe(201);
      expect(res.body.activationId).toEqual(expect.any(String));
      expect(res.body.fileName).toBe(`${stem} ${license.activationCode} R10 Primary.alf`);
      const keys = (await portal.call('GET', '/v1/keys')).body.keys;
      const verdict = verifyAlf(res.body.alf, keys);
      expect(verdict).toMatchObject({
        valid: true,
        grant: {
          accountId: acme.accountId,
          licenseId: license.licenseId,
          activationCode: license.activationCode,
          product,
          seats: 3,
          validFrom: license.validFrom,
          validUntil: license.validUntil,
          hostId: 'PC-42',
          hostName: 'design-pc',
        },
      });
      const after = await portal.call('GET', `/v1/licenses/${license.licenseId}`, {
        token: acme.admin.token,
      });
      expect(after.body.used).toBe(0);
    },
  );

  it('downloads the same bytes with content-disposition, and 404s for another account', async () => {
    const license = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1);
    const created = await activate(acme, license.licenseId, { hostId: 'H1' });
    const path = `/v1/activations/${created.body.activationId}/alf`;
    const res = await portal.call('GET', path, { token: acme.admin.token });
    expect(res.status).toBe(200);
    expect(res.text).toBe(created.body.alf);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${created.body.fileName}"`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const theirs = await portal.call('GET', path, { token: other.admin.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('not_found');
    expect(
      (await portal.call('GET', '/v1/activations/act_nope/alf', { token: acme.admin.token })).status,
    ).toBe(404);
  });

  it('returns the same activation and byte-identical file on a retry with the same idempotency-key', async () => {
    const license = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 5);
    const first = await activate(acme, license.licenseId, { hostId: 'H1' }, 'retry-key-1');
    const again = await activate(acme, license.licenseId, { hostId: 'H1' }, 'retry-key-1');
    expect(first.status).toBe(201);
    expect(again.body.activationId).toBe(first.body.activationId);
    expect(again.body.alf).toBe(first.body.alf);
    // Concurrent retries: one write wins, all see its bytes.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => activate(acme, license.licenseId, { hostId: 'H2' }, 'retry-key-2')),
    );
    expect(new Set(racing.map((r) => r.body.activationId)).size).toBe(1);
    expect(new Set(racing.map((r) => r.body.alf)).size).toBe(1);
    // Without a key every call is a new activation.
    const a = await activate(acme, license.licenseId, { hostId: 'H1' });
    const b = await activate(acme, license.licenseId, { hostId: 'H1' });
    expect(a.body.activationId).not.toBe(b.body.activationId);
  });

  it('answers 409 idempotency_key_reused for the same key with another body; keys are per license and account', async () => {
    const license = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 2);
    const second = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 2);
    expect((await activate(acme, license.licenseId, { hostId: 'H1' }, 'k')).status).toBe(201);
    const reused = await activate(acme, license.licenseId, { hostId: 'H2' }, 'k');
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    // The same key on another license, or in another account, is another key.
    expect((await activate(acme, second.licenseId, { hostId: 'H2' }, 'k')).status).toBe(201);
    const theirs = await portal.issueLicense(other.accountId, 'Altium NEXUS Server', 1);
    expect((await activate(other, theirs.licenseId, { hostId: 'H9' }, 'k')).status).toBe(201);
  });

  it('refuses an expired license with 409 license_expired and another account’s license with 404', async () => {
    const expired = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1, {
      validFrom: '2021-01-01T00:00:00.000Z',
      termMonths: 12,
    });
    const res = await activate(acme, expired.licenseId, { hostId: 'H1' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('license_expired');
    const theirs = await portal.issueLicense(other.accountId, 'Altium NEXUS Server', 1);
    const missing = await activate(acme, theirs.licenseId, { hostId: 'H1' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it.each([
    [{}],
    [{ hostId: '' }],
    [{ hostId: 'a\nb' }],
    [{ hostId: 'a', hostName: 'x\u0007' }],
    [{ hostId: 7 }],
    [{ hostId: 'a', extra: true }],
    [{ hostId: 'x'.repeat(201) }],
  ])('refuses the body %j with 400 and writes nothing', async (body) => {
    const license = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1);
    const res = await activate(acme, license.licenseId, body, 'bad-body');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    // Nothing was recorded under the key: a good body with it now succeeds.
    expect((await activate(acme, license.licenseId, { hostId: 'ok' }, 'bad-body')).status).toBe(201);
  });

  it('refuses a bad idempotency-key with 400, and members with 403', async () => {
    const license = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1);
    const long = await activate(acme, license.licenseId, { hostId: 'H' }, 'k'.repeat(300));
    expect(long.status).toBe(400);
    const member = await portal.call('POST', `/v1/licenses/${license.licenseId}/activations`, {
      token: acme.member.token,
      body: { hostId: 'H' },
    });
    expect(member.status).toBe(403);
  });

  it('publishes keys without a token', async () => {
    const res = await portal.call('GET', '/v1/keys');
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(Object.keys(key).sort()).toEqual(
        key.kty === 'OKP' ? ['alg', 'crv', 'kid', 'kty', 'x'] : ['alg', 'crv', 'kid', 'kty', 'x', 'y'],
      );
    }
  });
});
