// The hourly check over HTTP on DynamoDB Local: reclaim, roaming end, license expiry, lapse, idempotency, forward time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/runtime/clock.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const SERVER = 'Altium NEXUS Server';
const CAL = 'Altium NEXUS Server CAL';
const CLIENT = 'Altium NEXUS';
const HOUR = 3_600_000;

let portal: TestPortal;
let account: TestAccount;
let token: string;
let serverId: string;
let serverLicense: any;
let cal: any;
let design: any;
let shortDesign: any;
// The portal's clock is pinned (the check's `now` moves the check; sign-ins and heartbeats follow this clock).
const T0 = Date.parse('2027-04-10T08:10:00.000Z');
let clock = T0;
const at = (ms: number) => new Date(ms).toISOString();

/** Valid from a month before `end`: the license ends at `end` (or its month-clamped neighbour). */
function monthBefore(end: number): string {
  const d = new Date(end);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString();
}

async function check(now?: number) {
  return portal.call('POST', '/v1/ops/hourly-check', {
    token: await portal.operatorToken(),
    body: now === undefined ? {} : { now: at(now) },
  });
}

async function allowRoaming(licenseId: string) {
  const list = await portal.call('GET', `/v1/licenses/${licenseId}/assignments`, { token });
  const assignment = list.body.assignments[0];
  const put = await portal.call('PUT', `/v1/licenses/${licenseId}/assignments/${assignment.assignmentId}`, {
    token,
    body: { role: assignment.role, seats: assignment.seats, automaticLeasing: true, allowRoaming: true },
  });
  expect(put.status).toBe(200);
}

function signIn(body: Record<string, unknown>) {
  return portal.call('POST', `/v1/servers/${serverId}/sessions`, { token, body });
}

async function license(licenseId: string) {
  return (await portal.call('GET', `/v1/licenses/${licenseId}`, { token })).body;
}

async function liveSessions(licenseId: string): Promise<any[]> {
  return (await portal.call('GET', `/v1/licenses/${licenseId}/sessions`, { token })).body.sessions;
}

beforeAll(async () => {
  portal = await startTestPortal();
  setClock(() => new Date(clock));
  account = await portal.createAccount('Hourly Co');
  token = account.admin.token;
  // The Server license ends 5 hours from now; everything else runs for a year.
  serverLicense = await portal.issueLicense(account.accountId, SERVER, 2, {
    validFrom: monthBefore(T0 + 5 * HOUR),
    termMonths: 1,
  });
  cal = await portal.issueLicense(account.accountId, CAL, 5);
  design = await portal.issueLicense(account.accountId, CLIENT, 3);
  shortDesign = await portal.issueLicense(account.accountId, CLIENT, 1, {
    validFrom: monthBefore(T0 + 5 * HOUR),
    termMonths: 1,
  });
  await allowRoaming(design.licenseId);
  await allowRoaming(shortDesign.licenseId);
  const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-hourly' } });
  serverId = server.body.serverId;
  const acquired = await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
    token,
    body: { licenseIds: [serverLicense.licenseId, cal.licenseId] },
  });
  expect(acquired.status).toBe(201);
});
afterAll(async () => {
  setClock(null);
  await portal?.stop();
});

// One story in time order: runs only move forward, so each step runs later than the one before.
describe('the hourly check', () => {
  let connection: any;
  let roaming: any;
  let roamingToExpiry: any;

  it('is for operators only', async () => {
    const res = await portal.call('POST', '/v1/ops/hourly-check', { token, body: {} });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('reclaims sessions past expiresAt without a heartbeat and frees their seats, once', async () => {
    connection = (await signIn({ userId: account.member.userId, machineId: 'PC-1', client: 'browser' })).body;
    roaming = (
      await signIn({
        userId: account.member.userId,
        machineId: 'PC-1',
        client: 'design_client',
        licenseId: design.licenseId,
      })
    ).body;
    expect(roaming.licenseId).toBe(design.licenseId);
    const roam = await portal.call('POST', `/v1/sessions/${roaming.sessionId}/roaming`, {
      token,
      body: { days: 1 },
    });
    expect(roam.status).toBe(200);
    roamingToExpiry = (
      await signIn({
        userId: account.admin.userId,
        machineId: 'PC-9',
        client: 'design_client',
        licenseId: shortDesign.licenseId,
      })
    ).body;
    expect(
      (
        await portal.call('POST', `/v1/sessions/${roamingToExpiry.sessionId}/roaming`, {
          token,
          body: { days: 30 },
        })
      ).status,
    ).toBe(200);
    expect((await license(cal.licenseId)).used).toBe(1);

    const first = await check(T0 + HOUR);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      expiredLicenses: 0,
      lapsedServers: 0,
      reclaimedSessions: 1,
      endedRoaming: 0,
    });
    expect((await license(cal.licenseId)).used).toBe(0);
    expect(await liveSessions(cal.licenseId)).toEqual([]);
    // A reclaimed session stays ended: its heartbeat answers 404.
    const beat = await portal.call('POST', `/v1/sessions/${connection.sessionId}/heartbeat`, { token });
    expect(beat.status).toBe(404);
    // The roaming seat is still held.
    expect((await license(design.licenseId)).used).toBe(1);
  });

  it('reports zeros when run again at the same time', async () => {
    const again = await check(T0 + HOUR);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      expiredLicenses: 0,
      lapsedServers: 0,
      reclaimedSessions: 0,
      endedRoaming: 0,
      rollupsWritten: 0,
      complete: true,
    });
  });

  it('refuses a now earlier than the latest run with 400 invalid_request, and changes nothing', async () => {
    const back = await check(T0 + HOUR - 1000);
    expect(back.status).toBe(400);
    expect(back.body.error.code).toBe('invalid_request');
    const bad = await portal.call('POST', '/v1/ops/hourly-check', {
      token: await portal.operatorToken(),
      body: { now: 'yesterday' },
    });
    expect(bad.status).toBe(400);
  });

  it('runs without a now as of the later of real time and the latest run', async () => {
    const res = await check();
    expect(res.status).toBe(200);
    expect(res.body.reclaimedSessions).toBe(0);
    // Time did not go back to the real clock: a now before the latest run is still refused.
    expect((await check(T0 + HOUR - 1)).status).toBe(400);
  });

  it('counts expired licenses once, ends their sessions, and marks the server lapsed', async () => {
    // Two connections that keep sending heartbeats: a member's and an administrator's.
    clock = T0 + 4.5 * HOUR;
    const member = await signIn({ userId: account.member.userId, machineId: 'PC-2', client: 'browser' });
    const admin = await signIn({ userId: account.admin.userId, machineId: 'PC-A', client: 'browser' });
    expect([member.status, admin.status]).toEqual([201, 201]);
    clock = T0 + 5.95 * HOUR;
    for (const s of [member.body, admin.body]) {
      expect((await portal.call('POST', `/v1/sessions/${s.sessionId}/heartbeat`, { token })).status).toBe(
        200,
      );
    }
    clock = T0 + 6 * HOUR;

    const res = await check(T0 + 6 * HOUR);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      expiredLicenses: 2,
      lapsedServers: 1,
      reclaimedSessions: 0,
      endedRoaming: 0,
    });
    // The session of the expired design license ended with it (counted as the license's expiry, not roaming).
    expect(await liveSessions(shortDesign.licenseId)).toEqual([]);
    expect((await license(shortDesign.licenseId)).used).toBe(0);
    expect((await license(design.licenseId)).used).toBe(1);
    // The server keeps its (expired) Server license: it is lapsed, not unlicensed, and its System seat stays.
    expect((await license(serverLicense.licenseId)).used).toBe(1);
    // A lapsed server keeps one administrative connection: the administrator's session, which now takes no
    // CAL seat (API.md); the member's connection ended.
    expect(await liveSessions(cal.licenseId)).toEqual([]);
    expect((await license(cal.licenseId)).used).toBe(0);
    const kept = await portal.call('POST', `/v1/sessions/${admin.body.sessionId}/heartbeat`, { token });
    expect(kept.status).toBe(200);
    const ended = await portal.call('POST', `/v1/sessions/${member.body.sessionId}/heartbeat`, { token });
    expect(ended.status).toBe(404);
    const status = await portal.call('GET', `/v1/servers/${serverId}/status`, { token });
    expect(status.body.state).toBe('lapsed');

    // An hour later the administrator's connection, no longer heard from, is reclaimed; nothing else changes.
    clock = T0 + 7 * HOUR;
    const again = await check(T0 + 7 * HOUR);
    expect(again.body).toMatchObject({ expiredLicenses: 0, lapsedServers: 0, reclaimedSessions: 1 });
  });

  it('ends roaming past roamingUntil', async () => {
    const res = await check(T0 + 26 * HOUR);
    expect(res.body).toMatchObject({ endedRoaming: 1, reclaimedSessions: 0, expiredLicenses: 0 });
    expect((await license(design.licenseId)).used).toBe(0);
    const gone = await portal.call('DELETE', `/v1/sessions/${roaming.sessionId}/roaming`, { token });
    expect(gone.status).toBe(404);
  });

  it('counts a renewed license expired again at its new end, and the server lapsed again', async () => {
    const renewed = await portal.call(
      'POST',
      `/v1/accounts/${account.accountId}/licenses/${serverLicense.licenseId}/renewals`,
      { token: await portal.operatorToken(), body: { termMonths: 1 } },
    );
    expect(renewed.status).toBe(200);
    const end = Date.parse(renewed.body.validUntil);
    expect(end).toBeGreaterThan(T0 + 26 * HOUR);
    const before = await check(end - HOUR);
    expect(before.body).toMatchObject({ expiredLicenses: 0, lapsedServers: 0 });
    const after = await check(end);
    expect(after.body).toMatchObject({ expiredLicenses: 1, lapsedServers: 1 });
  });
});
