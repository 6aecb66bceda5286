// NEXUS servers' own credentials over HTTP: a secret shown once, exchanged for a server token that works until
// its credential is revoked or its server deleted; wrong and garbled secrets answer 401, and failures are limited
// per credential and per source address; each change leaves one audit record with its actor and never a secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVER_TOKEN_FAILURES_PER_ADDRESS,
  SERVER_TOKEN_FAILURES_PER_CREDENTIAL,
} from '../../domain/rate-limit.js';
import { serverKeys } from '../../functions/identity/server-keys.js';
import { issueServerToken } from '../../functions/identity/server-tokens.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';
import { auditRecords, createCredential, exchange, registerServer, serverToken } from '../support/servers.js';

let portal: TestPortal;
let acme: TestAccount;
let stranger: TestAccount;
let serverLicense: string;
let cal: string;

const SECRET_SHAPE = /^(crd_[a-z2-7]{20})\.[A-Za-z0-9_-]{43}$/;

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Credentials Co');
  stranger = await portal.createAccount('Stranger Co');
  serverLicense = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 5)).licenseId;
  cal = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 10)).licenseId;
});
afterAll(() => portal?.stop());

function status(token: string, serverId: string) {
  return portal.call('GET', `/v1/servers/${serverId}/status`, { token });
}

function expectUnauthorized(res: { status: number; body: any; text: string }) {
  expect(res.status, res.text).toBe(401);
  expect(res.body.error.code).toBe('unauthorized');
}

describe('the credential lifecycle', () => {
  it('shows the secret once, lists the credential without it, and exchanges the secret for a token of that server', async () => {
    const serverId = await registerServer(portal, acme, 'nexus-life', [serverLicense]);
    const created = await createCredential(portal, acme, serverId);
    expect(created.secret).toMatch(SECRET_SHAPE);
    expect(SECRET_SHAPE.exec(created.secret)?.[1]).toBe(created.credentialId);

    const before = await portal.call('GET', `/v1/servers/${serverId}/credentials`, {
      token: acme.admin.token,
    });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      credentials: [{ credentialId: created.credentialId, createdAt: created.createdAt, lastUsedAt: null }],
      nextToken: null,
    });
    expect(before.text).not.toContain(created.secret.split('.')[1]);

    const issued = await exchange(portal, created.secret);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, serverId });
    const token = issued.body.accessToken;
    const own = await status(token, serverId);
    expect(own.status).toBe(200);
    expect(own.body.state).toBe('licensed');

    const after = await portal.call('GET', `/v1/servers/${serverId}/credentials`, {
      token: acme.admin.token,
    });
    expect(after.body.credentials[0].lastUsedAt).toEqual(expect.any(String));
  });

  it('answers 401 to the tokens of a revoked credential from their next request, and to its secret', async () => {
    const serverId = await registerServer(portal, acme, 'nexus-revoke', [serverLicense]);
    const kept = await createCredential(portal, acme, serverId);
    const revoked = await createCredential(portal, acme, serverId);
    const keptToken = await serverToken(portal, kept.secret);
    const revokedToken = await serverToken(portal, revoked.secret);
    expect((await status(revokedToken, serverId)).status).toBe(200);

    const res = await portal.call('DELETE', `/v1/servers/${serverId}/credentials/${revoked.credentialId}`, {
      token: acme.admin.token,
    });
    expect(res.status).toBe(204);
    expectUnauthorized(await status(revokedToken, serverId));
    expectUnauthorized(await exchange(portal, revoked.secret));
    // The other credential of the same server is untouched.
    expect((await status(keptToken, serverId)).status).toBe(200);
    const listed = await portal.call('GET', `/v1/servers/${serverId}/credentials`, {
      token: acme.admin.token,
    });
    expect(listed.body.credentials.map((c: any) => c.credentialId)).toEqual([kept.credentialId]);
    // Revoking it again: it is gone.
    const again = await portal.call('DELETE', `/v1/servers/${serverId}/credentials/${revoked.credentialId}`, {
      token: acme.admin.token,
    });
    expect(again.status).toBe(404);
  });

  it("answers 401 to a deleted server's tokens and secrets, and 404 to its credentials", async () => {
    const serverId = await registerServer(portal, acme, 'nexus-gone', [serverLicense, cal]);
    const credential = await createCredential(portal, acme, serverId);
    const token = await serverToken(portal, credential.secret);
    const signIn = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
      token,
      body: { userId: acme.member.userId, machineId: 'PC-GONE', client: 'browser' },
    });
    expect(signIn.status).toBe(201);

    expect((await portal.call('DELETE', `/v1/servers/${serverId}`, { token: acme.admin.token })).status).toBe(
      204,
    );
    expectUnauthorized(await status(token, serverId));
    expectUnauthorized(
      await portal.call('POST', `/v1/sessions/${signIn.body.sessionId}/heartbeat`, { token, body: {} }),
    );
    expectUnauthorized(await exchange(portal, credential.secret));
    for (const [method, path] of [
      ['GET', `/v1/servers/${serverId}/credentials`],
      ['POST', `/v1/servers/${serverId}/credentials`],
      ['DELETE', `/v1/servers/${serverId}/credentials/${credential.credentialId}`],
    ] as const) {
      const res = await portal.call(method, path, { token: acme.admin.token });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // The removal revoked the credential, and the log says so (API.md: credential.revoked is logged).
    const log = await portal.call('GET', '/v1/audit?action=credential.revoked', { token: acme.admin.token });
    const revoked = log.body.events.filter((e: any) => e.targetId === credential.credentialId);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({
      actor: { type: 'user', id: acme.admin.userId },
      details: { serverId, reason: 'server_removed' },
    });
  });

  it('gives a server token nothing of an account user: back-office and account administration answer 403', async () => {
    const serverId = await registerServer(portal, acme, 'nexus-scope', [serverLicense]);
    const token = await serverToken(portal, (await createCredential(portal, acme, serverId)).secret);
    for (const [method, path] of [
      ['POST', `/v1/servers/${serverId}/credentials`],
      ['GET', `/v1/servers/${serverId}/credentials`],
      ['DELETE', `/v1/servers/${serverId}`],
      ['GET', '/v1/servers'],
      ['GET', '/v1/sessions'],
      ['POST', '/v1/accounts'],
    ] as const) {
      const res = await portal.call(method, path, { token });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });
});

describe('forged and stale server tokens', () => {
  it('answer 401: another key, a credential of another server, an expired token', async () => {
    const serverId = await registerServer(portal, acme, 'nexus-forged', [serverLicense]);
    const otherServer = await registerServer(portal, acme, 'nexus-forged-2', [serverLicense]);
    const { credentialId } = await createCredential(portal, acme, serverId);
    const { token: key } = await serverKeys();
    const claims = { credentialId, serverId, accountId: acme.accountId };
    // The right key: this one works (the forgeries below differ in one thing each).
    expect((await status(await issueServerToken(claims, key, new Date()), serverId)).status).toBe(200);
    const forged = [
      await issueServerToken(claims, new TextEncoder().encode(process.env.LOCAL_JWT_SECRET), new Date()),
      await issueServerToken({ ...claims, serverId: otherServer }, key, new Date()),
      await issueServerToken({ ...claims, accountId: stranger.accountId }, key, new Date()),
      await issueServerToken(claims, key, new Date(Date.now() - 2 * 3600_000)),
    ];
    for (const token of forged) {
      expectUnauthorized(await status(token, serverId));
      expectUnauthorized(await status(token, otherServer));
    }
  });
});

describe("another account's servers and credentials", () => {
  it('answer 404 exactly as ids that do not exist', async () => {
    const serverId = await registerServer(portal, acme, 'nexus-owned');
    const credential = await createCredential(portal, acme, serverId);
    const strangersServer = await registerServer(portal, stranger, 'nexus-stranger');
    const cases: [string, string][] = [
      ['POST', `/v1/servers/${serverId}/credentials`],
      ['GET', `/v1/servers/${serverId}/credentials`],
      ['DELETE', `/v1/servers/${serverId}/credentials/${credential.credentialId}`],
      // Their own server with our credential: the credential is not theirs.
      ['DELETE', `/v1/servers/${strangersServer}/credentials/${credential.credentialId}`],
      ['DELETE', `/v1/servers/${strangersServer}/credentials/crd_aaaaaaaaaaaaaaaaaaaa`],
    ];
    for (const [method, path] of cases) {
      const res = await portal.call(method, path, { token: stranger.admin.token });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    // Our own other server's path does not reach this credential either.
    const second = await registerServer(portal, acme, 'nexus-owned-2');
    const res = await portal.call('DELETE', `/v1/servers/${second}/credentials/${credential.credentialId}`, {
      token: acme.admin.token,
    });
    expect(res.status).toBe(404);
    // And it still works.
    expect((await exchange(portal, credential.secret)).status).toBe(200);
  });
});

describe('the audit log of servers and credentials', () => {
  it('records each change once, with its actor (the server for its own acquisitions and imports), never a secret', async () => {
    const account = await portal.createAccount('Audited Co');
    const server = (await portal.issueLicense(account.accountId, 'Altium NEXUS Server', 2)).licenseId;
    const design = (await portal.issueLicense(account.accountId, 'Altium NEXUS', 2)).licenseId;
    const serverId = await registerServer(portal, account, 'nexus-audited');
    const credential = await createCredential(portal, account, serverId);
    const token = await serverToken(portal, credential.secret);
    const acquired = await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
      token,
      body: { licenseIds: [server] },
    });
    expect(acquired.status).toBe(201);
    // A repeat acquires nothing, and logs nothing.
    expect(
      (
        await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
          token,
          body: { licenseIds: [server] },
        })
      ).status,
    ).toBe(200);
    const activation = await portal.call('POST', `/v1/licenses/${design}/activations`, {
      token: account.admin.token,
      body: { hostId: 'HOST-1' },
    });
    const imported = await portal.call('POST', `/v1/servers/${serverId}/license-files`, {
      token,
      rawBody: activation.body.alf,
      headers: { 'content-type': 'text/plain' },
    });
    expect(imported.status).toBe(201);
    expect(
      (
        await portal.call('DELETE', `/v1/servers/${serverId}/credentials/${credential.credentialId}`, {
          token: account.admin.token,
        })
      ).status,
    ).toBe(204);

    const records = await auditRecords(portal, account.accountId);
    const mine = records
      // The changes of this test's servers and credentials (users, licenses and activations are logged too).
      .filter((record) => /^(server|credential|license\.(acquired|imported))\./.test(`${record.action}.`))
      .map((record) => [record.action, record.actor, record.targetId, record.details.serverId]);
    const admin = { type: 'user', id: account.admin.userId };
    const theServer = { type: 'server', id: serverId };
    expect(mine).toEqual([
      ['server.registered', admin, serverId, undefined],
      ['credential.created', admin, credential.credentialId, serverId],
      ['license.acquired', theServer, server, serverId],
      ['license.imported', theServer, design, serverId],
      ['credential.revoked', admin, credential.credentialId, serverId],
    ]);
    const text = JSON.stringify(records);
    expect(text).not.toContain(credential.secret.split('.')[1]);
    expect(text).not.toContain('secretHash');
  });
});

describe('wrong and garbled secrets', () => {
  it('answer 401 whatever is wrong with them, and 400 only for what is not text', async () => {
    const serverId = await registerServer(portal, acme, 'nexus-wrong');
    const { credentialId, secret } = await createCredential(portal, acme, serverId);
    const other = await createCredential(portal, acme, serverId);
    const random = secret.split('.')[1] ?? '';
    const flipped = `${random[0] === 'A' ? 'B' : 'A'}${random.slice(1)}`;
    for (const wrong of [
      `${credentialId}.${flipped}`,
      `${credentialId}.${other.secret.split('.')[1]}`,
      `${other.credentialId}.${random}`,
      `crd_aaaaaaaaaaaaaaaaaaaa.${random}`,
      credentialId,
      random,
      `${secret} `,
      'x',
    ]) {
      expectUnauthorized(await exchange(portal, wrong));
    }
    for (const bad of ['', 'x'.repeat(257), `${secret}\u0000`]) {
      const res = await exchange(portal, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    // None of this locked the credential out: fewer failures than its limit.
    expect((await exchange(portal, secret)).status).toBe(200);
  });

  it(`locks a credential after ${SERVER_TOKEN_FAILURES_PER_CREDENTIAL.limit} failures within the window: 429 with retry-after, the right secret too`, async () => {
    const serverId = await registerServer(portal, acme, 'nexus-locked');
    const { credentialId, secret } = await createCredential(portal, acme, serverId);
    const spare = await createCredential(portal, acme, serverId);
    const wrong = `${credentialId}.${'A'.repeat(43)}`;
    for (let i = 0; i < SERVER_TOKEN_FAILURES_PER_CREDENTIAL.limit; i++) {
      expectUnauthorized(await exchange(portal, wrong));
    }
    for (const attempt of [wrong, secret]) {
      const res = await exchange(portal, attempt);
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('rate_limited');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(SERVER_TOKEN_FAILURES_PER_CREDENTIAL.windowSeconds);
    }
    // Another credential of the same server is not locked.
    expect((await exchange(portal, spare.secret)).status).toBe(200);
  });

  // Last in this file: it locks out the address every test here calls from.
  it(`locks a source address after ${SERVER_TOKEN_FAILURES_PER_ADDRESS.limit} failures within the window, whatever the credential`, async () => {
    const serverId = await registerServer(portal, acme, 'nexus-address');
    const { secret } = await createCredential(portal, acme, serverId);
    let failures = 0;
    let refused: Awaited<ReturnType<typeof exchange>> | null = null;
    // Garbled secrets name no credential: only the address counts them. Earlier tests counted some already.
    for (let i = 0; i <= SERVER_TOKEN_FAILURES_PER_ADDRESS.limit && !refused; i++) {
      const res = await exchange(portal, `garbled-${i}`);
      if (res.status === 429) refused = res;
      else {
        expectUnauthorized(res);
        failures++;
      }
    }
    expect(refused?.body.error.code).toBe('rate_limited');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(failures).toBeLessThanOrEqual(SERVER_TOKEN_FAILURES_PER_ADDRESS.limit);
    // Now even a right secret from this address waits.
    expect((await exchange(portal, secret)).status).toBe(429);
  });
});
