// Who may call what, for every route of the route table: 401 without a token, 403 for the wrong kind of caller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteSpec, routeList } from '../../functions/api/routes.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let account: TestAccount;
let operator: string;

beforeAll(async () => {
  portal = await startTestPortal();
  account = await portal.createAccount('Access');
  operator = await portal.operatorToken();
});
afterAll(() => portal?.stop());

function requestFor(spec: RouteSpec, token: string | null) {
  const path = spec.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === 'accountId' ? account.accountId : 'id_1',
  );
  return portal.call(spec.method, path, {
    token,
    ...(spec.bodyType === 'json' ? { body: {} } : {}),
    ...(spec.bodyType === 'text' ? { rawBody: 'x', headers: { 'content-type': 'text/plain' } } : {}),
  });
}

const guarded = routeList.filter((spec) => spec.access !== 'public');
const name = (spec: RouteSpec) => `${spec.method} ${spec.path}`;

describe('authentication', () => {
  it.each(guarded.map((spec) => [name(spec), spec] as const))(
    '%s without a token -> 401',
    async (_n, spec) => {
      const res = await requestFor(spec, null);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    },
  );
});

describe('authorization', () => {
  const operatorOnly = guarded.filter((spec) => spec.access === 'operator');
  const accountRoutes = guarded.filter((spec) => spec.access === 'user' || spec.access === 'admin');
  const adminOnly = guarded.filter((spec) => spec.access === 'admin');

  it.each(operatorOnly.map((spec) => [name(spec), spec] as const))(
    '%s with an account administrator token -> 403',
    async (_n, spec) => {
      const res = await requestFor(spec, account.admin.token);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    },
  );

  it.each(accountRoutes.map((spec) => [name(spec), spec] as const))(
    '%s with the operator token -> 403',
    async (_n, spec) => {
      const res = await requestFor(spec, operator);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    },
  );

  it.each(adminOnly.map((spec) => [name(spec), spec] as const))(
    '%s with a member (not administrator) token -> 403',
    async (_n, spec) => {
      const res = await requestFor(spec, account.member.token);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    },
  );
});
