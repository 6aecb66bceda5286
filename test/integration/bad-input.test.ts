// Every route against bad input: the documented 4xx with the error shape, never a 5xx, and nothing written.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RouteSpec, routeKeyOf, routeList } from '../../functions/api/routes.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { BAD_STRINGS, INVALID_UTF8 } from '../support/bad-text.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let account: TestAccount;
let operator: string;
let ids: Record<string, string>;

async function snapshot(): Promise<string> {
  const doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: portal.portal.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  doc.destroy();
  return JSON.stringify(items.map((item) => JSON.stringify(item)).sort());
}

function tokenFor(spec: RouteSpec): string | null {
  if (spec.access === 'operator') return operator;
  if (spec.access === 'public') return null;
  return account.admin.token;
}

function pathWith(spec: RouteSpec, values: Record<string, string>): string {
  return spec.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? ids[name] ?? 'x'),
  );
}

beforeAll(async () => {
  portal = await startTestPortal();
  account = await portal.createAccount('Fuzz');
  operator = await portal.operatorToken();
  const cal = await portal.issueLicense(account.accountId, 'Altium NEXUS Server CAL', 2);
  ids = {
    accountId: account.accountId,
    licenseId: cal.licenseId,
    serverId: 'srv_unknown',
    sessionId: 'ses_unknown',
    activationId: 'act_unknown',
    assignmentId: 'asg_unknown',
    // The account's only administrator: a random PATCH may rename it, never demote or disable it (last_admin).
    userId: account.admin.userId,
  };
});
afterAll(() => portal?.stop());

const jsonRoutes = routeList.filter((spec) => spec.bodyType === 'json');

describe('malformed bodies on every JSON route', () => {
  it.each(jsonRoutes.map((spec) => [`${spec.method} ${spec.path}`, spec] as const))(
    '%s: malformed JSON, wrong content-type, oversized body and unknown fields are refused and write nothing',
    async (_name, spec) => {
      const token = tokenFor(spec);
      const path = pathWith(spec, {});
      const before = await snapshot();
      const malformed = await portal.call(spec.method, path, {
        token,
        rawBody: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('invalid_request');
      expect(typeof malformed.body.error.message).toBe('string');

      const wrongType = await portal.call(spec.method, path, {
        token,
        rawBody: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.error.code).toBe('unsupported_media_type');

      const huge = await portal.call(spec.method, path, {
        token,
        rawBody: JSON.stringify({ padding: 'x'.repeat(300 * 1024) }),
        headers: { 'content-type': 'application/json' },
      });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');

      const unknown = await portal.call(spec.method, path, { token, body: { surpriseField: 1 } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('invalid_request');
      expect(unknown.body.error.message).toMatch(/surpriseField|missing/);

      expect(await snapshot()).toBe(before);
    },
  );
});

describe('bad path and query values', () => {
  const withParams = routeList.filter((spec) => spec.path.includes('{'));
  it.each(withParams.map((spec) => [`${spec.method} ${spec.path}`, spec] as const))(
    '%s: a path value with control characters or over 128 characters is a 400',
    async (_name, spec) => {
      const names = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      for (const bad of ['a\u0001b', 'x'.repeat(200)]) {
        const values = Object.fromEntries(names.map((n) => [n, bad]));
        const res = await portal.call(spec.method, pathWith(spec, values), {
          token: tokenFor(spec),
          ...(spec.bodyType === 'json' ? { body: {} } : {}),
          ...(spec.bodyType === 'text' ? { rawBody: 'x', headers: { 'content-type': 'text/plain' } } : {}),
        });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
      }
    },
  );

  it('refuses bad limits, unknown enum values and unknown query parameters on the license list', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'validOnly=yes',
      'colour=blue',
      'limit=1&limit=2',
    ]) {
      const res = await portal.call('GET', `/v1/licenses?${query}`, { token: account.member.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });
});

describe('blank names', () => {
  it('a host name, a role or a machine of spaces only is a 400 saying so, writing nothing', async () => {
    const before = await snapshot();
    for (const [path, body] of [
      ['/v1/servers', { hostName: '   ' }],
      [`/v1/licenses/${ids.licenseId}/assignments`, { role: ' ', seats: 1 }],
      ['/v1/users', { email: 'blank@example.com', password: 'a-long-password', roles: ['  '] }],
    ] as const) {
      const res = await portal.call('POST', path, { token: account.admin.token, body });
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expect(res.body.error.message).toContain('must not be blank');
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('unknown query parameters on every route', () => {
  it('are a 400 invalid_request naming the parameter, on routes that take a query and those that take none, writing nothing', async () => {
    const before = await snapshot();
    const bodies = sampleBodies();
    for (const spec of routeList) {
      const path = `${pathWith(spec, {})}?colour=blue`;
      const res = await portal.call(spec.method, path, {
        token: tokenFor(spec),
        ...(spec.bodyType === 'json' ? { body: bodies.get(routeKeyOf(spec)) ?? {} } : {}),
        ...(spec.bodyType === 'text' ? { rawBody: 'x', headers: { 'content-type': 'text/plain' } } : {}),
      });
      const name = `${spec.method} ${path}`;
      expect(res.status, `${name}: ${res.text}`).toBe(400);
      expect(res.body.error.code, name).toBe('invalid_request');
      if (spec.method === 'GET') expect(res.body.error.message, name).toContain('colour');
    }
    expect(await snapshot()).toBe(before);
  });
});

/** The sample body of each JSON route (events/http), whose string fields the text checks below spoil one by one. */
function sampleBodies(): Map<string, Record<string, unknown>> {
  const bodies = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync('events/http')) {
    const event = JSON.parse(readFileSync(join('events/http', file), 'utf8'));
    if (event.body && !bodies.has(event.routeKey)) {
      try {
        bodies.set(event.routeKey, JSON.parse(event.body));
      } catch {
        // a text body (the .alf import)
      }
    }
  }
  return bodies;
}

/** The body with its string field `name` (or the first string of array `name`) set to `value`. */
function spoil(body: Record<string, unknown>, name: string, value: string): Record<string, unknown> {
  const current = body[name];
  return { ...body, [name]: Array.isArray(current) ? [value, ...current.slice(1)] : value };
}

describe('bad text in every string field of every JSON route', () => {
  const bodies = sampleBodies();
  const cases = routeList
    .filter((spec) => spec.bodyType === 'json')
    .flatMap((spec) => {
      const body = bodies.get(routeKeyOf(spec)) ?? {};
      return Object.entries(body)
        .filter(
          ([, value]) => typeof value === 'string' || (Array.isArray(value) && typeof value[0] === 'string'),
        )
        .map(([field]) => [`${spec.method} ${spec.path} ${field}`, spec, body, field] as const);
    });

  it('has string fields to spoil on most JSON routes', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases)(
    '%s: each forbidden kind of text and invalid UTF-8 → 400, nothing written',
    async (_name, spec, body, field) => {
      const before = await snapshot();
      const attempts: [string, string | Buffer][] = BAD_STRINGS.map(([kind, bad]) => [
        kind,
        JSON.stringify(spoil(body, field, bad)),
      ]);
      for (const [kind, bytes] of INVALID_UTF8) {
        const [head, tail] = JSON.stringify(spoil(body, field, 'caf@@')).split('@@');
        attempts.push([
          kind,
          Buffer.concat([Buffer.from(head ?? ''), Buffer.from(bytes), Buffer.from(tail ?? '')]),
        ]);
      }
      for (const [kind, rawBody] of attempts) {
        const res = await portal.call(spec.method, pathWith(spec, {}), {
          token: tokenFor(spec),
          rawBody,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status, `${kind}: ${res.text}`).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
      }
      expect(await snapshot()).toBe(before);
    },
  );
});

/** Stands in a generated body for bytes that are not UTF-8, put in place when the body is sent. */
const INVALID_BYTES = '@@not-utf-8@@';

describe('random bodies (property)', () => {
  it('never answers 5xx, always answers errors in the documented shape, and bad input writes nothing', async () => {
    // Bad text (API.md "Text") and bytes that are not UTF-8: where they appear, the answer is 4xx and nothing
    // changes, whatever else the body holds.
    const badText = fc.constantFrom(...BAD_STRINGS.map(([, bad]) => bad), `caf${INVALID_BYTES}`);
    const value = fc.oneof(
      badText,
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('all', 'Altium NEXUS Server CAL', '2026-01-01T00:00:00Z', 'browser', 'x\u0000y', ''),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    );
    const fieldNames = fc.constantFrom(
      'name',
      'email',
      'password',
      'roles',
      'admin',
      'product',
      'seats',
      'validFrom',
      'termMonths',
      'now',
      'hostName',
      'hostId',
      'licenseIds',
      'userId',
      'machineId',
      'client',
      'licenseId',
      'days',
      'role',
      'automaticLeasing',
      'allowRoaming',
      'autoAssignAllUsers',
      'username',
      'disabled',
    );
    const body = fc.oneof(
      fc.dictionary(fieldNames, value, { maxKeys: 5 }),
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ maxLength: 30 }),
    );
    const routesToHit = routeList.filter((spec) => spec.bodyType === 'json');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routesToHit),
        body,
        fc.constantFrom(...INVALID_UTF8.map(([, bytes]) => bytes)),
        async (spec, randomBody, invalid) => {
          const before = await snapshot();
          const text = typeof randomBody === 'string' ? randomBody : JSON.stringify(randomBody);
          const rawBody = Buffer.concat(
            text
              .split(INVALID_BYTES)
              .flatMap((part, i) => (i ? [Buffer.from(invalid), Buffer.from(part)] : [Buffer.from(part)])),
          );
          const bad =
            text.includes(INVALID_BYTES) ||
            BAD_STRINGS.some(([, value]) => text.includes(JSON.stringify(value).slice(1, -1)));
          const res = await portal.call(spec.method, pathWith(spec, {}), {
            token: tokenFor(spec),
            rawBody,
            headers: { 'content-type': 'application/json' },
          });
          const what = `${spec.method} ${spec.path} ${text} -> ${res.text}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400) {
            expect(Object.keys(res.body)).toEqual(['error']);
            expect(res.body.error.code).toMatch(/^[a-z_]+$/);
            expect(res.body.error.message.length).toBeGreaterThan(0);
          }
          if (bad) expect(res.status, what).toBeGreaterThanOrEqual(400);
          if (bad || res.status === 400 || res.status === 413 || res.status === 415) {
            expect(await snapshot()).toBe(before);
          }
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });
});

describe('random query strings (property)', () => {
  it('never answers 5xx on the routes that take a query, and answers errors in the documented shape', async () => {
    const withQuery = routeList.filter((spec) => spec.query);
    const names = fc.constantFrom(
      'limit',
      'nextToken',
      'product',
      'validOnly',
      'from',
      'to',
      'interval',
      'licenseId',
      'role',
      'format',
      'email',
      'action',
      'x',
    );
    const values = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer({ min: -5, max: 500 }).map(String),
      fc.constantFrom(
        'true',
        'hour',
        'day',
        'csv',
        'user.created',
        '2026-11-01T00:00:00Z',
        '2026-11-02T00:00:00Z',
        '2020-01-01T00:00:00Z',
        '',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withQuery),
        fc.dictionary(names, values, { maxKeys: 5 }),
        async (spec, query) => {
          const search = new URLSearchParams(query).toString();
          const res = await portal.call(spec.method, `${pathWith(spec, {})}?${search}`, {
            token: tokenFor(spec),
          });
          expect(res.status, `${spec.method} ${spec.path}?${search} -> ${res.text}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(Object.keys(res.body)).toEqual(['error']);
            expect(res.body.error.code).toMatch(/^[a-z_]+$/);
          }
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });
});
