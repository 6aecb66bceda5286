// A run cut off midway loses nothing: the next run finishes, ending in the state one whole run leaves.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/runtime/clock.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { runHourlyCheck } from '../../functions/jobs/hourly-check/run.js';
import { hourlyCheckPortsFor } from '../../functions/use-cases/store-ports.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const CAL = 'Altium NEXUS Server CAL';
const MACHINES = 8;

let portal: TestPortal;
let account: TestAccount;
let token: string;
let cal: any;
let shortCal: any;
let doc: DynamoDBDocumentClient;
let clock = '2027-05-31T23:20:00.000Z';
const RUN_AT = new Date('2027-06-01T01:05:00.000Z');

/** The same client, except that the given command fails once `limit` of them went through (a crash). */
function cutOffAfter(commandName: string, limit: number): DynamoDBDocumentClient {
  let sent = 0;
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }) => {
        if (command.constructor.name === commandName && ++sent > limit) {
          return Promise.reject(new Error('the run was cut off'));
        }
        return target.send(command as never);
      };
    },
  });
}

function runCutOff(commandName: string, limit: number) {
  const context = { doc: cutOffAfter(commandName, limit), table: portal.portal.tableName };
  return runHourlyCheck(hourlyCheckPortsFor(context), {
    requested: RUN_AT,
    real: RUN_AT,
    honourRequested: true,
  });
}

const license = async (id: string) => (await portal.call('GET', `/v1/licenses/${id}`, { token })).body;

beforeAll(async () => {
  portal = await startTestPortal();
  setClock(() => new Date(clock));
  doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
  account = await portal.createAccount('Interrupted Co');
  token = account.admin.token;
  const server = await portal.issueLicense(account.accountId, 'Altium NEXUS Server', 1, {
    validFrom: '2027-01-01T00:00:00Z',
  });
  cal = await portal.issueLicense(account.accountId, CAL, 20, { validFrom: '2027-01-01T00:00:00Z' });
  // Ends at midnight after the month's last day, before the run: its sessions end with it.
  shortCal = await portal.issueLicense(account.accountId, CAL, 2, {
    validFrom: '2027-05-01T00:00:00Z',
    termMonths: 1,
  });
  expect(shortCal.validUntil).toBe('2027-06-01T00:00:00.000Z');
  const serverId = (await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-cut' } })).body
    .serverId;
  await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
    token,
    body: { licenseIds: [server.licenseId, cal.licenseId] },
  });
  for (let i = 1; i <= MACHINES; i++) {
    const res = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
      token,
      body: {
        userId: account.member.userId,
        machineId: `PC-${i}`,
        client: 'browser',
        licenseId: i <= 2 ? shortCal.licenseId : cal.licenseId,
      },
    });
    expect(res.status).toBe(201);
  }
  clock = '2027-06-01T01:30:00.000Z';
});
afterAll(async () => {
  setClock(null);
  doc?.destroy();
  await portal?.stop();
});

describe('an interrupted hourly check', () => {
  it('is finished by the next run, which ends in the state of one uninterrupted run', async () => {
    expect((await license(cal.licenseId)).used).toBe(MACHINES - 2);
    expect((await license(shortCal.licenseId)).used).toBe(2);

    // Cut off after ending three sessions, then again while writing rollups.
    await expect(runCutOff('TransactWriteCommand', 3)).rejects.toThrow('cut off');
    await expect(runCutOff('PutCommand', 0)).rejects.toThrow('cut off');
    const finish = await portal.call('POST', '/v1/ops/hourly-check', {
      token: await portal.operatorToken(),
      body: { now: RUN_AT.toISOString() },
    });
    expect(finish.status).toBe(200);
    expect(finish.body.rollupsWritten).toBeGreaterThan(0);

    // The state one whole run leaves: every seat free, the short CAL counted expired, history rolled up.
    expect((await license(cal.licenseId)).used).toBe(0);
    expect((await license(shortCal.licenseId)).used).toBe(0);
    for (const id of [cal.licenseId, shortCal.licenseId]) {
      expect((await portal.call('GET', `/v1/licenses/${id}/sessions`, { token })).body.sessions).toEqual([]);
    }
    const hour = await portal.call(
      'GET',
      '/v1/reports/usage?from=2027-05-31T23:00:00Z&to=2027-06-01T01:00:00Z&interval=hour',
      { token },
    );
    const row = (licenseId: string, start: string) =>
      hour.body.rows.find((r: any) => r.licenseId === licenseId && r.start === start);
    expect(row(cal.licenseId, '2027-05-31T23:00:00.000Z')).toMatchObject({
      peakSessions: MACHINES - 2,
      sessionsStarted: MACHINES - 2,
      seatHours: 4,
    });
    expect(row(cal.licenseId, '2027-06-01T00:00:00.000Z')).toMatchObject({ peakSessions: 6, seatHours: 6 });
    expect(row(shortCal.licenseId, '2027-05-31T23:00:00.000Z')).toMatchObject({
      peakSessions: 2,
      seatHours: 1.3333,
    });

    // And nothing is left to do: a run at the same time changes nothing.
    const again = await portal.call('POST', '/v1/ops/hourly-check', {
      token: await portal.operatorToken(),
      body: { now: RUN_AT.toISOString() },
    });
    expect(again.body).toEqual({
      expiredLicenses: 0,
      lapsedServers: 0,
      reclaimedSessions: 0,
      endedRoaming: 0,
      rollupsWritten: 0,
      complete: true,
    });
  });
});
