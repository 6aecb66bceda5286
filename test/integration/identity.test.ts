// Identity from the store (API.md "Identity and roles"): tokens forged with the test portal's own secret name
// users, accounts and roles that the store does not vouch for, or carry bad times; and a change to a stored user
// applies at that user's very next request.
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_LIFETIME_SECONDS } from '../../domain/identity.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../functions/identity/tokens.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let acme: TestAccount;
let other: TestAccount;
let licenseId: string;
let doc: ReturnType<typeof createDocumentClient>;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A token signed with the portal's own secret (what a leaked or misused secret, or a stale token, looks like):
 * `iat`/`exp` default to a fresh hour; pass null to leave one out.
 */
async function forge(
  claims: Record<string, string | boolean | undefined>,
  times: { iat?: number | null; exp?: number | null } = {},
): Promise<string> {
  const { sub, ...rest } = claims;
  const iat = times.iat === undefined ? nowSeconds() : times.iat;
  const exp = times.exp === undefined ? nowSeconds() + TOKEN_LIFETIME_SECONDS : times.exp;
  let jwt = new SignJWT(rest).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  jwt = jwt.setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE);
  if (typeof sub === 'string') jwt = jwt.setSubject(sub);
  if (iat !== null) jwt = jwt.setIssuedAt(iat);
  if (exp !== null) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(process.env.LOCAL_JWT_SECRET));
}

const memberClaims = () => ({ sub: acme.member.userId, account: acme.accountId, admin: 'false' });
const adminClaims = () => ({ sub: acme.admin.userId, account: acme.accountId, admin: 'true' });

async function roles(token: string) {
  return portal.call('GET', '/v1/roles', { token });
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Identity Co');
  other = await portal.createAccount('Other Co');
  licenseId = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 5)).licenseId;
  doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
});
afterAll(async () => {
  doc?.destroy();
  await portal?.stop();
});

describe('forged tokens', () => {
  it('a forged token with the real claims of an administrator works (so the refusals below are meaningful)', async () => {
    expect((await roles(await forge(adminClaims()))).status).toBe(200);
  });

  it('a user id that does not exist → 401', async () => {
    const token = await forge({ sub: `usr_${randomUUID()}`, account: acme.accountId, admin: 'true' });
    expectError(await roles(token), 401, 'unauthorized');
    expectError(await portal.call('GET', '/v1/licenses', { token }), 401, 'unauthorized');
  });

  it('an account that does not exist → 401, even for a real user id', async () => {
    const token = await forge({ sub: acme.admin.userId, account: `acc_${randomUUID()}`, admin: 'true' });
    expectError(await roles(token), 401, 'unauthorized');
  });

  it("a real user with another account's id → 401, never that account's data", async () => {
    const token = await forge({ sub: acme.admin.userId, account: other.accountId, admin: 'true' });
    expectError(await portal.call('GET', '/v1/licenses', { token }), 401, 'unauthorized');
  });

  it('a member claiming admin is still a member: 403 on administrator routes, nothing activated', async () => {
    const token = await forge({ ...memberClaims(), admin: 'true' });
    expectError(await roles(token), 403, 'forbidden');
    const activation = await portal.call('POST', `/v1/licenses/${licenseId}/activations`, {
      token,
      body: { hostId: 'FORGED' },
    });
    expectError(activation, 403, 'forbidden');
    expect((await portal.call('GET', '/v1/licenses', { token })).status).toBe(200);
  });

  it('a member claiming operator creates no account: 401 without an account claim, 403 with one', async () => {
    const asOperator = await forge({ sub: acme.member.userId, operator: 'true', admin: 'true' });
    expectError(
      await portal.call('POST', '/v1/accounts', { token: asOperator, body: { name: 'X' } }),
      401,
      'unauthorized',
    );
    const withAccount = await forge({ ...memberClaims(), operator: 'true' });
    expectError(
      await portal.call('POST', '/v1/accounts', { token: withAccount, body: { name: 'X' } }),
      403,
      'forbidden',
    );
  });

  it.each([
    ['no exp', { exp: null }],
    ['no iat', { iat: null }],
    ['exp ten years ahead', { exp: nowSeconds() + 10 * 365 * 86_400 }],
    ['exp two hours ahead', { exp: nowSeconds() + 2 * 3600 }],
    ['iat a day in the future', { iat: nowSeconds() + 86_400 }],
  ])('%s → 401', async (_name, times) => {
    expectError(await roles(await forge(adminClaims(), times)), 401, 'unauthorized');
  });

  it('a token that is not signed with the secret → 401', async () => {
    const token = await forge(adminClaims());
    const [header, payload] = token.split('.');
    expectError(await roles(`${header}.${payload}.${'A'.repeat(43)}`), 401, 'unauthorized');
  });

  it('say what is wrong and what to do: no token, an expired one, one not valid here', async () => {
    const none = await portal.call('GET', '/v1/roles', { token: null });
    expectError(none, 401, 'unauthorized');
    expect(none.body.error.message).toContain('Sign in first');
    const expired = await roles(
      await forge(adminClaims(), { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }),
    );
    expectError(expired, 401, 'unauthorized');
    expect(expired.body.error.message).toContain('has expired; sign in again');
    const garbled = await roles('not-a-token');
    expectError(garbled, 401, 'unauthorized');
    expect(garbled.body.error.message).toContain('not valid here');
  });
});

describe('the store decides, at the next request', () => {
  async function setUser(userId: string, accountId: string, update: string, values: Record<string, unknown>) {
    await doc.send(
      new UpdateCommand({
        TableName: portal.portal.tableName,
        Key: keys.user(accountId, userId),
        UpdateExpression: update,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }

  it('an administrator whose admin flag is removed gets 403 with the same token, and 200 again when restored', async () => {
    const user = await portal.createUser(acme.accountId, { admin: true });
    expect((await roles(user.token)).status).toBe(200);
    await setUser(user.userId, acme.accountId, 'SET admin = :no', { ':no': false });
    expectError(await roles(user.token), 403, 'forbidden');
    await setUser(user.userId, acme.accountId, 'SET admin = :yes', { ':yes': true });
    expect((await roles(user.token)).status).toBe(200);
  });

  it('a member made administrator in the store may act as one with an old token', async () => {
    const user = await portal.createUser(acme.accountId, { admin: false });
    expectError(await roles(user.token), 403, 'forbidden');
    await setUser(user.userId, acme.accountId, 'SET admin = :yes', { ':yes': true });
    expect((await roles(user.token)).status).toBe(200);
  });

  it.each([
    ['disabled', 'SET disabled = :yes', { ':yes': true }],
    ['marked deleted', 'SET deletedAt = :at', { ':at': '2026-11-30T00:00:00.000Z' }],
  ])('a %s user → 401 at the next request, and cannot sign in again', async (_name, update, values) => {
    const user = await portal.createUser(acme.accountId, { admin: true });
    expect((await portal.call('GET', '/v1/licenses', { token: user.token })).status).toBe(200);
    await setUser(user.userId, acme.accountId, update, values);
    expectError(await portal.call('GET', '/v1/licenses', { token: user.token }), 401, 'unauthorized');
    const signIn = await portal.call('POST', '/v1/auth/token', {
      body: { username: user.email, password: 'correct-horse-battery' },
    });
    expectError(signIn, 401, 'unauthorized');
  });

  it('a user whose item is gone → 401', async () => {
    const user = await portal.createUser(acme.accountId, {});
    await doc.send(
      new DeleteCommand({ TableName: portal.portal.tableName, Key: keys.user(acme.accountId, user.userId) }),
    );
    expectError(await portal.call('GET', '/v1/licenses', { token: user.token }), 401, 'unauthorized');
  });

  it('a disabled account stops all its users at their next request', async () => {
    const company = await portal.createAccount('Suspended Co');
    expect((await portal.call('GET', '/v1/licenses', { token: company.member.token })).status).toBe(200);
    await doc.send(
      new UpdateCommand({
        TableName: portal.portal.tableName,
        Key: keys.account(company.accountId),
        UpdateExpression: 'SET disabled = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
    expectError(
      await portal.call('GET', '/v1/licenses', { token: company.member.token }),
      401,
      'unauthorized',
    );
    expectError(await roles(company.admin.token), 401, 'unauthorized');
  });

  it('the built-in operator is a stored user: disabled in the store, its token stops working', async () => {
    const token = await portal.operatorToken();
    expect((await portal.call('POST', '/v1/accounts', { token, body: { name: 'Before' } })).status).toBe(201);
    const key = keys.operator('operator');
    await doc.send(
      new UpdateCommand({
        TableName: portal.portal.tableName,
        Key: key,
        UpdateExpression: 'SET disabled = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
    try {
      expectError(
        await portal.call('POST', '/v1/accounts', { token, body: { name: 'After' } }),
        401,
        'unauthorized',
      );
    } finally {
      await doc.send(
        new UpdateCommand({
          TableName: portal.portal.tableName,
          Key: key,
          UpdateExpression: 'REMOVE disabled',
        }),
      );
    }
    expect((await portal.call('POST', '/v1/accounts', { token, body: { name: 'Again' } })).status).toBe(201);
  });

  it('an operator that is not stored is no operator, whatever its token says', async () => {
    await doc.send(
      new PutCommand({
        TableName: portal.portal.tableName,
        Item: { ...keys.operator('ops-2'), entity: 'Operator', userId: 'ops-2' },
      }),
    );
    const stored = await forge({ sub: 'ops-2', operator: 'true' });
    expect(
      (await portal.call('POST', '/v1/accounts', { token: stored, body: { name: 'Ops 2' } })).status,
    ).toBe(201);
    const unknown = await forge({ sub: 'ops-3', operator: 'true' });
    expectError(
      await portal.call('POST', '/v1/accounts', { token: unknown, body: { name: 'Ops 3' } }),
      401,
      'unauthorized',
    );
  });
});
