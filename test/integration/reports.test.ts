// Usage reports over HTTP on DynamoDB Local: live hours, history from rollups, roles, denials, CSV, range limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/runtime/clock.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const CAL = 'Altium NEXUS Server CAL';
const CLIENT = 'Altium NEXUS';

let portal: TestPortal;
let account: TestAccount;
let other: TestAccount;
let token: string;
let serverId: string;
let cal: any;
let design: any;
let clock = '2027-03-01T10:20:00.000Z';

function report(query: string, as = token) {
  return portal.call('GET', `/v1/reports/usage?${query}`, { token: as });
}

const calRow = (rows: any[], start: string) =>
  rows.find((r) => r.licenseId === cal.licenseId && r.start === start);

beforeAll(async () => {
  portal = await startTestPortal();
  setClock(() => new Date(clock));
  account = await portal.createAccount('Reports Co');
  other = await portal.createAccount('Other Co');
  token = account.admin.token;
  const year = { validFrom: '2027-01-01T00:00:00Z', termMonths: 12 };
  const server = await portal.issueLicense(account.accountId, 'Altium NEXUS Server', 1, year);
  cal = await portal.issueLicense(account.accountId, CAL, 1, year);
  design = await portal.issueLicense(account.accountId, CLIENT, 2, year);
  serverId = (await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-reports' } })).body
    .serverId;
  const acquired = await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
    token,
    body: { licenseIds: [server.licenseId, cal.licenseId] },
  });
  expect(acquired.status).toBe(201);

  // 10:20 the administrator takes the one CAL seat; 10:25 a member is refused (a denial against the CAL).
  const admin = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
    token,
    body: { userId: account.admin.userId, machineId: 'PC-A', client: 'browser' },
  });
  expect(admin.status).toBe(201);
  clock = '2027-03-01T10:25:00.000Z';
  const refused = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
    token,
    body: { userId: account.member.userId, machineId: 'PC-M', client: 'browser' },
  });
  expect(refused.status).toBe(409);
  clock = '2027-03-01T10:50:00.000Z';
});
afterAll(async () => {
  setClock(null);
  await portal?.stop();
});

describe('usage report', () => {
  it('reports the current hour from live records, one row per CAL and client license, zeros included', async () => {
    const res = await report('from=2027-03-01T10:00:00Z&to=2027-03-01T11:00:00Z&interval=hour');
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(2);
    expect(calRow(res.body.rows, '2027-03-01T10:00:00.000Z')).toEqual({
      start: '2027-03-01T10:00:00.000Z',
      licenseId: cal.licenseId,
      peakSessions: 1,
      sessionsStarted: 1,
      denied: 1,
      seatHours: 0.5,
    });
    expect(res.body.rows.find((r: any) => r.licenseId === design.licenseId)).toEqual({
      start: '2027-03-01T10:00:00.000Z',
      licenseId: design.licenseId,
      peakSessions: 0,
      sessionsStarted: 0,
      denied: 0,
      seatHours: 0,
    });
  });

  it('keeps only the sessions and denials of users in a role', async () => {
    const range = 'from=2027-03-01T10:00:00Z&to=2027-03-01T11:00:00Z&interval=hour';
    const designers = await report(`${range}&role=Designers&licenseId=${cal.licenseId}`);
    expect(designers.body.rows).toEqual([
      expect.objectContaining({ peakSessions: 0, sessionsStarted: 0, denied: 1, seatHours: 0 }),
    ]);
    const admins = await report(`${range}&role=Administrators&licenseId=${cal.licenseId}`);
    expect(admins.body.rows).toEqual([
      expect.objectContaining({ peakSessions: 1, sessionsStarted: 1, denied: 0, seatHours: 0.5 }),
    ]);
  });

  it('answers CSV with a header row of the same names', async () => {
    const res = await report(
      `from=2027-03-01T10:00:00Z&to=2027-03-01T11:00:00Z&interval=hour&licenseId=${cal.licenseId}&format=csv`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.text.trim().split(/\r?\n/)).toEqual([
      'start,licenseId,peakSessions,sessionsStarted,denied,seatHours',
      `2027-03-01T10:00:00.000Z,${cal.licenseId},1,1,1,0.5`,
    ]);
  });

  it.each([
    ['an hour range over 31 days', 'from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:01Z&interval=hour'],
    ['a day range over 366 days', 'from=2027-01-01T00:00:00Z&to=2028-01-02T00:00:01Z&interval=day'],
    ['from after to', 'from=2027-03-02T00:00:00Z&to=2027-03-01T00:00:00Z&interval=day'],
    ['an unknown interval', 'from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z&interval=week'],
    ['a bad time', 'from=yesterday&to=2027-03-02T00:00:00Z&interval=day'],
    ['an unknown parameter', 'from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z&interval=day&x=1'],
  ])('refuses %s with 400 invalid_request', async (_name, query) => {
    const res = await report(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it("answers 404 for another account's license and 403 for a non-administrator", async () => {
    const res = await report(
      `from=2027-03-01T10:00:00Z&to=2027-03-01T11:00:00Z&interval=hour&licenseId=${cal.licenseId}`,
      other.admin.token,
    );
    expect(res.status).toBe(404);
    const member = await report(
      'from=2027-03-01T10:00:00Z&to=2027-03-01T11:00:00Z&interval=hour',
      account.member.token,
    );
    expect(member.status).toBe(403);
  });

  it('reports history from the rollups the hourly check wrote, and days as sums of hours', async () => {
    // The session stopped sending heartbeats; the check at 12:10 reclaims it and rolls up the hours before 12:00.
    const run = await portal.call('POST', '/v1/ops/hourly-check', {
      token: await portal.operatorToken(),
      body: { now: '2027-03-01T12:10:00.000Z' },
    });
    expect(run.status).toBe(200);
    expect(run.body.reclaimedSessions).toBe(1);
    expect(run.body.rollupsWritten).toBeGreaterThan(0);
    clock = '2027-03-01T12:30:00.000Z';

    const hours = await report(
      `from=2027-03-01T10:00:00Z&to=2027-03-01T13:00:00Z&interval=hour&licenseId=${cal.licenseId}`,
    );
    expect(hours.body.rows).toEqual([
      {
        start: '2027-03-01T10:00:00.000Z',
        licenseId: cal.licenseId,
        peakSessions: 1,
        sessionsStarted: 1,
        denied: 1,
        seatHours: 0.6667,
      },
      {
        start: '2027-03-01T11:00:00.000Z',
        licenseId: cal.licenseId,
        peakSessions: 1,
        sessionsStarted: 0,
        denied: 0,
        seatHours: 1,
      },
      // The current hour is live: the session held its seat until the check reclaimed it at 12:10.
      {
        start: '2027-03-01T12:00:00.000Z',
        licenseId: cal.licenseId,
        peakSessions: 1,
        sessionsStarted: 0,
        denied: 0,
        seatHours: 0.1667,
      },
    ]);
    const designers = await report(
      `from=2027-03-01T10:00:00Z&to=2027-03-01T11:00:00Z&interval=hour&licenseId=${cal.licenseId}&role=Designers`,
    );
    expect(designers.body.rows[0]).toMatchObject({ peakSessions: 0, denied: 1 });

    const days = await report('from=2027-02-28T00:00:00Z&to=2027-03-01T23:59:59Z&interval=day');
    expect(days.body.rows).toHaveLength(4);
    expect(calRow(days.body.rows, '2027-02-28T00:00:00.000Z')).toMatchObject({
      peakSessions: 0,
      seatHours: 0,
    });
    expect(calRow(days.body.rows, '2027-03-01T00:00:00.000Z')).toEqual({
      start: '2027-03-01T00:00:00.000Z',
      licenseId: cal.licenseId,
      peakSessions: 1,
      sessionsStarted: 1,
      denied: 1,
      seatHours: 1.8333,
    });
  });
});
