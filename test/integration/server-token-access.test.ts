// A NEXUS server's own token on every route of the route table, for its own server and for another server of the
// same account (API.md "A server token acts for its own server only"): generated from the table's serverToken
// flag, so a new route is in the matrix the moment it is in the table.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteId, type RouteSpec, routeList } from '../../functions/api/routes.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';
import { auditRecords, createCredential, registerServer, serverToken } from '../support/servers.js';

let portal: TestPortal;
let acme: TestAccount;
let cal: string;
let design: string;
let alf: string;
let secret: string;
let token: string;
const servers = { own: '', another: '' };

type Which = keyof typeof servers;
interface Request {
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Matrix Co');
  const serverLicense = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 2)).licenseId;
  cal = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 100)).licenseId;
  design = (await portal.issueLicense(acme.accountId, 'Altium NEXUS', 100)).licenseId;
  // The design license's own All Users assignment allows roaming (a second "all" assignment would make the
  // seat order pick either one, by assignmentId).
  const [auto] = (await portal.call('GET', `/v1/licenses/${design}/assignments`, { token: acme.admin.token }))
    .body.assignments;
  const roaming = await portal.call('PUT', `/v1/licenses/${design}/assignments/${auto.assignmentId}`, {
    token: acme.admin.token,
    body: { role: 'All Users', seats: 'all', allowRoaming: true },
  });
  expect(roaming.status).toBe(200);
  servers.own = await registerServer(portal, acme, 'nexus-own', [serverLicense]);
  servers.another = await registerServer(portal, acme, 'nexus-another', [serverLicense]);
  const activation = await portal.call('POST', `/v1/licenses/${design}/activations`, {
    token: acme.admin.token,
    body: { hostId: 'HOST-MATRIX' },
  });
  alf = activation.body.alf;
  secret = (await createCredential(portal, acme, servers.own)).secret;
  token = await serverToken(portal, secret);
});
afterAll(() => portal?.stop());

/** A live session on the server, signed in by the administrator (a CAL seat, or a design seat that may roam). */
async function sessionOn(serverId: string, product?: 'Altium NEXUS'): Promise<string> {
  const res = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
    token: acme.admin.token,
    body: {
      userId: acme.member.userId,
      machineId: `PC-${randomUUID()}`,
      client: product ? 'design_client' : 'browser',
      ...(product ? { product } : {}),
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.sessionId;
}

/**
 * A request each route a server token may call (or a public one) answers with success, for the given server.
 * Every route with a serverToken flag must have one (checked below), so the matrix cannot skip a route.
 */
const valid: Partial<Record<RouteId, (serverId: string) => Promise<Request>>> = {
  health: async () => ({ path: '/health' }),
  openapi: async () => ({ path: '/openapi.json' }),
  listKeys: async () => ({ path: '/v1/keys' }),
  issueToken: async () => ({
    path: '/v1/auth/token',
    body: { username: acme.admin.email, password: acme.admin.password },
  }),
  issueServerToken: async () => ({ path: '/v1/auth/server-token', body: { secret } }),
  listLicenses: async () => ({ path: '/v1/licenses' }),
  getLicense: async () => ({ path: `/v1/licenses/${cal}` }),
  serverStatus: async (serverId) => ({ path: `/v1/servers/${serverId}/status` }),
  acquireLicenses: async (serverId) => ({
    path: `/v1/servers/${serverId}/acquisitions`,
    body: { licenseIds: [cal] },
  }),
  importLicenseFile: async (serverId) => ({
    path: `/v1/servers/${serverId}/license-files`,
    rawBody: alf,
    headers: { 'content-type': 'text/plain' },
  }),
  signIn: async (serverId) => ({
    path: `/v1/servers/${serverId}/sessions`,
    body: { userId: acme.member.userId, machineId: `PC-${randomUUID()}`, client: 'browser' },
  }),
  heartbeat: async (serverId) => ({ path: `/v1/sessions/${await sessionOn(serverId)}/heartbeat`, body: {} }),
  endSession: async (serverId) => ({ path: `/v1/sessions/${await sessionOn(serverId)}` }),
  startRoaming: async (serverId) => ({
    path: `/v1/sessions/${await sessionOn(serverId, 'Altium NEXUS')}/roaming`,
    body: { days: 3 },
  }),
  endRoaming: async (serverId) => {
    const sessionId = await sessionOn(serverId, 'Altium NEXUS');
    const roamed = await portal.call('POST', `/v1/sessions/${sessionId}/roaming`, {
      token: acme.admin.token,
      body: { days: 3 },
    });
    expect(roamed.status).toBe(200);
    return { path: `/v1/sessions/${sessionId}/roaming` };
  },
};

/** Any request of the route (ids of this account, the given server's where a server is named): for 403s. */
async function anyRequest(spec: RouteSpec, serverId: string): Promise<Request> {
  const sessionId = spec.path.includes('{sessionId}') ? await sessionOn(serverId) : '';
  const values: Record<string, string> = {
    accountId: acme.accountId,
    serverId,
    sessionId,
    licenseId: cal,
    userId: acme.member.userId,
  };
  return {
    path: spec.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'id_1'),
    ...(spec.bodyType === 'json' ? { body: {} } : {}),
    ...(spec.bodyType === 'text' ? { rawBody: 'x', headers: { 'content-type': 'text/plain' } } : {}),
  };
}

/** What API.md says the server token gets on this route, for its own server or another one. */
function expected(spec: RouteSpec, which: Which): 'success' | 403 | 404 {
  if (spec.access === 'public') return 'success';
  if (!spec.serverToken) return 403;
  if (spec.serverToken === 'account') return 'success';
  return which === 'own' ? 'success' : 404;
}

function successStatuses(spec: RouteSpec): number[] {
  return [spec.success.status, ...Object.keys(spec.success.alsoStatuses ?? {}).map(Number)];
}

describe('the matrix is complete', () => {
  it('has a successful request for every route a server token may call, and for every public route', () => {
    const needed = routeList.filter((spec) => spec.access === 'public' || spec.serverToken);
    expect(needed.filter((spec) => !valid[spec.id]).map((spec) => spec.id)).toEqual([]);
    // The routes of API.md's list are among them.
    expect(needed.map((spec) => spec.id)).toEqual(
      expect.arrayContaining([
        'listLicenses',
        'getLicense',
        'serverStatus',
        'signIn',
        'heartbeat',
        'endRoaming',
      ]),
    );
  });
});

const cases = routeList.flatMap((spec) =>
  (['own', 'another'] as const).map((which) => [`${spec.method} ${spec.path}`, which, spec] as const),
);

describe('a server token on every route', () => {
  it.each(cases)('%s for %s server', async (_name, which, spec) => {
    const outcome = expected(spec, which);
    const serverId = servers[which];
    const build = valid[spec.id];
    const request = outcome === 403 || !build ? await anyRequest(spec, serverId) : await build(serverId);
    const res = await portal.call(spec.method, request.path, {
      token,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.rawBody !== undefined ? { rawBody: request.rawBody } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
    });
    if (outcome === 'success') {
      expect(successStatuses(spec), `${res.status} ${res.text}`).toContain(res.status);
    } else {
      expect(res.status, res.text).toBe(outcome);
      expect(res.body.error.code).toBe(outcome === 403 ? 'forbidden' : 'not_found');
    }
  });
});

describe('what a server token did for its own server', () => {
  it("acts as that server: its sign-ins are on it, and it signs out only its own server's sessions", async () => {
    const signIn = await portal.call('POST', `/v1/servers/${servers.own}/sessions`, {
      token,
      body: { userId: acme.member.userId, machineId: 'PC-OWN', client: 'browser' },
    });
    expect(signIn.status).toBe(201);
    const theirs = await sessionOn(servers.another);
    expect((await portal.call('DELETE', `/v1/sessions/${theirs}`, { token })).status).toBe(404);
    // The other server's session is still live: the administrator's heartbeat finds it.
    const alive = await portal.call('POST', `/v1/sessions/${theirs}/heartbeat`, { token: acme.admin.token });
    expect(alive.status).toBe(200);
    expect((await portal.call('DELETE', `/v1/sessions/${signIn.body.sessionId}`, { token })).status).toBe(
      204,
    );
    const listed = await portal.call('GET', `/v1/sessions?serverId=${servers.own}&limit=100`, {
      token: acme.admin.token,
    });
    expect(listed.body.sessions.map((s: any) => s.sessionId)).not.toContain(signIn.body.sessionId);
    // A server's sign-out is not a Kill Session: nothing of it is in the audit log.
    const records = await auditRecords(portal, acme.accountId);
    expect(records.filter((record) => record.targetId === signIn.body.sessionId)).toEqual([]);
  });
});
