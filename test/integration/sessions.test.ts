// External PLS seats over HTTP on DynamoDB Local: grants, one seat per user per PC, exact counts under load.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/runtime/clock.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;

beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(() => portal?.stop());
afterEach(() => setClock(null));

const CAL = 'Altium NEXUS Server CAL';
const CLIENT = 'Altium NEXUS';

interface Pool {
  account: TestAccount;
  serverId: string;
  cal: any;
  token: string;
}

/** An account whose server holds a valid Server license, with one CAL of `seats` seats. */
async function licensedPool(seats: number, name = 'Pool Co'): Promise<Pool> {
  const account = await portal.createAccount(name);
  const token = account.admin.token;
  const serverLicense = await portal.issueLicense(account.accountId, 'Altium NEXUS Server', 1);
  const cal = await portal.issueLicense(account.accountId, CAL, seats);
  const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-01' } });
  expect(server.status).toBe(201);
  const acquired = await portal.call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, {
    token,
    body: { licenseIds: [serverLicense.licenseId, cal.licenseId] },
  });
  expect(acquired.status).toBe(201);
  return { account, serverId: server.body.serverId, cal, token };
}

function signIn(pool: Pool, body: Record<string, unknown>) {
  return portal.call('POST', `/v1/servers/${pool.serverId}/sessions`, { token: pool.token, body });
}

async function license(pool: Pool, licenseId: string) {
  return (await portal.call('GET', `/v1/licenses/${licenseId}`, { token: pool.token })).body;
}

async function sessionsOf(pool: Pool, licenseId: string): Promise<any[]> {
  const res = await portal.call('GET', `/v1/licenses/${licenseId}/sessions?limit=100`, { token: pool.token });
  expect(res.status).toBe(200);
  return res.body.sessions;
}

/** A design-software license whose automatic "All Users" assignment allows roaming. */
async function roamingDesignLicense(pool: Pool, extra: { validFrom?: string } = {}) {
  const design = await portal.issueLicense(pool.account.accountId, CLIENT, 1, extra);
  const base = `/v1/licenses/${design.licenseId}/assignments`;
  const [auto] = (await portal.call('GET', base, { token: pool.token })).body.assignments;
  const changed = await portal.call('PUT', `${base}/${auto.assignmentId}`, {
    token: pool.token,
    body: { role: 'All Users', seats: 'all', allowRoaming: true },
  });
  expect(changed.status).toBe(200);
  return design;
}

function users(pool: Pool, n: number, roles: string[] = []) {
  return portal.createUserIds(pool.account.accountId, n, roles);
}

describe('signing in', () => {
  it('serves a seat, shares it between the browser and the design client on one PC, and takes another for another PC', async () => {
    const pool = await licensedPool(3);
    const userId = pool.account.member.userId;
    const first = await signIn(pool, { userId, machineId: 'PC-1', client: 'browser' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      licenseId: pool.cal.licenseId,
      userId,
      machineId: 'PC-1',
      clients: ['browser'],
    });
    expect(Date.parse(first.body.expiresAt)).toBeGreaterThan(Date.parse(first.body.startedAt));

    const same = await signIn(pool, { userId, machineId: 'PC-1', client: 'design_client' });
    expect(same.status).toBe(200);
    expect(same.body.sessionId).toBe(first.body.sessionId);
    expect(same.body.clients).toEqual(['browser', 'design_client']);

    const other = await signIn(pool, { userId, machineId: 'PC-2', client: 'browser' });
    expect(other.status).toBe(201);
    expect(other.body.sessionId).not.toBe(first.body.sessionId);
    expect((await license(pool, pool.cal.licenseId)).used).toBe(2);

    const listed = await sessionsOf(pool, pool.cal.licenseId);
    expect(listed.map((s) => s.sessionId).sort()).toEqual(
      [first.body.sessionId, other.body.sessionId].sort(),
    );
    expect(listed.find((s) => s.sessionId === first.body.sessionId)).toMatchObject({
      clients: ['browser', 'design_client'],
      roamingUntil: null,
    });
  });

  it('gives exactly 10 of 120 concurrent sign-ins on a 10-seat pool, and used equals the live sessions', async () => {
    const pool = await licensedPool(10, 'Crowded');
    const userIds = await users(pool, 12);
    const requests = Array.from({ length: 120 }, (_, i) =>
      signIn(pool, { userId: userIds[i % 12], machineId: `PC-${i}`, client: 'browser' }),
    );
    const results = await Promise.all(requests);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(110);
    const refused = results.find((r) => r.status === 409);
    expect(refused?.body.error.code).toBe('seats_exhausted');
    expect(refused?.body.error.message).toMatch(/administrator can free a seat/);
    expect((await license(pool, pool.cal.licenseId)).used).toBe(10);
    expect(await sessionsOf(pool, pool.cal.licenseId)).toHaveLength(10);
  });

  it('gives one seat to 20 concurrent sign-ins of one user on one PC', async () => {
    const pool = await licensedPool(5, 'Eager');
    const userId = pool.account.member.userId;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signIn(pool, { userId, machineId: 'PC-X', client: i % 2 ? 'browser' : 'design_client' }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(results.map((r) => r.body.sessionId)).size).toBe(1);
    expect((await license(pool, pool.cal.licenseId)).used).toBe(1);
    const [only] = await sessionsOf(pool, pool.cal.licenseId);
    expect(only.clients).toEqual(['browser', 'design_client']);
  });

  it('frees the seat at once on sign-out or Kill Session, and answers 404 for an ended session', async () => {
    const pool = await licensedPool(1, 'Single');
    const [a, b] = await users(pool, 2);
    const held = await signIn(pool, { userId: a, machineId: 'PC-A', client: 'browser' });
    expect(held.status).toBe(201);
    const refused = await signIn(pool, { userId: b, machineId: 'PC-B', client: 'browser' });
    expect(refused.status).toBe(409);
    const killed = await portal.call('DELETE', `/v1/sessions/${held.body.sessionId}`, { token: pool.token });
    expect(killed.status).toBe(204);
    expect((await signIn(pool, { userId: b, machineId: 'PC-B', client: 'browser' })).status).toBe(201);
    const again = await portal.call('DELETE', `/v1/sessions/${held.body.sessionId}`, { token: pool.token });
    expect(again.status).toBe(404);
    const beat = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/heartbeat`, {
      token: pool.token,
    });
    expect(beat.status).toBe(404);
  });

  it('keeps a silent session counted until a full pool reclaims it after its timeout; heartbeats keep it', async () => {
    const pool = await licensedPool(1, 'Sleepy');
    const [a, b] = await users(pool, 2);
    const start = Date.now();
    setClock(() => new Date(start));
    const held = await signIn(pool, { userId: a, machineId: 'PC-A', client: 'browser' });
    expect(held.status).toBe(201);

    setClock(() => new Date(start + 8 * 60_000));
    const beat = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/heartbeat`, {
      token: pool.token,
    });
    expect(beat.status).toBe(200);
    expect(Date.parse(beat.body.expiresAt)).toBeGreaterThan(Date.parse(held.body.expiresAt));

    setClock(() => new Date(start + 16 * 60_000));
    expect((await signIn(pool, { userId: b, machineId: 'PC-B', client: 'browser' })).status).toBe(409);

    setClock(() => new Date(start + 19 * 60_000));
    const taken = await signIn(pool, { userId: b, machineId: 'PC-B', client: 'browser' });
    expect(taken.status).toBe(201);
    expect((await license(pool, pool.cal.licenseId)).used).toBe(1);
    const late = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/heartbeat`, {
      token: pool.token,
    });
    expect(late.status).toBe(404);
  });

  it('revives an expired session that nobody reclaimed when it sends a heartbeat', async () => {
    const pool = await licensedPool(2, 'Revive');
    const start = Date.now();
    setClock(() => new Date(start));
    const held = await signIn(pool, {
      userId: pool.account.member.userId,
      machineId: 'PC',
      client: 'browser',
    });
    setClock(() => new Date(start + 30 * 60_000));
    const beat = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/heartbeat`, {
      token: pool.token,
    });
    expect(beat.status).toBe(200);
    expect(Date.parse(beat.body.expiresAt)).toBeGreaterThan(start + 30 * 60_000);
  });
});

describe('refusals and bad input', () => {
  it('answers 404 for a user, server, session or license of another account', async () => {
    const pool = await licensedPool(2, 'Mine');
    const other = await licensedPool(2, 'Theirs');
    const foreignUser = await signIn(pool, {
      userId: other.account.member.userId,
      machineId: 'P',
      client: 'browser',
    });
    expect(foreignUser.status).toBe(404);
    const foreignServer = await portal.call('POST', `/v1/servers/${other.serverId}/sessions`, {
      token: pool.token,
      body: { userId: pool.account.member.userId, machineId: 'P', client: 'browser' },
    });
    expect(foreignServer.status).toBe(404);
    const theirs = await signIn(other, {
      userId: other.account.member.userId,
      machineId: 'P',
      client: 'browser',
    });
    expect(theirs.status).toBe(201);
    for (const [method, path] of [
      ['DELETE', `/v1/sessions/${theirs.body.sessionId}`],
      ['POST', `/v1/sessions/${theirs.body.sessionId}/heartbeat`],
      ['GET', `/v1/licenses/${other.cal.licenseId}/sessions`],
    ] as const) {
      const res = await portal.call(method, path, { token: pool.token });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const named = await signIn(pool, {
      userId: pool.account.member.userId,
      machineId: 'P',
      client: 'browser',
      licenseId: other.cal.licenseId,
    });
    expect(named.status).toBe(404);
  });

  it('answers 400 for a product that does not match the named license, and for bad bodies', async () => {
    const pool = await licensedPool(2, 'Picky');
    const mismatch = await signIn(pool, {
      userId: pool.account.member.userId,
      machineId: 'P',
      client: 'browser',
      licenseId: pool.cal.licenseId,
      product: CLIENT,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe('invalid_request');
    for (const body of [
      { userId: pool.account.member.userId, machineId: 'P', client: 'phone' },
      { userId: pool.account.member.userId, client: 'browser' },
      { userId: pool.account.member.userId, machineId: 'P', client: 'browser', extra: 1 },
    ]) {
      expect((await signIn(pool, body)).status).toBe(400);
    }
  });

  it('refuses everyone on an unlicensed server with 403 server_unlicensed', async () => {
    const account = await portal.createAccount('Bare');
    await portal.issueLicense(account.accountId, CAL, 5);
    const server = await portal.call('POST', '/v1/servers', {
      token: account.admin.token,
      body: { hostName: 'bare' },
    });
    const res = await portal.call('POST', `/v1/servers/${server.body.serverId}/sessions`, {
      token: account.admin.token,
      body: { userId: account.admin.userId, machineId: 'P', client: 'browser' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('server_unlicensed');
  });

  it('lets exactly one administrator in at a time on an admin_only server, and nobody else', async () => {
    const account = await portal.createAccount('NoCal');
    const token = account.admin.token;
    const serverLicense = await portal.issueLicense(account.accountId, 'Altium NEXUS Server', 1);
    const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nocal' } });
    await portal.call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, {
      token,
      body: { licenseIds: [serverLicense.licenseId] },
    });
    const admin2 = await portal.createUser(account.accountId, { admin: true });
    const path = `/v1/servers/${server.body.serverId}/sessions`;
    const results = await Promise.all([
      portal.call('POST', path, {
        token,
        body: { userId: account.admin.userId, machineId: 'A', client: 'browser' },
      }),
      portal.call('POST', path, {
        token,
        body: { userId: admin2.userId, machineId: 'B', client: 'browser' },
      }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const member = await portal.call('POST', path, {
      token,
      body: { userId: account.member.userId, machineId: 'C', client: 'browser' },
    });
    expect(member.status).toBe(409);
    expect(member.body.error.code).toBe('seats_exhausted');
    const winner = results.find((r) => r.status === 201);
    expect((await portal.call('DELETE', `/v1/sessions/${winner?.body.sessionId}`, { token })).status).toBe(
      204,
    );
    const loserId = winner?.body.userId === account.admin.userId ? admin2.userId : account.admin.userId;
    const next = await portal.call('POST', path, {
      token,
      body: { userId: loserId, machineId: 'B', client: 'browser' },
    });
    expect(next.status).toBe(201);
  });
});

describe('roles and assignments', () => {
  it('never serves more seats to a role than its cap, under concurrency, and serves numbered caps first', async () => {
    const pool = await licensedPool(10, 'Capped');
    const token = pool.token;
    const base = `/v1/licenses/${pool.cal.licenseId}/assignments`;
    const listed = await portal.call('GET', base, { token });
    for (const a of listed.body.assignments) {
      expect((await portal.call('DELETE', `${base}/${a.assignmentId}`, { token })).status).toBe(204);
    }
    const capped = await portal.call('POST', base, { token, body: { role: 'Designers', seats: 3 } });
    expect(capped.status).toBe(201);
    const designers = await users(pool, 15, ['Designers']);
    const results = await Promise.all(
      designers.map((userId, i) => signIn(pool, { userId, machineId: `D-${i}`, client: 'browser' })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const after = await portal.call('GET', base, { token });
    expect(after.body.assignments).toEqual([
      expect.objectContaining({ role: 'Designers', seats: 3, used: 3 }),
    ]);
    expect((await license(pool, pool.cal.licenseId)).used).toBe(3);

    const everyone = await portal.call('POST', base, { token, body: { role: 'All Users', seats: 'all' } });
    expect(everyone.status).toBe(201);
    const more = await Promise.all(
      designers.map((userId, i) => signIn(pool, { userId, machineId: `D-${i}`, client: 'browser' })),
    );
    expect(more.filter((r) => r.status === 201)).toHaveLength(7);
    expect(more.filter((r) => r.status === 200)).toHaveLength(3);
    expect(more.filter((r) => r.status === 409)).toHaveLength(5);
    const roles = await portal.call('GET', '/v1/roles', { token });
    expect(roles.body.roles).toEqual(
      expect.arrayContaining([
        { role: 'Designers', seats: 3, used: 3 },
        { role: 'All Users', seats: 'all', used: 7 },
      ]),
    );
  });

  it('skips assignments without automatic leasing unless the sign-in names the license', async () => {
    const pool = await licensedPool(2, 'Manual');
    const token = pool.token;
    const design = await portal.issueLicense(pool.account.accountId, CLIENT, 2);
    const base = `/v1/licenses/${design.licenseId}/assignments`;
    const [auto] = (await portal.call('GET', base, { token })).body.assignments;
    const put = await portal.call('PUT', `${base}/${auto.assignmentId}`, {
      token,
      body: { role: 'All Users', seats: 'all', automaticLeasing: false },
    });
    expect(put.status).toBe(200);
    expect(put.body.automaticLeasing).toBe(false);
    const userId = pool.account.member.userId;
    const picked = await signIn(pool, { userId, machineId: 'PC', client: 'design_client', product: CLIENT });
    expect(picked.status).toBe(409);
    const named = await signIn(pool, {
      userId,
      machineId: 'PC',
      client: 'design_client',
      licenseId: design.licenseId,
    });
    expect(named.status).toBe(201);
    expect(named.body.licenseId).toBe(design.licenseId);
  });

  it('refuses caps that add up to more than the seats, even when sent at once', async () => {
    const pool = await licensedPool(6, 'Overcommit');
    const token = pool.token;
    const base = `/v1/licenses/${pool.cal.licenseId}/assignments`;
    const tooMany = await portal.call('POST', base, { token, body: { role: 'A', seats: 7 } });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.code).toBe('seats_overcommitted');
    const racing = await Promise.all(
      ['A', 'B', 'C', 'D'].map((role) => portal.call('POST', base, { token, body: { role, seats: 2 } })),
    );
    expect(racing.filter((r) => r.status === 201)).toHaveLength(3);
    expect(racing.filter((r) => r.status === 409)).toHaveLength(1);
    const one = racing.find((r) => r.status === 201);
    const grow = await portal.call('PUT', `${base}/${one?.body.assignmentId}`, {
      token,
      body: { role: one?.body.role, seats: 3 },
    });
    expect(grow.status).toBe(409);
    const gone = await portal.call('DELETE', `${base}/${one?.body.assignmentId}`, { token });
    expect(gone.status).toBe(204);
    const fits = await portal.call('POST', base, { token, body: { role: 'E', seats: 2 } });
    expect(fits.status).toBe(201);
    expect((await portal.call('DELETE', `${base}/${one?.body.assignmentId}`, { token })).status).toBe(404);
  });

  it('ends no session when a cap is lowered or an assignment deleted; new sign-ins wait for room', async () => {
    const pool = await licensedPool(5, 'Lowered');
    const token = pool.token;
    const base = `/v1/licenses/${pool.cal.licenseId}/assignments`;
    const [auto] = (await portal.call('GET', base, { token })).body.assignments;
    await portal.call('PUT', `${base}/${auto.assignmentId}`, {
      token,
      body: { role: 'All Users', seats: 2 },
    });
    const [a, b, c] = await users(pool, 3);
    const s1 = await signIn(pool, { userId: a, machineId: '1', client: 'browser' });
    await signIn(pool, { userId: b, machineId: '2', client: 'browser' });
    const lowered = await portal.call('PUT', `${base}/${auto.assignmentId}`, {
      token,
      body: { role: 'All Users', seats: 1 },
    });
    expect(lowered.status).toBe(200);
    expect(lowered.body.used).toBe(2);
    expect(await sessionsOf(pool, pool.cal.licenseId)).toHaveLength(2);
    expect((await signIn(pool, { userId: c, machineId: '3', client: 'browser' })).status).toBe(409);
    await portal.call('DELETE', `/v1/sessions/${s1.body.sessionId}`, { token });
    expect((await signIn(pool, { userId: c, machineId: '3', client: 'browser' })).status).toBe(409);
    await portal.call('DELETE', `${base}/${auto.assignmentId}`, { token });
    expect(await sessionsOf(pool, pool.cal.licenseId)).toHaveLength(1);
  });

  it('reads and changes the settings: autoAssignAllUsers decides whether new CALs get All Users', async () => {
    const pool = await licensedPool(1, 'Settings');
    const token = pool.token;
    expect((await portal.call('GET', '/v1/settings/license-manager', { token })).body).toEqual({
      autoAssignAllUsers: true,
      sessionTimeoutMinutes: 10,
    });
    const off = await portal.call('PUT', '/v1/settings/license-manager', {
      token,
      body: { autoAssignAllUsers: false },
    });
    expect(off.status).toBe(200);
    // Either field alone: the other keeps its value.
    expect(off.body).toEqual({ autoAssignAllUsers: false, sessionTimeoutMinutes: 10 });
    const timeout = await portal.call('PUT', '/v1/settings/license-manager', {
      token,
      body: { sessionTimeoutMinutes: 1 },
    });
    expect(timeout.body).toEqual({ autoAssignAllUsers: false, sessionTimeoutMinutes: 1 });
    for (const body of [
      {},
      { sessionTimeoutMinutes: 0 },
      { sessionTimeoutMinutes: 1441 },
      { sessionTimeoutMinutes: 1.5 },
    ]) {
      const refused = await portal.call('PUT', '/v1/settings/license-manager', { token, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expect((await portal.call('GET', '/v1/settings/license-manager', { token })).body).toEqual({
      autoAssignAllUsers: false,
      sessionTimeoutMinutes: 1,
    });
    const cal = await portal.issueLicense(pool.account.accountId, CAL, 3);
    const listed = await portal.call('GET', `/v1/licenses/${cal.licenseId}/assignments`, { token });
    expect(listed.body).toEqual({ assignments: [], nextToken: null });
    const bad = await portal.call('PUT', '/v1/settings/license-manager', {
      token,
      body: { autoAssignAllUsers: 1 },
    });
    expect(bad.status).toBe(400);
  });

  it('logs only what changes, and keeps both of two PUTs of different fields sent at once', async () => {
    const pool = await licensedPool(1, 'Settings Races');
    const token = pool.token;
    const logged = async () =>
      (await portal.call('GET', '/v1/audit?action=settings.updated', { token })).body.events as any[];
    // The defaults sent again change nothing: 200 with them, nothing logged.
    const same = await portal.call('PUT', '/v1/settings/license-manager', {
      token,
      body: { autoAssignAllUsers: true, sessionTimeoutMinutes: 10 },
    });
    expect(same.body).toEqual({ autoAssignAllUsers: true, sessionTimeoutMinutes: 10 });
    expect(await logged()).toHaveLength(0);
    for (let round = 0; round < 3; round++) {
      const minutes = 20 + round;
      const auto = round % 2 === 0 ? false : true;
      const answers = await Promise.all([
        portal.call('PUT', '/v1/settings/license-manager', {
          token,
          body: { sessionTimeoutMinutes: minutes },
        }),
        portal.call('PUT', '/v1/settings/license-manager', { token, body: { autoAssignAllUsers: auto } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect((await portal.call('GET', '/v1/settings/license-manager', { token })).body).toEqual({
        autoAssignAllUsers: auto,
        sessionTimeoutMinutes: minutes,
      });
    }
    // Six changes, each logged once with only its field; the same value again is not one.
    await portal.call('PUT', '/v1/settings/license-manager', { token, body: { sessionTimeoutMinutes: 22 } });
    const events = await logged();
    expect(events).toHaveLength(6);
    for (const event of events) expect(Object.keys(event.details)).toHaveLength(1);

    // Three PUTs of one field at once: whichever lands last, the newest event says what is stored.
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        [0, 1, 2].map((i) =>
          portal.call('PUT', '/v1/settings/license-manager', {
            token,
            body: { sessionTimeoutMinutes: 300 + round * 3 + i },
          }),
        ),
      );
      const stored = (await portal.call('GET', '/v1/settings/license-manager', { token })).body;
      expect((await logged())[0].details).toEqual({ sessionTimeoutMinutes: stored.sessionTimeoutMinutes });
    }
  });
});

describe('roaming', () => {
  it('holds a design seat without heartbeats until roamingUntil, and returns it early on request', async () => {
    const pool = await licensedPool(1, 'Roamers');
    const token = pool.token;
    const design = await portal.issueLicense(pool.account.accountId, CLIENT, 1);
    const base = `/v1/licenses/${design.licenseId}/assignments`;
    const [auto] = (await portal.call('GET', base, { token })).body.assignments;
    const [a, b] = await users(pool, 2);
    const start = Date.now();
    setClock(() => new Date(start));
    const held = await signIn(pool, {
      userId: a,
      machineId: 'LAPTOP',
      client: 'design_client',
      product: CLIENT,
    });
    expect(held.status).toBe(201);
    const cal = await signIn(pool, { userId: a, machineId: 'LAPTOP', client: 'browser' });
    const calRoam = await portal.call('POST', `/v1/sessions/${cal.body.sessionId}/roaming`, {
      token,
      body: { days: 2 },
    });
    expect(calRoam.status).toBe(409);
    expect(calRoam.body.error.code).toBe('roaming_not_allowed');
    const denied = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/roaming`, {
      token,
      body: { days: 2 },
    });
    expect(denied.status).toBe(409);
    await portal.call('PUT', `${base}/${auto.assignmentId}`, {
      token,
      body: { role: 'All Users', seats: 'all', allowRoaming: true },
    });
    for (const days of [0, 31, 1.5]) {
      const bad = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/roaming`, {
        token,
        body: { days },
      });
      expect(bad.status).toBe(400);
    }
    const roam = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/roaming`, {
      token,
      body: { days: 3 },
    });
    expect(roam.status).toBe(200);
    expect(Date.parse(roam.body.roamingUntil)).toBe(start + 3 * 86_400_000);

    setClock(() => new Date(start + 2 * 86_400_000));
    const blocked = await signIn(pool, {
      userId: b,
      machineId: 'DESK',
      client: 'design_client',
      product: CLIENT,
    });
    expect(blocked.status).toBe(409);

    const back = await portal.call('DELETE', `/v1/sessions/${held.body.sessionId}/roaming`, { token });
    expect(back.status).toBe(204);
    const now = await signIn(pool, {
      userId: b,
      machineId: 'DESK',
      client: 'design_client',
      product: CLIENT,
    });
    expect(now.status).toBe(201);
    expect((await license(pool, design.licenseId)).used).toBe(1);
  });

  it('frees a roaming seat once roamingUntil has passed, and never roams past the license end', async () => {
    const pool = await licensedPool(1, 'Roam end');
    const token = pool.token;
    const validFrom = new Date(Date.now() - 364 * 86_400_000).toISOString();
    const design = await roamingDesignLicense(pool, { validFrom });
    const [a, b] = await users(pool, 2);
    const held = await signIn(pool, { userId: a, machineId: 'L', client: 'design_client', product: CLIENT });
    expect(Date.parse(held.body.expiresAt)).toBeLessThanOrEqual(Date.parse(design.validUntil));
    const roam = await portal.call('POST', `/v1/sessions/${held.body.sessionId}/roaming`, {
      token,
      body: { days: 30 },
    });
    expect(roam.body.roamingUntil).toBe(design.validUntil);

    const pool2 = await licensedPool(1, 'Roam lapse');
    const design2 = await roamingDesignLicense(pool2);
    const [c, d] = await users(pool2, 2);
    const start = Date.now();
    setClock(() => new Date(start));
    const h2 = await signIn(pool2, { userId: c, machineId: 'L', client: 'design_client', product: CLIENT });
    await portal.call('POST', `/v1/sessions/${h2.body.sessionId}/roaming`, {
      token: pool2.token,
      body: { days: 1 },
    });
    setClock(() => new Date(start + 86_400_000 + 60_000));
    const taken = await signIn(pool2, {
      userId: d,
      machineId: 'D',
      client: 'design_client',
      product: CLIENT,
    });
    expect(taken.status).toBe(201);
    expect((await license(pool2, design2.licenseId)).used).toBe(1);
    void b;
  });
});

describe('across hourly checks', () => {
  it('keeps a roaming seat through hourly checks until roamingUntil, then ends it; silent sessions are reclaimed', async () => {
    const pool = await licensedPool(2, 'Hourly');
    const token = pool.token;
    const design = await roamingDesignLicense(pool);
    const [a, b] = await users(pool, 2);
    const start = Date.now() + 60_000;
    setClock(() => new Date(start));
    const roamer = await signIn(pool, {
      userId: a,
      machineId: 'L',
      client: 'design_client',
      product: CLIENT,
    });
    const silent = await signIn(pool, { userId: b, machineId: 'D', client: 'browser' });
    expect(silent.status).toBe(201);
    const roam = await portal.call('POST', `/v1/sessions/${roamer.body.sessionId}/roaming`, {
      token,
      body: { days: 2 },
    });
    expect(roam.status).toBe(200);
    const operator = await portal.operatorToken();
    const hourly = async (offsetMs: number) => {
      setClock(() => new Date(start + offsetMs));
      const res = await portal.call('POST', '/v1/ops/hourly-check', {
        token: operator,
        body: { now: new Date(start + offsetMs).toISOString() },
      });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const first = await hourly(3_600_000);
    expect(first.reclaimedSessions).toBeGreaterThanOrEqual(1);
    expect((await license(pool, pool.cal.licenseId)).used).toBe(0);
    expect((await license(pool, design.licenseId)).used).toBe(1);
    await hourly(86_400_000);
    expect((await sessionsOf(pool, design.licenseId)).map((s) => s.sessionId)).toEqual([
      roamer.body.sessionId,
    ]);
    const after = await hourly(2 * 86_400_000 + 3_600_000);
    expect(after.endedRoaming).toBeGreaterThanOrEqual(1);
    expect((await license(pool, design.licenseId)).used).toBe(0);
    expect(await sessionsOf(pool, design.licenseId)).toEqual([]);
    const again = await hourly(2 * 86_400_000 + 3_600_000);
    expect(again.endedRoaming).toBe(0);
    const ended = await portal.call('DELETE', `/v1/sessions/${roamer.body.sessionId}`, { token });
    expect(ended.status).toBe(404);
  });
});

describe('what a sign-in just after a change sees', () => {
  it('serves a server right after it acquires its license, refuses one right after it is removed', async () => {
    const account = await portal.createAccount('Fresh');
    const token = account.admin.token;
    const serverLicense = await portal.issueLicense(account.accountId, 'Altium NEXUS Server', 1);
    await portal.issueLicense(account.accountId, CAL, 3);
    const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'fresh' } });
    const path = `/v1/servers/${server.body.serverId}/sessions`;
    const body = (machineId: string) => ({ userId: account.member.userId, machineId, client: 'browser' });
    expect((await portal.call('POST', path, { token, body: body('A') })).status).toBe(403);
    await portal.call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, {
      token,
      body: { licenseIds: [serverLicense.licenseId] },
    });
    expect((await portal.call('POST', path, { token, body: body('A') })).status).toBe(201);
    expect((await portal.call('DELETE', `/v1/servers/${server.body.serverId}`, { token })).status).toBe(204);
    const gone = await portal.call('POST', path, { token, body: body('B') });
    expect(gone.status).toBe(404);
  });

  it('serves through an assignment created a moment ago, and not through one deleted a moment ago', async () => {
    const pool = await licensedPool(3, 'Moments');
    const token = pool.token;
    const base = `/v1/licenses/${pool.cal.licenseId}/assignments`;
    const [auto] = (await portal.call('GET', base, { token })).body.assignments;
    const [a, b] = await users(pool, 2, ['Drafters']);
    expect((await signIn(pool, { userId: a, machineId: '1', client: 'browser' })).status).toBe(201);
    await portal.call('DELETE', `${base}/${auto.assignmentId}`, { token });
    expect((await signIn(pool, { userId: b, machineId: '2', client: 'browser' })).status).toBe(409);
    const drafters = await portal.call('POST', base, { token, body: { role: 'Drafters', seats: 1 } });
    const served = await signIn(pool, { userId: b, machineId: '2', client: 'browser' });
    expect(served.status).toBe(201);
    expect(served.body.assignmentId).toBe(drafters.body.assignmentId);
  });
});
