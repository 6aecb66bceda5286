// Account administration over HTTP on DynamoDB Local (API.md "Account administration"): users created, read,
// listed, changed and deleted by the account's administrator; disabling and deleting end the user's sessions
// before the call answers and its tokens answer 401; the last enabled administrator stays, also under races.
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const PASSWORD = 'correct-horse-battery';

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(() => portal?.stop());

const email = (name: string) => `${name}-${randomUUID().slice(0, 8)}@acme.example`;

function addUser(token: string, body: Record<string, unknown>) {
  return portal.call('POST', '/v1/users', { token, body: { password: PASSWORD, ...body } });
}
const getUser = (token: string, userId: string) => portal.call('GET', `/v1/users/${userId}`, { token });
const patchUser = (token: string, userId: string, body: Record<string, unknown>) =>
  portal.call('PATCH', `/v1/users/${userId}`, { token, body });
const deleteUser = (token: string, userId: string) => portal.call('DELETE', `/v1/users/${userId}`, { token });

/** Every user of the account, walking the pages. */
async function allUsers(token: string, query = ''): Promise<any[]> {
  const users: any[] = [];
  let nextToken: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set('limit', '2');
    if (nextToken) params.set('nextToken', nextToken);
    const page = await portal.call('GET', `/v1/users?${params}`, { token });
    expect(page.status, page.text).toBe(200);
    users.push(...page.body.users);
    nextToken = page.body.nextToken;
  } while (nextToken);
  return users;
}

/** An account with an administrator and a member, and a second administrator when asked. */
async function account(name: string): Promise<TestAccount> {
  return portal.createAccount(name);
}

describe('users: create, read, list, change, delete', () => {
  let acme: TestAccount;
  beforeAll(async () => {
    acme = await account('Users Co');
  });

  it('creates a user with the documented body, and the user can sign in with its password', async () => {
    const address = email('Dana');
    const created = await addUser(acme.admin.token, {
      email: address.toUpperCase(),
      name: 'Dana Reyes',
      roles: ['Designers'],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toEqual({
      userId: expect.any(String),
      email: address.toLowerCase(),
      name: 'Dana Reyes',
      roles: ['All Users', 'Designers'],
      admin: false,
      disabled: false,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(created.body)).not.toContain(PASSWORD);
    expect(await getUser(acme.admin.token, created.body.userId)).toMatchObject({
      status: 200,
      body: created.body,
    });
    const token = await portal.signIn(address, PASSWORD);
    // A member is no administrator: the users routes are not for it.
    expect((await portal.call('GET', '/v1/users', { token })).status).toBe(403);
  });

  it('defaults name, roles and admin, and refuses a short password, a taken email (any account) and bad input', async () => {
    const plain = await addUser(acme.admin.token, { email: email('plain') });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ name: '', roles: ['All Users'], admin: false });

    const short = await addUser(acme.admin.token, { email: email('short'), password: 'elevenchars' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('invalid_request');
    expect(short.body.error.message).toMatch(/password/);

    const other = await account('Other Users Co');
    const taken = await addUser(acme.admin.token, { email: other.member.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('email_taken');

    expect((await patchUser(acme.admin.token, plain.body.userId, {})).status).toBe(400);
    expect((await patchUser(acme.admin.token, plain.body.userId, { admin: 'yes' })).status).toBe(400);
  });

  it('lists the users in pages, filtered by a case-insensitive part of the email', async () => {
    const tag = randomUUID().slice(0, 6);
    for (const name of ['ann', 'ben', 'cid']) {
      expect((await addUser(acme.admin.token, { email: `${name}.${tag}@filter.example` })).status).toBe(201);
    }
    const all = await allUsers(acme.admin.token);
    expect(all.map((user) => user.email)).toEqual(
      expect.arrayContaining([acme.admin.email, acme.member.email, `ben.${tag}@filter.example`]),
    );
    expect(new Set(all.map((user) => user.userId)).size).toBe(all.length);
    const filtered = await allUsers(acme.admin.token, `email=${tag.toUpperCase()}@FILTER`);
    expect(filtered.map((user) => user.email).sort()).toEqual(
      ['ann', 'ben', 'cid'].map((name) => `${name}.${tag}@filter.example`),
    );
  });

  it('changes only the named fields, keeps All Users, and a patch that changes nothing answers the user as is', async () => {
    const user = (await addUser(acme.admin.token, { email: email('eve'), name: 'Eve', roles: ['Designers'] }))
      .body;
    const renamed = await patchUser(acme.admin.token, user.userId, { name: 'Eve Adams' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...user, name: 'Eve Adams' });
    const roles = await patchUser(acme.admin.token, user.userId, { roles: ['Librarians', 'Designers'] });
    expect(roles.body.roles).toEqual(['All Users', 'Librarians', 'Designers']);
    const promoted = await patchUser(acme.admin.token, user.userId, { admin: true });
    expect(promoted.body).toMatchObject({ admin: true, name: 'Eve Adams', disabled: false });
    const same = await patchUser(acme.admin.token, user.userId, { admin: true, name: 'Eve Adams' });
    expect(same.status).toBe(200);
    expect(same.body).toEqual(promoted.body);
    // The new administrator administers at its very next request.
    const token = await portal.signIn(user.email, PASSWORD);
    expect((await portal.call('GET', '/v1/users', { token })).status).toBe(200);
  });

  it('deletes a user: 204, then 404 everywhere, its token 401, and its email may be used again', async () => {
    const address = email('gone');
    const user = (await addUser(acme.admin.token, { email: address })).body;
    const token = await portal.signIn(address, PASSWORD);
    expect((await portal.call('GET', '/v1/licenses', { token })).status).toBe(200);

    expect((await deleteUser(acme.admin.token, user.userId)).status).toBe(204);
    for (const res of [
      await getUser(acme.admin.token, user.userId),
      await patchUser(acme.admin.token, user.userId, { name: 'x' }),
      await deleteUser(acme.admin.token, user.userId),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await allUsers(acme.admin.token)).map((u) => u.userId)).not.toContain(user.userId);
    const refused = await portal.call('GET', '/v1/licenses', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    const signIn = await portal.call('POST', '/v1/auth/token', {
      body: { username: address, password: PASSWORD },
    });
    expect(signIn.status).toBe(401);

    const again = await addUser(acme.admin.token, { email: address });
    expect(again.status).toBe(201);
    expect(again.body.userId).not.toBe(user.userId);
  });

  it('lets operators list the same users, and answers 404 for an unknown account', async () => {
    const operator = await portal.operatorToken();
    const seen: any[] = [];
    let nextToken: string | null = null;
    do {
      const query: string = nextToken ? `?limit=3&nextToken=${nextToken}` : '?limit=3';
      const page: { status: number; text: string; body: any } = await portal.call(
        'GET',
        `/v1/accounts/${acme.accountId}/users${query}`,
        {
          token: operator,
        },
      );
      expect(page.status, page.text).toBe(200);
      seen.push(...page.body.users);
      nextToken = page.body.nextToken;
    } while (nextToken);
    expect(seen).toEqual(await allUsers(acme.admin.token));
    const filtered = await portal.call(
      'GET',
      `/v1/accounts/${acme.accountId}/users?email=${encodeURIComponent(acme.member.email.toUpperCase())}`,
      { token: operator },
    );
    expect(filtered.body.users.map((user: any) => user.userId)).toEqual([acme.member.userId]);
    const unknown = await portal.call('GET', '/v1/accounts/acc_nosuchaccount/users', { token: operator });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

/** An account whose server holds a Server license, with a CAL of `seats` seats and a session timeout of a day. */
async function seatedAccount(name: string, seats: number, autoAssign = true) {
  const acme = await account(name);
  const token = acme.admin.token;
  if (!autoAssign) {
    const off = await portal.call('PUT', '/v1/settings/license-manager', {
      token,
      body: { autoAssignAllUsers: false },
    });
    expect(off.status).toBe(200);
  }
  const serverLicense = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1);
  const cal = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', seats);
  const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: `${name}-nexus` } });
  const acquired = await portal.call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, {
    token,
    body: { licenseIds: [serverLicense.licenseId] },
  });
  expect(acquired.status).toBe(201);
  const signIn = (userId: string, machineId: string) =>
    portal.call('POST', `/v1/servers/${server.body.serverId}/sessions`, {
      token,
      body: { userId, machineId, client: 'browser' },
    });
  const used = async () => (await portal.call('GET', `/v1/licenses/${cal.licenseId}`, { token })).body.used;
  const heartbeat = (sessionId: string) =>
    portal.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token });
  return { acme, token, cal, serverId: server.body.serverId as string, signIn, used, heartbeat };
}

describe('disabling and deleting end the sessions at once', () => {
  it('disabling a user with three live sessions frees three seats before it answers; their heartbeats 404; its token 401', async () => {
    const site = await seatedAccount('Disable Co', 5);
    const { acme } = site;
    const sessions: string[] = [];
    for (const machine of ['PC-1', 'PC-2', 'PC-3']) {
      const res = await site.signIn(acme.member.userId, machine);
      expect(res.status, res.text).toBe(201);
      sessions.push(res.body.sessionId);
    }
    const other = await site.signIn(acme.admin.userId, 'PC-ADMIN');
    expect(other.status).toBe(201);
    expect(await site.used()).toBe(4);

    const disabled = await patchUser(site.token, acme.member.userId, { disabled: true });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect(await site.used()).toBe(1);
    for (const sessionId of sessions) {
      const beat = await site.heartbeat(sessionId);
      expect(beat.status).toBe(404);
      expect(beat.body.error.code).toBe('not_found');
    }
    expect((await site.heartbeat(other.body.sessionId)).status).toBe(200);

    // Its token answers 401 from the next request; it cannot get a new one; a seat sign-in is refused 403.
    const refused = await portal.call('GET', '/v1/licenses', { token: acme.member.token });
    expect(refused.status).toBe(401);
    const token = await portal.call('POST', '/v1/auth/token', {
      body: { username: acme.member.email, password: PASSWORD },
    });
    expect(token.status).toBe(401);
    // The right password is told why (ask an administrator); a wrong one learns nothing of the user.
    expect(token.body.error.message).toContain('disabled');
    const wrong = await portal.call('POST', '/v1/auth/token', {
      body: { username: acme.member.email, password: `${PASSWORD}-wrong` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toContain('Wrong username or password');
    const seat = await site.signIn(acme.member.userId, 'PC-4');
    expect(seat.status).toBe(403);
    expect(seat.body.error.code).toBe('user_disabled');

    // Enabled again: signs in and takes a seat again.
    expect((await patchUser(site.token, acme.member.userId, { disabled: false })).body.disabled).toBe(false);
    const back = await portal.signIn(acme.member.email, PASSWORD);
    expect((await portal.call('GET', '/v1/licenses', { token: back })).status).toBe(200);
    expect((await site.signIn(acme.member.userId, 'PC-1')).status).toBe(201);
  });

  it('deleting a user ends its sessions before it answers; its id then answers 404 on sign-in', async () => {
    const site = await seatedAccount('Delete Co', 5);
    const { acme } = site;
    const sessions: string[] = [];
    for (const machine of ['PC-1', 'PC-2'])
      sessions.push((await site.signIn(acme.member.userId, machine)).body.sessionId);
    expect(await site.used()).toBe(2);
    expect((await deleteUser(site.token, acme.member.userId)).status).toBe(204);
    expect(await site.used()).toBe(0);
    for (const sessionId of sessions) expect((await site.heartbeat(sessionId)).status).toBe(404);
    const seat = await site.signIn(acme.member.userId, 'PC-1');
    expect(seat.status).toBe(404);
    expect((await portal.call('GET', '/v1/licenses', { token: acme.member.token })).status).toBe(401);
  });

  it('a change of roles applies to later sign-ins; the seat already held stays', async () => {
    const site = await seatedAccount('Roles Co', 5, false);
    const { acme } = site;
    const assignment = await portal.call('POST', `/v1/licenses/${site.cal.licenseId}/assignments`, {
      token: site.token,
      body: { role: 'Designers', seats: 3 },
    });
    expect(assignment.status).toBe(201);
    const held = await site.signIn(acme.member.userId, 'PC-1');
    expect(held.status).toBe(201);
    const changed = await patchUser(site.token, acme.member.userId, { roles: ['Librarians'] });
    expect(changed.body.roles).toEqual(['All Users', 'Librarians']);
    expect((await site.heartbeat(held.body.sessionId)).status).toBe(200);
    expect(await site.used()).toBe(1);
    const later = await site.signIn(acme.member.userId, 'PC-2');
    expect(later.status).toBe(409);
    expect(later.body.error.code).toBe('seats_exhausted');
  });
});

describe('the last enabled administrator (409 last_admin)', () => {
  const lastAdmin = (res: { status: number; body: any }) => {
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('last_admin');
  };

  it('cannot be demoted, disabled or deleted; with a second administrator, either may go but not both', async () => {
    const acme = await account('Last Admin Co');
    const token = acme.admin.token;
    lastAdmin(await patchUser(token, acme.admin.userId, { admin: false }));
    lastAdmin(await patchUser(token, acme.admin.userId, { disabled: true }));
    lastAdmin(await deleteUser(token, acme.admin.userId));
    expect((await getUser(token, acme.admin.userId)).body).toMatchObject({ admin: true, disabled: false });
    // Members come and go freely.
    expect((await patchUser(token, acme.member.userId, { disabled: true })).status).toBe(200);

    const second = (await addUser(token, { email: email('second'), admin: true })).body;
    expect((await patchUser(token, acme.admin.userId, { admin: false })).status).toBe(200);
    // The first administrator is a member now: the second one administers from here.
    expect((await patchUser(token, second.userId, { name: 'x' })).status).toBe(403);
    const secondToken = await portal.signIn(second.email, PASSWORD);
    lastAdmin(await patchUser(secondToken, second.userId, { admin: false }));
    lastAdmin(await deleteUser(secondToken, second.userId));
    // A disabled administrator is no enabled one: the member made administrator counts once enabled.
    expect((await patchUser(secondToken, acme.member.userId, { admin: true })).status).toBe(200);
    lastAdmin(await patchUser(secondToken, second.userId, { disabled: true }));
    expect((await patchUser(secondToken, acme.member.userId, { disabled: false })).status).toBe(200);
    expect((await patchUser(secondToken, second.userId, { disabled: true })).status).toBe(200);
  });

  it.each([
    ['two demotions', { admin: false }, { admin: false }],
    ['a demotion and a disabling', { admin: false }, { disabled: true }],
    ['a disabling and a deletion', { disabled: true }, null],
  ] as const)(
    'of the last two administrators racing (%s): exactly one wins',
    async (_name, first, second) => {
      for (let round = 0; round < 3; round++) {
        const acme = await account(`Race Co ${round}`);
        const other = (await addUser(acme.admin.token, { email: email('race'), admin: true })).body;
        const [a, b] = await Promise.all([
          patchUser(acme.admin.token, acme.admin.userId, first),
          second
            ? patchUser(acme.admin.token, other.userId, second)
            : deleteUser(acme.admin.token, other.userId),
        ]);
        const won = [a, b].filter((res) => res.status === 200 || res.status === 204);
        expect(won, `${a.text} / ${b.text}`).toHaveLength(1);
        if (won[0] === a && b.status === 403) {
          // The caller demoted or disabled themself before the other request read who is calling: it is no
          // longer an administrator's request (the edge reads the caller per request), so 403, not a race lost.
          expect(b.body.error.code).toBe('forbidden');
        } else {
          const lost = [a, b].filter((res) => res.status === 409);
          expect(lost, `${a.text} / ${b.text}`).toHaveLength(1);
          expect(lost[0]?.body.error.code).toBe('last_admin');
        }
        // Exactly one enabled administrator is left, whichever won.
        const operator = await portal.operatorToken();
        const users = (await portal.call('GET', `/v1/accounts/${acme.accountId}/users`, { token: operator }))
          .body.users;
        expect(users.filter((user: any) => user.admin && !user.disabled)).toHaveLength(1);
      }
    },
  );

  it('counts the administrators of an account stored before the counter existed', async () => {
    const acme = await account('Legacy Co');
    const second = (await addUser(acme.admin.token, { email: email('legacy'), admin: true })).body;
    // As an account item written before the counter: no enabledAdmins attribute.
    const doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
    await doc.send(
      new UpdateCommand({
        TableName: portal.portal.tableName,
        Key: keys.account(acme.accountId),
        UpdateExpression: 'REMOVE enabledAdmins',
      }),
    );
    doc.destroy();
    expect((await patchUser(acme.admin.token, second.userId, { admin: false })).status).toBe(200);
    lastAdmin(await patchUser(acme.admin.token, acme.admin.userId, { admin: false }));
  });
});
