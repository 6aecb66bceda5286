// The account's servers (GET /v1/servers) and live sessions (GET /v1/sessions, the Sessions page) over HTTP: what
// each row says, the filters, the order, and walking every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';
import { registerServer } from '../support/servers.js';

let portal: TestPortal;
let acme: TestAccount;
let other: TestAccount;
let serverLicense: string;
let cal: string;
let design: string;
const ids = { licensed: '', second: '', unlicensed: '', gone: '' };
let designers: string[];

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Lists Co');
  other = await portal.createAccount('Other Lists Co');
  serverLicense = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 5)).licenseId;
  cal = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 20)).licenseId;
  design = (await portal.issueLicense(acme.accountId, 'Altium NEXUS', 20)).licenseId;
  const assigned = await portal.call('POST', `/v1/licenses/${design}/assignments`, {
    token: acme.admin.token,
    body: { role: 'All Users', seats: 'all' },
  });
  expect(assigned.status).toBe(201);
  ids.licensed = await registerServer(portal, acme, 'nexus-a.example', [serverLicense]);
  ids.second = await registerServer(portal, acme, 'nexus-b.example', [serverLicense]);
  ids.unlicensed = await registerServer(portal, acme, 'nexus-c.example');
  ids.gone = await registerServer(portal, acme, 'nexus-gone.example');
  await registerServer(portal, other, 'nexus-other.example');
  designers = await portal.createUserIds(acme.accountId, 2, ['Designers']);
});
afterAll(() => portal?.stop());

async function signIn(serverId: string, userId: string, product?: string) {
  const res = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
    token: acme.admin.token,
    body: {
      userId,
      machineId: 'PC-1',
      client: product ? 'design_client' : 'browser',
      ...(product ? { product } : {}),
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.sessionId as string;
}

/** Every row of a list, page by page with `limit`, in the order the pages gave them. */
async function walk(path: string, items: string, limit: number): Promise<any[]> {
  const rows: any[] = [];
  let nextToken: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const separator = path.includes('?') ? '&' : '?';
    const res: { status: number; text: string; body: any } = await portal.call(
      'GET',
      `${path}${separator}limit=${limit}${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`,
      { token: acme.admin.token },
    );
    expect(res.status, res.text).toBe(200);
    rows.push(...res.body[items]);
    nextToken = res.body.nextToken;
    if (nextToken === null) return rows;
  }
  throw new Error(`${path} did not end`);
}

describe('GET /v1/servers', () => {
  it("lists the account's servers with their state, in server id order, and not a server being deleted", async () => {
    expect((await portal.call('DELETE', `/v1/servers/${ids.gone}`, { token: acme.admin.token })).status).toBe(
      204,
    );
    const all = await walk('/v1/servers', 'servers', 100);
    expect(all.map((server) => server.serverId)).toEqual([ids.licensed, ids.second, ids.unlicensed].sort());
    const byId = new Map(all.map((server) => [server.serverId, server]));
    expect(byId.get(ids.licensed)).toEqual({
      serverId: ids.licensed,
      hostName: 'nexus-a.example',
      state: 'licensed',
      createdAt: expect.any(String),
    });
    expect(byId.get(ids.unlicensed)?.state).toBe('unlicensed');
    // The state is the status route's, server by server.
    for (const server of all) {
      const status = await portal.call('GET', `/v1/servers/${server.serverId}/status`, {
        token: acme.admin.token,
      });
      expect(server.state).toBe(status.body.state);
    }
    // Page by page, one at a time: the same servers in the same order.
    expect(await walk('/v1/servers', 'servers', 1)).toEqual(all);
  });
});

describe('GET /v1/sessions', () => {
  let sessions: { id: string; serverId: string; userId: string; licenseId: string }[];

  beforeAll(async () => {
    sessions = [];
    for (const [serverId, userId, product] of [
      [ids.licensed, designers[0], undefined],
      [ids.licensed, designers[1], 'Altium NEXUS'],
      [ids.second, designers[0], 'Altium NEXUS'],
      [ids.second, designers[1], undefined],
      [ids.licensed, acme.member.userId, undefined],
    ] as const) {
      const id = await signIn(serverId, userId as string, product);
      sessions.push({ id, serverId, userId: userId as string, licenseId: product ? design : cal });
    }
  });

  it('lists live sessions newest first, each row saying who, where, with which license and product', async () => {
    const rows = await walk('/v1/sessions', 'sessions', 100);
    expect(rows.map((row) => row.sessionId).sort()).toEqual(sessions.map((s) => s.id).sort());
    const order = [...rows].sort((a, b) =>
      `${b.startedAt}#${b.sessionId}`.localeCompare(`${a.startedAt}#${a.sessionId}`),
    );
    expect(rows).toEqual(order);
    const first = rows.find((row) => row.sessionId === sessions[1]?.id);
    expect(first).toMatchObject({
      serverId: ids.licensed,
      hostName: 'nexus-a.example',
      userId: designers[1],
      email: expect.stringMatching(/@example\.com$/),
      licenseId: design,
      product: 'Altium NEXUS',
      clients: ['design_client'],
      machineId: 'PC-1',
      roamingUntil: null,
    });
    expect(first.durationSeconds).toBeGreaterThanOrEqual(0);
    // Pages of two: the same rows in the same order.
    expect((await walk('/v1/sessions', 'sessions', 2)).map((row) => row.sessionId)).toEqual(
      rows.map((row) => row.sessionId),
    );
  });

  it.each([
    ['serverId', () => ids.second, (s: { serverId: string }) => s.serverId === ids.second],
    ['userId', () => designers[0] as string, (s: { userId: string }) => s.userId === designers[0]],
    ['licenseId', () => design, (s: { licenseId: string }) => s.licenseId === design],
  ] as const)('keeps only the sessions of one %s, on every page', async (name, value, keep) => {
    const rows = await walk(`/v1/sessions?${name}=${value()}`, 'sessions', 1);
    expect(rows.map((row) => row.sessionId).sort()).toEqual(
      sessions
        .filter((s) => keep(s as never))
        .map((s) => s.id)
        .sort(),
    );
  });

  it('combines filters, and an unknown id keeps nothing', async () => {
    const rows = await walk(`/v1/sessions?serverId=${ids.licensed}&licenseId=${cal}`, 'sessions', 100);
    expect(rows.map((row) => row.sessionId).sort()).toEqual(
      sessions
        .filter((s) => s.serverId === ids.licensed && s.licenseId === cal)
        .map((s) => s.id)
        .sort(),
    );
    expect(await walk('/v1/sessions?serverId=srv_unknown', 'sessions', 100)).toEqual([]);
  });

  it('drops an ended session at once, and shows no other account its sessions', async () => {
    const ended = sessions[0]?.id as string;
    expect((await portal.call('DELETE', `/v1/sessions/${ended}`, { token: acme.admin.token })).status).toBe(
      204,
    );
    const rows = await walk('/v1/sessions', 'sessions', 100);
    expect(rows.map((row) => row.sessionId)).not.toContain(ended);
    const theirs = await portal.call('GET', '/v1/sessions', { token: other.admin.token });
    expect(theirs.body).toEqual({ sessions: [], nextToken: null });
  });

  it('refuses bad filters and limits with 400', async () => {
    for (const query of ['limit=0', 'limit=101', 'serverId=', 'serverId=a%01b', 'colour=blue']) {
      const res = await portal.call('GET', `/v1/sessions?${query}`, { token: acme.admin.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });
});
