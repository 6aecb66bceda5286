// The seat lifecycle's faults found by outside testers, each as the right value over HTTP on DynamoDB Local:
// the administrative connection under the user+PC lock, reclaim under a full cap, server removal racing
// sign-ins, concurrent hourly checks, and the session timeout setting (docs/seat-protocol.md).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runHourlyCheck } from '../../functions/jobs/hourly-check/run.js';
import { setClock } from '../../functions/runtime/clock.js';
import { createDocumentClient, type TableContext } from '../../functions/store/client.js';
import { decideSignIn, learnFromOutcome, NOTHING_LEARNED } from '../../domain/sign-in.js';
import { createAccountStore } from '../../functions/store/accounts.js';
import { createCatalogStore } from '../../functions/store/catalog.js';
import { createSeatLedger } from '../../functions/store/seat-ledger.js';
import { hourlyCheckPortsFor } from '../../functions/use-cases/store-ports.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const CAL = 'Altium NEXUS Server CAL';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(() => portal?.stop());
afterEach(() => setClock(null));

/** The portal's clock, moved by the tests (each describe block uses its own later time: runs only move forward). */
let clock = 0;
function at(ms: number): void {
  clock = ms;
  setClock(() => new Date(clock));
}

interface Site {
  account: TestAccount;
  token: string;
  serverId: string;
  serverLicense: any;
  cal: any;
}

/** An account with a server holding a Server license, and a CAL; times as given. */
async function site(
  name: string,
  terms: {
    server?: { validFrom: string; termMonths?: number };
    calSeats?: number;
    cal?: { validFrom: string };
  },
): Promise<Site> {
  const account = await portal.createAccount(name);
  const token = account.admin.token;
  const serverLicense = await portal.issueLicense(
    account.accountId,
    'Altium NEXUS Server',
    1,
    terms.server ?? {},
  );
  const cal = await portal.issueLicense(account.accountId, CAL, terms.calSeats ?? 5, terms.cal ?? {});
  const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: `${name}-nexus` } });
  expect(server.status).toBe(201);
  const acquired = await portal.call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, {
    token,
    body: { licenseIds: [serverLicense.licenseId] },
  });
  expect(acquired.status).toBe(201);
  return { account, token, serverId: server.body.serverId, serverLicense, cal };
}

function signIn(s: Site, body: Record<string, unknown>, serverId = s.serverId) {
  return portal.call('POST', `/v1/servers/${serverId}/sessions`, { token: s.token, body });
}
const heartbeat = (s: Site, sessionId: string) =>
  portal.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: s.token });
const license = async (s: Site, id: string) =>
  (await portal.call('GET', `/v1/licenses/${id}`, { token: s.token })).body;
const settings = (s: Site, body: Record<string, unknown>) =>
  portal.call('PUT', '/v1/settings/license-manager', { token: s.token, body });
async function check(now: number) {
  return portal.call('POST', '/v1/ops/hourly-check', {
    token: await portal.operatorToken(),
    body: { now: new Date(now).toISOString() },
  });
}

describe('the administrative connection of a lapsed server (finding 1)', () => {
  const T0 = Date.parse('2031-03-01T09:00:00.000Z');

  async function lapsingSite(name: string) {
    at(T0);
    // The Server license ends an hour from now; the CAL stays valid (the server will be lapsed, not admin_only).
    const s = await site(name, {
      server: { validFrom: '2031-02-01T10:00:00.000Z', termMonths: 1 },
      cal: { validFrom: '2031-01-01T00:00:00.000Z' },
    });
    expect(s.serverLicense.validUntil).toBe('2031-03-01T10:00:00.000Z');
    const admin2 = await portal.createUser(s.account.accountId, { roles: ['Administrators'], admin: true });
    expect((await settings(s, { sessionTimeoutMinutes: 240 })).status).toBe(200);
    return { s, admin1: s.account.admin.userId, admin2: admin2.userId };
  }

  it('after the hourly check kept admin 1’s session: admin 2 is refused, admin 1’s design client joins it', async () => {
    const { s, admin1, admin2 } = await lapsingSite('lapse-after-check');
    const first = await signIn(s, { userId: admin1, machineId: 'PC-A', client: 'browser' });
    expect(first.status).toBe(201);
    at(T0 + 1.5 * HOUR);
    const run = await check(T0 + 1.5 * HOUR);
    expect(run.body).toMatchObject({ lapsedServers: 1, complete: true });
    expect(
      (await portal.call('GET', `/v1/servers/${s.serverId}/status`, { token: s.token })).body.state,
    ).toBe('lapsed');
    // Kept as the administrative connection: it takes no CAL seat any more.
    expect((await license(s, s.cal.licenseId)).used).toBe(0);

    const second = await signIn(s, { userId: admin2, machineId: 'PC-B', client: 'browser' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('seats_exhausted');
    expect(second.body.error.message).toContain('only one administrator may be signed in at a time');
    const design = await signIn(s, { userId: admin1, machineId: 'PC-A', client: 'design_client' });
    expect(design.status).toBe(200);
    expect(design.body.sessionId).toBe(first.body.sessionId);
    expect(design.body.clients).toEqual(['browser', 'design_client']);
    // A member is refused; admin 2 gets in once admin 1 signs out.
    const member = await signIn(s, { userId: s.account.member.userId, machineId: 'PC-C', client: 'browser' });
    expect(member.status).toBe(409);
    expect(
      (await portal.call('DELETE', `/v1/sessions/${first.body.sessionId}`, { token: s.token })).status,
    ).toBe(204);
    const next = await signIn(s, { userId: admin2, machineId: 'PC-B', client: 'browser' });
    expect(next.status).toBe(201);
    expect(next.body.assignmentId).toBeNull();
  });

  it('before any hourly check: the live CAL session of admin 1 is the one connection; its second client joins', async () => {
    const { s, admin1, admin2 } = await lapsingSite('lapse-before-check');
    const first = await signIn(s, { userId: admin1, machineId: 'PC-A', client: 'browser' });
    expect(first.status).toBe(201);
    at(T0 + 1.5 * HOUR); // lapsed by time; no hourly check has run
    const results = await Promise.all([
      signIn(s, { userId: admin2, machineId: 'PC-B', client: 'browser' }),
      signIn(s, { userId: admin1, machineId: 'PC-A', client: 'design_client' }),
      signIn(s, { userId: admin2, machineId: 'PC-B', client: 'design_client' }),
      signIn(s, { userId: admin1, machineId: 'PC-A', client: 'browser' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([409, 200, 409, 200]);
    expect(results[1]?.body.sessionId).toBe(first.body.sessionId);
    expect(results[3]?.body.sessionId).toBe(first.body.sessionId);
  });

  it('an expired administrative connection never keeps the next administrator out', async () => {
    const { s, admin1, admin2 } = await lapsingSite('lapse-expired-admin');
    at(T0 + 1.5 * HOUR);
    expect((await settings(s, { sessionTimeoutMinutes: 1 })).status).toBe(200);
    const first = await signIn(s, { userId: admin1, machineId: 'PC-A', client: 'browser' });
    expect(first.status).toBe(201);
    expect(first.body.assignmentId).toBeNull();
    at(T0 + 1.5 * HOUR + 2 * MINUTE); // admin 1 went silent
    const second = await signIn(s, { userId: admin2, machineId: 'PC-B', client: 'browser' });
    expect(second.status).toBe(201);
    expect((await heartbeat(s, first.body.sessionId)).status).toBe(404);
  });

  it('admits one administrator of many racing for the connection, and the same one’s other clients', async () => {
    const { s } = await lapsingSite('lapse-race');
    at(T0 + 1.5 * HOUR);
    const admins = await Promise.all(
      Array.from({ length: 6 }, () => portal.createUser(s.account.accountId, { roles: [], admin: true })),
    );
    const results = await Promise.all(
      admins.flatMap((a, i) => [
        signIn(s, { userId: a.userId, machineId: `PC-${i}`, client: 'browser' }),
        signIn(s, { userId: a.userId, machineId: `PC-${i}`, client: 'design_client' }),
      ]),
    );
    const sessions = new Set(results.filter((r) => r.status < 300).map((r) => r.body.sessionId));
    expect(sessions.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => [200, 201, 409].includes(r.status))).toBe(true);
  });
});

/**
 * The member's sign-in on PC-M of `s`, decided from a catalogue read at `now` as the portal decides it, but not
 * written: a test writes the plan later, after another change, to play a race's interleaving exactly.
 */
async function memberDecision(ctx: TableContext, s: Site, sessionId: string, now: Date) {
  const catalogue = await createCatalogStore(ctx).read(s.account.accountId, now);
  const user = await createAccountStore(ctx).getUser(s.account.accountId, s.account.member.userId);
  return decideSignIn({
    catalogue,
    user: user as NonNullable<typeof user>,
    request: {
      accountId: s.account.accountId,
      serverId: s.serverId,
      userId: s.account.member.userId,
      machineId: 'PC-M',
      client: 'browser',
      sessionId,
      now,
    },
  });
}

describe('a grant decided before a lapse and written after the hourly check restricted the server', () => {
  it('fails its server condition and is decided again, so the lapsed server keeps one connection', async () => {
    const T0 = Date.parse('2031-03-20T09:00:00.000Z');
    at(T0);
    const s = await site('lapse-race-grant', {
      server: { validFrom: '2031-02-20T10:00:00.000Z', termMonths: 1 },
      cal: { validFrom: '2031-01-01T00:00:00.000Z' },
    });
    expect((await settings(s, { sessionTimeoutMinutes: 240 })).status).toBe(200);
    const admin = await signIn(s, { userId: s.account.admin.userId, machineId: 'PC-A', client: 'browser' });
    expect(admin.status).toBe(201);
    // The member's sign-in is decided now, while the server is licensed ...
    const doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
    try {
      const ctx = { doc, table: portal.portal.tableName };
      const plan = await memberDecision(ctx, s, 'ses_decidedbeforelapse00', new Date(T0));
      expect(plan.kind).toBe('grant');
      if (plan.kind !== 'grant') return;
      // ... the Server license ends and the hourly check restricts the server to one connection ...
      at(T0 + 1.5 * HOUR);
      expect((await check(T0 + 1.5 * HOUR)).status).toBe(200);
      const status = await portal.call('GET', `/v1/servers/${s.serverId}/status`, { token: s.token });
      expect(status.body.state).toBe('lapsed');
      // ... and only then does the grant's write arrive: refused, and the sign-in reads again.
      const outcome = await createSeatLedger(ctx).write(plan.write);
      expect(outcome).toMatchObject({ ok: false, failed: ['server'] });
      expect(learnFromOutcome(plan, outcome, NOTHING_LEARNED)).toEqual({ kind: 'read_again' });
    } finally {
      doc.destroy();
    }
    // Over HTTP the member is refused, the administrator keeps the one connection.
    const member = await signIn(s, { userId: s.account.member.userId, machineId: 'PC-M', client: 'browser' });
    expect(member.status).toBe(409);
    expect((await heartbeat(s, admin.body.sessionId)).status).toBe(200);
  });
  it('is decided as of the restriction when that is later than its own time: an answer, not 503 busy', async () => {
    const T0 = Date.parse('2031-05-20T09:00:00.000Z');
    at(T0);
    const s = await site('restricted-later', {
      server: { validFrom: '2031-04-20T10:00:00.000Z', termMonths: 1 },
      cal: { validFrom: '2031-01-01T00:00:00.000Z' },
    });
    // The hourly check runs as of a time after the sign-ins' own (its clock ahead of theirs): it restricts the
    // server at T0 + 2 h while they still run at T0 + 1.5 h, before the restriction's time but after the lapse.
    at(T0 + 1.5 * HOUR);
    expect((await check(T0 + 2 * HOUR)).status).toBe(200);
    // A grant at T0 + 1.5 h would fail its server condition every time (restrictedAt is later): decided as of
    // the restriction instead, the member is refused and one administrator takes the connection.
    const member = await signIn(s, { userId: s.account.member.userId, machineId: 'PC-M', client: 'browser' });
    expect(member.status, member.text).toBe(409);
    expect(member.body.error.code).toBe('seats_exhausted');
    const admin = await signIn(s, { userId: s.account.admin.userId, machineId: 'PC-A', client: 'browser' });
    expect(admin.status, admin.text).toBe(201);
    expect(admin.body.assignmentId).toBeNull();
  });
});

describe('a refusal decided on a full license and written after a seat was freed', () => {
  it('fails its check that the license is still full and is decided again: a seat, not 409', async () => {
    at(Date.parse('2031-06-01T09:00:00.000Z'));
    const s = await site('refusal-race', { calSeats: 1 });
    const holder = await signIn(s, { userId: s.account.admin.userId, machineId: 'PC-H', client: 'browser' });
    expect(holder.status).toBe(201);
    const doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
    try {
      const ctx = { doc, table: portal.portal.tableName };
      // The member's sign-in reads the one seat held and decides to refuse ...
      const plan = await memberDecision(ctx, s, 'ses_refusedbeforesignout', new Date(clock));
      expect(plan.kind).toBe('refuse');
      if (plan.kind !== 'refuse') return;
      // ... the holder signs out, freeing the seat ...
      expect(
        (await portal.call('DELETE', `/v1/sessions/${holder.body.sessionId}`, { token: s.token })).status,
      ).toBe(204);
      // ... and the refusal's write, arriving now, fails: the license is no longer full. Read again.
      const outcome = await createSeatLedger(ctx).write(plan.write);
      expect(outcome).toMatchObject({ ok: false, failed: [`license:${s.cal.licenseId}`] });
      expect(learnFromOutcome(plan, outcome, NOTHING_LEARNED)).toEqual({ kind: 'read_again' });
    } finally {
      doc.destroy();
    }
    // Nothing was written by it: no denial counted, and over HTTP the member gets the seat.
    const member = await signIn(s, { userId: s.account.member.userId, machineId: 'PC-M', client: 'browser' });
    expect(member.status).toBe(201);
  });
});

describe('reclaim under a full cap (finding 2)', () => {
  it('a sign-in reclaims the expired holder of a full role cap at once, without an hourly check', async () => {
    at(Date.parse('2031-04-01T09:00:00.000Z'));
    const s = await site('cap', { calSeats: 5 });
    // The CAL's only assignment: role Eng with 1 seat.
    const base = `/v1/licenses/${s.cal.licenseId}/assignments`;
    const [auto] = (await portal.call('GET', base, { token: s.token })).body.assignments;
    expect((await portal.call('DELETE', `${base}/${auto.assignmentId}`, { token: s.token })).status).toBe(
      204,
    );
    expect(
      (await portal.call('POST', base, { token: s.token, body: { role: 'Eng', seats: 1 } })).status,
    ).toBe(201);
    expect((await settings(s, { sessionTimeoutMinutes: 1 })).status).toBe(200);
    const [u1, u2] = await portal.createUserIds(s.account.accountId, 2, ['Eng']);

    const held = await signIn(s, { userId: u1, machineId: 'PC-1', client: 'browser' });
    expect(held.status).toBe(201);
    expect(held.body.expiresAt).toBe('2031-04-01T09:01:00.000Z');
    const refused = await signIn(s, { userId: u2, machineId: 'PC-2', client: 'browser' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('assigned to role Eng are all in use');

    at(Date.parse('2031-04-01T09:01:00.000Z')); // u1's expiresAt: expired, never heard from again
    const taken = await signIn(s, { userId: u2, machineId: 'PC-2', client: 'browser' });
    expect(taken.status).toBe(201);
    expect((await heartbeat(s, held.body.sessionId)).status).toBe(404);
    expect((await license(s, s.cal.licenseId)).used).toBe(1);
    const [asg] = (await portal.call('GET', base, { token: s.token })).body.assignments;
    expect(asg.used).toBe(1);
  });
});

describe('reclaim racing the end of the same holder', () => {
  it('never refuses while the one seat is held by an expired session or free', async () => {
    at(Date.parse('2031-04-15T09:00:00.000Z'));
    const s = await site('reclaim-race', { calSeats: 1 });
    const [u1, u2] = await portal.createUserIds(s.account.accountId, 2);
    for (let round = 0; round < 8; round++) {
      at(Date.parse('2031-04-15T09:00:00.000Z') + round * HOUR);
      const held = await signIn(s, { userId: u1, machineId: `PC-1-${round}`, client: 'browser' });
      expect(held.status).toBe(201);
      at(Date.parse('2031-04-15T09:00:00.000Z') + round * HOUR + 11 * MINUTE); // u1 expired, still counted
      const [ended, taken] = await Promise.all([
        portal.call('DELETE', `/v1/sessions/${held.body.sessionId}`, { token: s.token }),
        signIn(s, { userId: u2, machineId: `PC-2-${round}`, client: 'browser' }),
      ]);
      // Either the sign-out or the reclaim ended u1; u2 got the seat either way.
      expect([204, 404]).toContain(ended.status);
      expect(taken.status, JSON.stringify(taken.body)).toBe(201);
      expect(
        (await portal.call('DELETE', `/v1/sessions/${taken.body.sessionId}`, { token: s.token })).status,
      ).toBe(204);
    }
  });
});

describe('server removal racing sign-ins (finding 3)', () => {
  it('leaves no session of the removed server holding a seat once DELETE answered', async () => {
    at(Date.parse('2031-05-01T09:00:00.000Z'));
    for (let round = 0; round < 3; round++) {
      const s = await site(`removal-${round}`, { calSeats: 50 });
      const users = await portal.createUserIds(s.account.accountId, 12);
      const signIns = users.map((userId, i) =>
        (async () => {
          // Spread the sign-ins over the removal.
          await new Promise((resolve) => setTimeout(resolve, i * 3));
          return signIn(s, { userId, machineId: `PC-${i}`, client: 'browser' });
        })(),
      );
      const removal = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 10 + round * 10));
        return portal.call('DELETE', `/v1/servers/${s.serverId}`, { token: s.token });
      })();
      const removed = await removal;
      expect(removed.status).toBe(204);
      const results = await Promise.all(signIns);
      for (const r of results) expect([201, 404]).toContain(r.status);
      // After the 204, whatever each sign-in answered: no session of the server lives, no seat is taken.
      for (const r of results.filter((x) => x.status === 201)) {
        expect((await heartbeat(s, r.body.sessionId)).status).toBe(404);
      }
      expect((await license(s, s.cal.licenseId)).used).toBe(0);
      const listed = await portal.call('GET', `/v1/licenses/${s.cal.licenseId}/sessions`, { token: s.token });
      expect(listed.body.sessions).toEqual([]);
      expect((await license(s, s.serverLicense.licenseId)).used).toBe(0);
      expect((await signIn(s, { userId: users[0], machineId: 'PC-late', client: 'browser' })).status).toBe(
        404,
      );
    }
  });
});

describe('concurrent hourly checks (finding 4)', () => {
  const T0 = Date.parse('2031-06-01T09:20:00.000Z');

  it('runs one at a time: the others answer 503 busy with retry-after, never 500; counts add up to the changes', async () => {
    at(T0);
    // Earlier tests' sessions in this table end first, so the counts below are this test's alone.
    expect((await check(T0)).status).toBe(200);
    const s = await site('hourly-race', { calSeats: 400 });
    const SESSIONS = 240;
    const userId = s.account.member.userId;
    for (let i = 0; i < SESSIONS; i += 24) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(24, SESSIONS - i) }, (_, j) =>
          signIn(s, { userId, machineId: `PC-${i + j}`, client: 'browser' }),
        ),
      );
      expect(batch.every((r) => r.status === 201)).toBe(true);
    }
    expect((await license(s, s.cal.licenseId)).used).toBe(SESSIONS);
    // Everyone stopped sending heartbeats; the checks run across the next hour.
    const runAt = T0 + HOUR;
    at(runAt);
    const runs = await Promise.all(Array.from({ length: 10 }, () => check(runAt)));
    for (const r of runs) expect([200, 503]).toContain(r.status);
    const busy = runs.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(r.body.error.code).toBe('busy');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      // The wait is about what the working run can still take (its 10 s budget on this route, plus the margin
      // for the step in progress), not the quarter of an hour a crashed run's lease may last.
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(70);
    }
    let reclaimed = runs.filter((r) => r.status === 200).reduce((n, r) => n + r.body.reclaimedSessions, 0);
    let rollups = runs.filter((r) => r.status === 200).reduce((n, r) => n + r.body.rollupsWritten, 0);
    // Until one says complete: an incomplete or busy answer leaves the rest to the next run.
    for (let i = 0; i < 20; i++) {
      const again = await check(runAt);
      if (again.status === 503) continue;
      reclaimed += again.body.reclaimedSessions;
      rollups += again.body.rollupsWritten;
      if (again.body.complete) break;
    }
    expect(reclaimed).toBe(SESSIONS);
    expect((await license(s, s.cal.licenseId)).used).toBe(0);
    // Runs at the same time after a complete one change nothing.
    const last = await check(runAt);
    expect(last.body).toEqual({
      expiredLicenses: 0,
      lapsedServers: 0,
      reclaimedSessions: 0,
      endedRoaming: 0,
      rollupsWritten: 0,
      complete: true,
    });
    expect(rollups).toBeGreaterThan(0);
  });

  it('stops at its budget with complete: false, and the next run finishes the rest', async () => {
    const runAt = T0 + 3 * HOUR;
    at(T0 + 2 * HOUR);
    const s = await site('hourly-budget', { calSeats: 20 });
    const userId = s.account.member.userId;
    for (let i = 0; i < 6; i++) {
      expect((await signIn(s, { userId, machineId: `PC-${i}`, client: 'browser' })).status).toBe(201);
    }
    at(runAt);
    const doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
    try {
      const ports = hourlyCheckPortsFor({ doc, table: portal.portal.tableName });
      // A budget already spent: the run records its time and stops before any work.
      const cut = await runHourlyCheck(ports, {
        requested: new Date(runAt),
        real: new Date(runAt),
        honourRequested: true,
        deadline: Date.now() - 1,
      });
      expect(cut.summary).toMatchObject({ complete: false, reclaimedSessions: 0 });
    } finally {
      doc.destroy();
    }
    expect((await license(s, s.cal.licenseId)).used).toBe(6);
    const finish = await check(runAt);
    expect(finish.body).toMatchObject({ complete: true, reclaimedSessions: 6 });
    expect((await license(s, s.cal.licenseId)).used).toBe(0);
  });
});

describe('the session timeout setting', () => {
  it('applies from each session’s next sign-in, join or heartbeat, even where that makes expiresAt earlier', async () => {
    const T0 = Date.parse('2031-08-01T09:00:00.000Z');
    at(T0);
    const s = await site('timeout', { calSeats: 3 });
    const userId = s.account.member.userId;
    const first = await signIn(s, { userId, machineId: 'PC-1', client: 'browser' });
    expect(first.body.expiresAt).toBe('2031-08-01T09:10:00.000Z');
    // A heartbeat at the very instant of the sign-in races it: the later expiry stays (API.md "of two racing
    // heartbeats the later expiresAt stays"), so a longer timeout applies at once and a shorter one waits.
    expect((await settings(s, { sessionTimeoutMinutes: 1 })).status).toBe(200);
    expect((await heartbeat(s, first.body.sessionId)).body.expiresAt).toBe('2031-08-01T09:10:00.000Z');
    expect((await settings(s, { sessionTimeoutMinutes: 30 })).status).toBe(200);
    expect((await heartbeat(s, first.body.sessionId)).body.expiresAt).toBe('2031-08-01T09:30:00.000Z');
    expect((await settings(s, { sessionTimeoutMinutes: 60 })).status).toBe(200);
    at(T0 + MINUTE);
    expect((await heartbeat(s, first.body.sessionId)).body.expiresAt).toBe('2031-08-01T10:01:00.000Z');
    expect((await settings(s, { sessionTimeoutMinutes: 2 })).status).toBe(200);
    at(T0 + 2 * MINUTE);
    // Earlier than before: the shorter timeout applies at once.
    expect((await heartbeat(s, first.body.sessionId)).body.expiresAt).toBe('2031-08-01T09:04:00.000Z');
    at(T0 + 3 * MINUTE);
    const joined = await signIn(s, { userId, machineId: 'PC-1', client: 'design_client' });
    expect(joined.status).toBe(200);
    expect(joined.body.expiresAt).toBe('2031-08-01T09:05:00.000Z');
    const second = await signIn(s, { userId, machineId: 'PC-2', client: 'browser' });
    expect(second.body.expiresAt).toBe('2031-08-01T09:05:00.000Z');
  });
});
