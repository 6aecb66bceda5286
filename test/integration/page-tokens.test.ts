// Page tokens on every paged list (API.md "Conventions"): a token the portal did not issue for that list, account
// and filter — crafted, edited, foreign, from another list or filter — is 400 invalid_request, never a 500 and
// never another list's items; the tokens it did issue walk the whole list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteSpec, routeList } from '../../functions/api/routes.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let acme: TestAccount;
let other: TestAccount;
let cal: string;
let design: string;
let otherCal: string;
let serverId: string;
let secondServerId: string;
let otherServerId: string;
let operator: string;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

interface PagedList {
  name: string;
  /** The list's path for the account's administrator. */
  path: () => string;
  items: string;
  /** The same list with another filter, or null when it has none. */
  otherFilter: (() => string) | null;
  token: () => string;
  /** The same list of the other account, and who reads it (default: the path with the other CAL, its admin). */
  foreign?: () => { path: string; token: string };
}

const lists: PagedList[] = [
  {
    name: 'GET /v1/licenses',
    path: () => '/v1/licenses',
    items: 'licenses',
    otherFilter: () => '/v1/licenses?product=cal',
    token: () => acme.admin.token,
  },
  {
    name: 'GET /v1/licenses/{id}/sessions',
    path: () => `/v1/licenses/${cal}/sessions`,
    items: 'sessions',
    otherFilter: () => `/v1/licenses/${design}/sessions`,
    token: () => acme.admin.token,
  },
  {
    name: 'GET /v1/licenses/{id}/assignments',
    path: () => `/v1/licenses/${cal}/assignments`,
    items: 'assignments',
    otherFilter: () => `/v1/licenses/${design}/assignments`,
    token: () => acme.admin.token,
  },
  {
    name: 'GET /v1/servers',
    path: () => '/v1/servers',
    items: 'servers',
    otherFilter: null,
    token: () => acme.admin.token,
  },
  {
    name: 'GET /v1/sessions',
    path: () => '/v1/sessions',
    items: 'sessions',
    otherFilter: () => `/v1/sessions?serverId=${serverId}`,
    token: () => acme.admin.token,
  },
  {
    name: 'GET /v1/servers/{id}/credentials',
    path: () => `/v1/servers/${serverId}/credentials`,
    items: 'credentials',
    otherFilter: () => `/v1/servers/${secondServerId}/credentials`,
    token: () => acme.admin.token,
    foreign: () => ({ path: `/v1/servers/${otherServerId}/credentials`, token: other.admin.token }),
  },
  {
    name: 'GET /v1/users',
    path: () => '/v1/users',
    items: 'users',
    otherFilter: () => '/v1/users?email=example',
    token: () => acme.admin.token,
  },
  {
    name: 'GET /v1/accounts/{accountId}/users',
    path: () => `/v1/accounts/${acme.accountId}/users`,
    items: 'users',
    otherFilter: () => `/v1/accounts/${acme.accountId}/users?email=example`,
    token: () => operator,
    foreign: () => ({ path: `/v1/accounts/${other.accountId}/users`, token: operator }),
  },
  {
    name: 'GET /v1/audit',
    path: () => '/v1/audit',
    items: 'events',
    otherFilter: () => '/v1/audit?action=user.created',
    token: () => acme.admin.token,
  },
  {
    name: 'GET /v1/accounts/{accountId}/audit',
    path: () => `/v1/accounts/${acme.accountId}/audit`,
    items: 'events',
    otherFilter: () => `/v1/accounts/${acme.accountId}/audit?action=user.created`,
    token: () => operator,
    foreign: () => ({ path: `/v1/accounts/${other.accountId}/audit`, token: operator }),
  },
];

function withToken(path: string, token: string, limit = 1): string {
  return `${path}${path.includes('?') ? '&' : '?'}limit=${limit}&nextToken=${encodeURIComponent(token)}`;
}

async function page(path: string, token: string, nextToken?: string) {
  return portal.call(
    'GET',
    nextToken ? withToken(path, nextToken) : `${path}${path.includes('?') ? '&' : '?'}limit=1`,
    {
      token,
    },
  );
}

async function firstToken(list: PagedList): Promise<string> {
  const res = await page(list.path(), list.token());
  expect(res.status, res.text).toBe(200);
  expect(res.body.nextToken, `${list.name} needs a second page`).toEqual(expect.any(String));
  return res.body.nextToken;
}

function expectRefused(res: { status: number; body: any; text: string }, what: string) {
  expect(res.status, `${what}: ${res.text}`).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.message).toMatch(/nextToken/);
}

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Paged Co');
  other = await portal.createAccount('Foreign Co');
  operator = await portal.operatorToken();
  cal = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 10)).licenseId;
  design = (await portal.issueLicense(acme.accountId, 'Altium NEXUS', 5)).licenseId;
  const server = (await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 2)).licenseId;
  otherCal = (await portal.issueLicense(other.accountId, 'Altium NEXUS Server CAL', 10)).licenseId;
  await portal.issueLicense(other.accountId, 'Altium NEXUS Server CAL', 10);
  const token = acme.admin.token;
  for (const role of ['Designers', 'Librarians']) {
    for (const licenseId of [cal, design]) {
      const res = await portal.call('POST', `/v1/licenses/${licenseId}/assignments`, {
        token,
        body: { role, seats: 1 },
      });
      expect(res.status, res.text).toBe(201);
    }
  }
  const registered = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-paged' } });
  serverId = registered.body.serverId;
  const second = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'nexus-paged-2' } });
  secondServerId = second.body.serverId;
  const foreign = await portal.call('POST', '/v1/servers', {
    token: other.admin.token,
    body: { hostName: 'nexus-foreign' },
  });
  otherServerId = foreign.body.serverId;
  for (const id of [serverId, serverId, secondServerId, secondServerId]) {
    expect((await portal.call('POST', `/v1/servers/${id}/credentials`, { token })).status).toBe(201);
  }
  const acquired = await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
    token,
    body: { licenseIds: [server, cal, design] },
  });
  expect(acquired.status, acquired.text).toBe(201);
  const users = await portal.createUserIds(acme.accountId, 3, ['Designers']);
  for (const userId of users) {
    for (const product of ['Altium NEXUS Server CAL', 'Altium NEXUS']) {
      const signIn = await portal.call('POST', `/v1/servers/${serverId}/sessions`, {
        token,
        body: { userId, machineId: 'PC-1', client: 'design_client', product },
      });
      expect(signIn.status, signIn.text).toBe(201);
    }
  }
});
afterAll(() => portal?.stop());

describe('the paged lists are the ones the route table pages', () => {
  it('covers every route that takes a nextToken', () => {
    const paged = routeList.filter((spec: RouteSpec) => {
      const shape = (spec.query as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod
        ?.def?.shape;
      return shape !== undefined && 'nextToken' in shape;
    });
    expect(
      paged.map((spec) => `${spec.method} ${spec.path.replace(/\{(licenseId|serverId)\}/, '{id}')}`).sort(),
    ).toEqual(lists.map((list) => list.name).sort());
  });
});

describe.each(lists)('$name', (list) => {
  it('walks the whole list with the tokens it issued, each item once', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const res = await page(list.path(), list.token(), nextToken);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body[list.items].map((item: unknown) => JSON.stringify(item)));
      if (res.body.nextToken === null) break;
      nextToken = res.body.nextToken;
    }
    const all = await portal.call('GET', `${list.path()}${list.path().includes('?') ? '&' : '?'}limit=100`, {
      token: list.token(),
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(all.body[list.items].length);
  });

  it.each([
    ['only a partition key', (accountId: string) => b64({ pk: `ACCOUNT#${accountId}` })],
    [
      "another entity's sort key",
      (accountId: string) => b64({ pk: `ACCOUNT#${accountId}`, sk: 'USER#usr_1' }),
    ],
    ['a number', () => b64(5)],
    ['a string', () => b64('CATALOG#LICENSE#')],
    ['null', () => b64(null)],
    [
      'extra attributes',
      (accountId: string) => b64({ pk: `ACCOUNT#${accountId}`, sk: 'CATALOG#LICENSE#x', admin: true, n: 1 }),
    ],
    ['not base64 JSON at all', () => 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['one character', () => 'x'],
  ])('refuses a crafted token: %s', async (_kind, craft) => {
    expectRefused(await page(list.path(), list.token(), craft(acme.accountId)), list.name);
  });

  it('refuses an edited token (its key or its signature changed)', async () => {
    const token = await firstToken(list);
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    expectRefused(await page(list.path(), list.token(), flip(token, 3)), 'key edited');
    expectRefused(await page(list.path(), list.token(), flip(token, token.length - 2)), 'signature edited');
    expectRefused(await page(list.path(), list.token(), token.slice(0, -1)), 'cut short');
    expectRefused(await page(list.path(), list.token(), `${token}A`), 'made longer');
  });

  it('refuses a token of another list', async () => {
    const token = await firstToken(list);
    for (const another of lists.filter((candidate) => candidate !== list)) {
      expectRefused(await page(another.path(), another.token(), token), `${list.name} on ${another.name}`);
    }
  });

  it('refuses a token of the same list with another filter', async () => {
    const otherFilter = list.otherFilter;
    if (!otherFilter) return;
    expectRefused(await page(otherFilter(), list.token(), await firstToken(list)), 'another filter');
  });

  it("refuses another account's token, and shows none of that account's items", async () => {
    const { path: foreignPath, token: foreignToken } = list.foreign?.() ?? {
      path: list.path().replace(cal, otherCal),
      token: other.admin.token,
    };
    const foreign = await page(foreignPath, foreignToken);
    expect(foreign.status, foreign.text).toBe(200);
    if (foreign.body.nextToken) {
      expectRefused(await page(list.path(), list.token(), foreign.body.nextToken), 'foreign token');
    }
    // And ours on their list: refused before anything of theirs is read.
    const ours = await firstToken(list);
    const res = await page(foreignPath, foreignToken, ours);
    expectRefused(res, 'our token on their list');
  });
});

describe('validOnly and product are part of the filter', () => {
  it('refuses a licenses token after validOnly or product changes', async () => {
    const res = await page('/v1/licenses?validOnly=true', acme.admin.token);
    const token = res.body.nextToken as string;
    expect(token).toEqual(expect.any(String));
    expect((await page('/v1/licenses?validOnly=true', acme.admin.token, token)).status).toBe(200);
    expectRefused(await page('/v1/licenses', acme.admin.token, token), 'validOnly dropped');
    expectRefused(await page('/v1/licenses?validOnly=false', acme.admin.token, token), 'validOnly false');
    expectRefused(
      await page('/v1/licenses?validOnly=true&product=nexus', acme.admin.token, token),
      'product added',
    );
  });
});
