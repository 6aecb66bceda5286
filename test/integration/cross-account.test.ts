// Another account's ids answer 404 on every route that takes an id, exactly as ids that do not exist,
// and lists never show another account's data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let owner: TestAccount;
let stranger: TestAccount;
const ids: Record<string, string> = {};

beforeAll(async () => {
  portal = await startTestPortal();
  owner = await portal.createAccount('Owner');
  stranger = await portal.createAccount('Stranger');
  const token = owner.admin.token;
  const server = await portal.issueLicense(owner.accountId, 'Altium NEXUS Server', 2);
  const cal = await portal.issueLicense(owner.accountId, 'Altium NEXUS Server CAL', 5);
  const registered = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-01' } });
  expect(registered.status).toBe(201);
  ids.serverId = registered.body.serverId;
  const acquired = await portal.call('POST', `/v1/servers/${ids.serverId}/acquisitions`, {
    token,
    body: { licenseIds: [server.licenseId, cal.licenseId] },
  });
  expect(acquired.status).toBe(201);
  ids.alf = acquired.body.files[0].alf;
  const session = await portal.call('POST', `/v1/servers/${ids.serverId}/sessions`, {
    token,
    body: { userId: owner.member.userId, machineId: 'pc-1', client: 'browser' },
  });
  expect(session.status).toBe(201);
  ids.sessionId = session.body.sessionId;
  const activation = await portal.call('POST', `/v1/licenses/${cal.licenseId}/activations`, {
    token,
    body: { hostId: 'host-1' },
  });
  expect(activation.status).toBe(201);
  ids.activationId = activation.body.activationId;
  const assignments = await portal.call('GET', `/v1/licenses/${cal.licenseId}/assignments`, { token });
  ids.assignmentId = assignments.body.assignments[0].assignmentId;
  ids.licenseId = cal.licenseId;
  ids.serverLicenseId = server.licenseId;
});
afterAll(() => portal?.stop());

const assignmentBody = { role: 'Designers', seats: 1 };
const cases: Array<[string, string, () => string, unknown?]> = [
  ['GET', 'license', () => `/v1/licenses/${ids.licenseId}`],
  ['POST', 'activation', () => `/v1/licenses/${ids.licenseId}/activations`, { hostId: 'h' }],
  ['GET', 'alf download', () => `/v1/activations/${ids.activationId}/alf`],
  ['DELETE', 'server', () => `/v1/servers/${ids.serverId}`],
  ['POST', 'acquisition', () => `/v1/servers/${ids.serverId}/acquisitions`, { licenseIds: ['x'] }],
  ['GET', 'server status', () => `/v1/servers/${ids.serverId}/status`],
  [
    'POST',
    'sign-in',
    () => `/v1/servers/${ids.serverId}/sessions`,
    { userId: 'u', machineId: 'm', client: 'browser' },
  ],
  ['POST', 'heartbeat', () => `/v1/sessions/${ids.sessionId}/heartbeat`],
  ['DELETE', 'kill session', () => `/v1/sessions/${ids.sessionId}`],
  ['POST', 'roaming', () => `/v1/sessions/${ids.sessionId}/roaming`, { days: 1 }],
  ['DELETE', 'roaming end', () => `/v1/sessions/${ids.sessionId}/roaming`],
  ['GET', 'license sessions', () => `/v1/licenses/${ids.licenseId}/sessions`],
  ['GET', 'assignments', () => `/v1/licenses/${ids.licenseId}/assignments`],
  ['POST', 'assignment create', () => `/v1/licenses/${ids.licenseId}/assignments`, assignmentBody],
  [
    'PUT',
    'assignment replace',
    () => `/v1/licenses/${ids.licenseId}/assignments/${ids.assignmentId}`,
    assignmentBody,
  ],
  ['DELETE', 'assignment delete', () => `/v1/licenses/${ids.licenseId}/assignments/${ids.assignmentId}`],
  ['GET', 'user', () => `/v1/users/${owner.member.userId}`],
  ['PATCH', 'user change', () => `/v1/users/${owner.member.userId}`, { disabled: true }],
  ['DELETE', 'user delete', () => `/v1/users/${owner.member.userId}`],
];

describe("another account's ids", () => {
  it.each(cases)('%s %s -> 404 not_found', async (method, _what, path, body) => {
    const res = await portal.call(method, path(), { token: stranger.admin.token, ...(body ? { body } : {}) });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it("a user id of another account cannot sign in on one's own server (404)", async () => {
    const server = await portal.issueLicense(stranger.accountId, 'Altium NEXUS Server', 1);
    await portal.issueLicense(stranger.accountId, 'Altium NEXUS Server CAL', 1);
    const token = stranger.admin.token;
    const registered = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'theirs' } });
    await portal.call('POST', `/v1/servers/${registered.body.serverId}/acquisitions`, {
      token,
      body: { licenseIds: [server.licenseId] },
    });
    const res = await portal.call('POST', `/v1/servers/${registered.body.serverId}/sessions`, {
      token,
      body: { userId: owner.member.userId, machineId: 'pc', client: 'browser' },
    });
    expect(res.status).toBe(404);
  });

  it("an acquisition naming another account's license is a 404 and acquires nothing", async () => {
    const token = stranger.admin.token;
    const registered = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'theirs-2' } });
    const res = await portal.call('POST', `/v1/servers/${registered.body.serverId}/acquisitions`, {
      token,
      body: { licenseIds: [ids.serverLicenseId] },
    });
    expect(res.status).toBe(404);
    const license = await portal.call('GET', `/v1/licenses/${ids.serverLicenseId}`, {
      token: owner.admin.token,
    });
    expect(license.body.used).toBe(1);
  });

  it("importing another account's .alf file is a 400 invalid_license_file", async () => {
    const token = stranger.admin.token;
    const registered = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'theirs-3' } });
    const res = await portal.call('POST', `/v1/servers/${registered.body.serverId}/license-files`, {
      token,
      rawBody: ids.alf,
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_license_file');
  });

  it('lists, roles and reports show only the caller account', async () => {
    const token = stranger.admin.token;
    const licenses = await portal.call('GET', '/v1/licenses', { token });
    expect(licenses.body.licenses.every((l: any) => l.accountId === stranger.accountId)).toBe(true);
    const report = await portal.call(
      'GET',
      `/v1/reports/usage?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date().toISOString()}&interval=hour`,
      { token },
    );
    expect(report.status).toBe(200);
    expect(report.body.rows.some((row: any) => row.licenseId === ids.licenseId)).toBe(false);
    const foreign = await portal.call(
      'GET',
      `/v1/reports/usage?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date().toISOString()}&interval=hour&licenseId=${ids.licenseId}`,
      { token },
    );
    expect(foreign.status).toBe(404);
  });

  it('the owner still sees everything the stranger probed, unchanged', async () => {
    const token = owner.admin.token;
    const status = await portal.call('GET', `/v1/servers/${ids.serverId}/status`, { token });
    expect(status.body.state).toBe('licensed');
    const sessions = await portal.call('GET', `/v1/licenses/${ids.licenseId}/sessions`, { token });
    expect(sessions.body.sessions.map((s: any) => s.sessionId)).toEqual([ids.sessionId]);
    const assignments = await portal.call('GET', `/v1/licenses/${ids.licenseId}/assignments`, { token });
    expect(assignments.body.assignments).toHaveLength(1);
    const member = await portal.call('GET', `/v1/users/${owner.member.userId}`, { token });
    expect(member.body).toMatchObject({ userId: owner.member.userId, disabled: false });
  });

  it("lists only the caller account's users, and its audit log holds none of the other's events", async () => {
    const users = await portal.call('GET', '/v1/users?limit=100', { token: stranger.admin.token });
    expect(users.body.users.map((user: any) => user.userId).sort()).toEqual(
      [stranger.admin.userId, stranger.member.userId].sort(),
    );
    const audit = await portal.call('GET', '/v1/audit?limit=100', { token: stranger.admin.token });
    const owners = new Set([owner.admin.userId, owner.member.userId, ...Object.values(ids)]);
    expect(audit.body.events.length).toBeGreaterThan(0);
    expect(audit.body.events.filter((event: any) => owners.has(event.targetId))).toEqual([]);
    const ownLog = await portal.call('GET', '/v1/audit?limit=100', { token: owner.admin.token });
    const ownIds = new Set(ownLog.body.events.map((event: any) => event.eventId));
    expect(audit.body.events.filter((event: any) => ownIds.has(event.eventId))).toEqual([]);
  });
});
