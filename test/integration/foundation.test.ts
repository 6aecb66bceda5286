// The foundation over HTTP on DynamoDB Local: health, tokens, back office and the From cloud listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('public routes', () => {
  it('answers health without a token', async () => {
    const res = await portal.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document', async () => {
    const res = await portal.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/v1/licenses');
  });
});

describe('tokens', () => {
  it('issues a bearer token to the operator and to users, and refuses wrong passwords with 401', async () => {
    const ok = await portal.call('POST', '/v1/auth/token', {
      body: { username: 'operator', password: 'operator' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.tokenType).toBe('Bearer');
    expect(ok.body.expiresIn).toBeGreaterThan(0);
    const bad = await portal.call('POST', '/v1/auth/token', {
      body: { username: acme.admin.email, password: 'nope-nope' },
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthorized');
  });

  it('answers 401 without a token or with a forged one', async () => {
    expect((await portal.call('GET', '/v1/licenses')).status).toBe(401);
    const forged = `${acme.admin.token.slice(0, -4)}AAAA`;
    const res = await portal.call('GET', '/v1/licenses', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('back office', () => {
  it('creates users in the built-in All Users role and refuses a taken email with 409', async () => {
    const token = await portal.operatorToken();
    const email = `Someone.${Date.now()}@Example.com`;
    const created = await portal.call('POST', `/v1/accounts/${acme.accountId}/users`, {
      token,
      body: { email, password: 'long-enough-pw', roles: ['Designers'], admin: false },
    });
    expect(created.status).toBe(201);
    expect(created.body.roles).toEqual(['All Users', 'Designers']);
    expect(created.body.admin).toBe(false);
    const again = await portal.call('POST', `/v1/accounts/${other.accountId}/users`, {
      token,
      body: { email: email.toLowerCase(), password: 'long-enough-pw', roles: [], admin: false },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
  });

  it('answers 404 for an unknown account', async () => {
    const token = await portal.operatorToken();
    const res = await portal.call('POST', '/v1/accounts/acc_missing/licenses', {
      token,
      body: { product: 'Altium NEXUS Server', seats: 1 },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('issues 12-month licenses with the product kind, and clamps calendar months to the month end', async () => {
    const license = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 5, {
      validFrom: '2026-01-31T10:00:00Z',
      termMonths: 1,
    });
    expect(license.kind).toBe('cal');
    expect(license.validUntil).toBe('2026-02-28T10:00:00.000Z');
    expect(license.status).toBe('expired');
    expect(license.used).toBe(0);
    expect(license.activationCode).toMatch(/^NX(-[0-9A-Z]{4}){4}$/);
    const yearly = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1);
    expect(new Date(yearly.validUntil).getUTCFullYear() - new Date(yearly.validFrom).getUTCFullYear()).toBe(
      1,
    );
    expect(yearly.status).toBe('valid');
  });

  it('refuses terms a license file cannot state (before 1970, past 9999) with 400, issuing nothing', async () => {
    const operator = await portal.operatorToken();
    const before = await portal.call('GET', `/v1/accounts/${acme.accountId}/audit?action=license.issued`, {
      token: operator,
    });
    for (const validFrom of ['0001-01-01T00:00:00Z', '9999-12-31T00:00:00Z']) {
      const res = await portal.call('POST', `/v1/accounts/${acme.accountId}/licenses`, {
        token: operator,
        body: { product: 'Altium NEXUS Server CAL', seats: 1, validFrom },
      });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    const after = await portal.call('GET', `/v1/accounts/${acme.accountId}/audit?action=license.issued`, {
      token: operator,
    });
    expect(after.body.events).toHaveLength(before.body.events.length);
    // Bad input is a 400 before the account is looked up (API.md's order), with the reason.
    const unknown = await portal.call('POST', '/v1/accounts/acc_doesnotexist000000/licenses', {
      token: operator,
      body: { product: 'Altium NEXUS', seats: 1, validFrom: '1960-01-01T00:00:00Z' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('1970');
  });

  it('renews a license from its end, or from now once it has passed, keeping id and code', async () => {
    const token = await portal.operatorToken();
    const live = await portal.issueLicense(acme.accountId, 'Altium NEXUS', 2, {
      validFrom: '2026-06-15T00:00:00Z',
    });
    const renewed = await portal.call(
      'POST',
      `/v1/accounts/${acme.accountId}/licenses/${live.licenseId}/renewals`,
      {
        token,
        body: { termMonths: 12 },
      },
    );
    expect(renewed.status).toBe(200);
    expect(renewed.body.licenseId).toBe(live.licenseId);
    expect(renewed.body.activationCode).toBe(live.activationCode);
    expect(renewed.body.validUntil).toBe('2028-06-15T00:00:00.000Z');

    const lapsed = await portal.issueLicense(acme.accountId, 'Altium NEXUS', 2, {
      validFrom: '2020-01-01T00:00:00Z',
      termMonths: 1,
    });
    const before = Date.now();
    const revived = await portal.call(
      'POST',
      `/v1/accounts/${acme.accountId}/licenses/${lapsed.licenseId}/renewals`,
      {
        token,
        body: {},
      },
    );
    expect(revived.body.status).toBe('valid');
    expect(Date.parse(revived.body.validUntil)).toBeGreaterThan(before + 360 * 86_400_000);
  });

  it('counts two renewals sent at once, one after the other', async () => {
    const token = await portal.operatorToken();
    const license = await portal.issueLicense(acme.accountId, 'Altium NEXUS', 2, {
      validFrom: '2026-03-10T00:00:00Z',
    });
    const renew = () =>
      portal.call('POST', `/v1/accounts/${acme.accountId}/licenses/${license.licenseId}/renewals`, {
        token,
        body: { termMonths: 6 },
      });
    const results = await Promise.all([renew(), renew(), renew()]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const final = await portal.call('GET', `/v1/licenses/${license.licenseId}`, { token: acme.member.token });
    expect(final.body.validUntil).toBe('2028-09-10T00:00:00.000Z');
  });

  it("answers 404 when renewing another account's license through the wrong account", async () => {
    const license = await portal.issueLicense(other.accountId, 'Altium NEXUS', 1);
    const res = await portal.call(
      'POST',
      `/v1/accounts/${acme.accountId}/licenses/${license.licenseId}/renewals`,
      {
        token: await portal.operatorToken(),
        body: {},
      },
    );
    expect(res.status).toBe(404);
  });

  it('keeps account users out of the back office (403) and operators out of account routes (403)', async () => {
    const asAdmin = await portal.call('POST', '/v1/accounts', {
      token: acme.admin.token,
      body: { name: 'x' },
    });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.body.error.code).toBe('forbidden');
    const asOperator = await portal.call('GET', '/v1/licenses', { token: await portal.operatorToken() });
    expect(asOperator.status).toBe(403);
  });
});

describe('From cloud listing', () => {
  it("lists only the caller's licenses, filters by product substring and validity, and pages", async () => {
    const account = await portal.createAccount('Lister');
    await portal.issueLicense(account.accountId, 'Altium NEXUS Server', 1);
    await portal.issueLicense(account.accountId, 'Altium NEXUS Server CAL', 3);
    await portal.issueLicense(account.accountId, 'Altium NEXUS Server CAL', 3, {
      validFrom: '2020-01-01T00:00:00Z',
    });
    await portal.issueLicense(account.accountId, 'Altium NEXUS', 3, { validFrom: '2099-01-01T00:00:00Z' });

    const all = await portal.call('GET', '/v1/licenses', { token: account.member.token });
    expect(all.status).toBe(200);
    expect(all.body.licenses).toHaveLength(4);
    expect(all.body.nextToken).toBeNull();
    expect(new Set(all.body.licenses.map((l: any) => l.accountId))).toEqual(new Set([account.accountId]));

    const cals = await portal.call('GET', '/v1/licenses?product=server%20cal', {
      token: account.member.token,
    });
    expect(cals.body.licenses.map((l: any) => l.product)).toEqual([
      'Altium NEXUS Server CAL',
      'Altium NEXUS Server CAL',
    ]);

    const valid = await portal.call('GET', '/v1/licenses?validOnly=true', { token: account.member.token });
    expect(valid.body.licenses.map((l: any) => l.status)).toEqual(['valid', 'valid']);
    const statuses = all.body.licenses.map((l: any) => l.status).sort();
    expect(statuses).toEqual(['expired', 'not_yet_valid', 'valid', 'valid']);

    const seen: string[] = [];
    let token: string | null = null;
    do {
      const page: any = await portal.call(
        'GET',
        `/v1/licenses?limit=3${token ? `&nextToken=${token}` : ''}`,
        {
          token: account.member.token,
        },
      );
      expect(page.status).toBe(200);
      expect(page.body.licenses.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.licenses.map((l: any) => l.licenseId));
      token = page.body.nextToken;
    } while (token);
    expect(new Set(seen).size).toBe(4);
  });

  it("answers 404 for another account's license, exactly as for a missing one", async () => {
    const license = await portal.issueLicense(other.accountId, 'Altium NEXUS Server', 1);
    const theirs = await portal.call('GET', `/v1/licenses/${license.licenseId}`, {
      token: acme.member.token,
    });
    const missing = await portal.call('GET', '/v1/licenses/lic_doesnotexist', { token: acme.member.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
    const mine = await portal.call('GET', `/v1/licenses/${license.licenseId}`, { token: other.member.token });
    expect(mine.status).toBe(200);
    expect(mine.body.licenseId).toBe(license.licenseId);
  });

  it("refuses a nextToken made for another account's list", async () => {
    const forged = Buffer.from(JSON.stringify({ pk: `ACCOUNT#${other.accountId}`, sk: 'LICENSE#' })).toString(
      'base64url',
    );
    const res = await portal.call('GET', `/v1/licenses?nextToken=${forged}`, { token: acme.member.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });
});
