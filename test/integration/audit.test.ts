// The audit log over HTTP on DynamoDB Local (API.md "Audit log"): every change of the kinds this portal logs is
// there once it has answered, exactly once, with its actor and target and never a secret; failed changes leave
// nothing; newest first, filtered, paged, as CSV; operators read any account's log; other accounts see none of it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS } from '../../domain/audit.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const PASSWORD = 'correct-horse-battery';
const NEW_PASSWORD = 'another-long-secret-pw';

let portal: TestPortal;
let acme: TestAccount;
let stranger: TestAccount;
let operator: string;
let started: string;
/** What the changes below must have logged: action, actor and target, in the order they were made. */
const expected: { action: string; actor: { type: string; id: string }; targetId: string }[] = [];
let secrets: string[] = [];

async function events(token: string, query = '', path = '/v1/audit'): Promise<any[]> {
  const found: any[] = [];
  let nextToken: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set('limit', '3');
    if (nextToken) params.set('nextToken', nextToken);
    const page: { status: number; text: string; body: any } = await portal.call('GET', `${path}?${params}`, {
      token,
    });
    expect(page.status, page.text).toBe(200);
    found.push(...page.body.events);
    nextToken = page.body.nextToken;
  } while (nextToken);
  return found;
}

beforeAll(async () => {
  portal = await startTestPortal();
  operator = await portal.operatorToken();
  started = new Date().toISOString();
  acme = await portal.createAccount('Audited Co');
  stranger = await portal.createAccount('Stranger Co');
  const asOperator = { type: 'operator', id: 'operator' };
  const asAdmin = { type: 'user', id: acme.admin.userId };
  expected.push(
    { action: 'user.created', actor: asOperator, targetId: acme.admin.userId },
    { action: 'user.created', actor: asOperator, targetId: acme.member.userId },
  );
  const token = acme.admin.token;

  const cal = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 5);
  expected.push({ action: 'license.issued', actor: asOperator, targetId: cal.licenseId });
  const renewed = await portal.call(
    'POST',
    `/v1/accounts/${acme.accountId}/licenses/${cal.licenseId}/renewals`,
    {
      token: operator,
      body: { termMonths: 6 },
    },
  );
  expect(renewed.status).toBe(200);
  expected.push({ action: 'license.renewed', actor: asOperator, targetId: cal.licenseId });

  const activation = await portal.call('POST', `/v1/licenses/${cal.licenseId}/activations`, {
    token,
    body: { hostId: 'HOST-1', hostName: 'nexus-01' },
    headers: { 'idempotency-key': 'audit-once' },
  });
  expect(activation.status).toBe(201);
  expected.push({ action: 'activation.created', actor: asAdmin, targetId: activation.body.activationId });
  // A retry with the same key hands out the same activation and logs nothing more.
  const retry = await portal.call('POST', `/v1/licenses/${cal.licenseId}/activations`, {
    token,
    body: { hostId: 'HOST-1', hostName: 'nexus-01' },
    headers: { 'idempotency-key': 'audit-once' },
  });
  expect(retry.body.activationId).toBe(activation.body.activationId);
  secrets = [PASSWORD, NEW_PASSWORD, activation.body.alf.split('\n').at(-2) ?? 'Signature:'];

  const base = `/v1/licenses/${cal.licenseId}/assignments`;
  const created = await portal.call('POST', base, { token, body: { role: 'Designers', seats: 2 } });
  expect(created.status).toBe(201);
  const assignmentId = created.body.assignmentId;
  expected.push({ action: 'assignment.created', actor: asAdmin, targetId: assignmentId });
  const replaced = await portal.call('PUT', `${base}/${assignmentId}`, {
    token,
    body: { role: 'Designers', seats: 3 },
  });
  expect(replaced.status).toBe(200);
  expected.push({ action: 'assignment.updated', actor: asAdmin, targetId: assignmentId });
  // Refused changes leave no record.
  const overcommitted = await portal.call('PUT', `${base}/${assignmentId}`, {
    token,
    body: { role: 'Designers', seats: 6 },
  });
  expect(overcommitted.status).toBe(409);
  expect((await portal.call('DELETE', `${base}/${assignmentId}`, { token })).status).toBe(204);
  expected.push({ action: 'assignment.deleted', actor: asAdmin, targetId: assignmentId });

  const settings = await portal.call('PUT', '/v1/settings/license-manager', {
    token,
    body: { sessionTimeoutMinutes: 15 },
  });
  expect(settings.status).toBe(200);
  expected.push({ action: 'settings.updated', actor: asAdmin, targetId: acme.accountId });

  const user = await portal.call('POST', '/v1/users', {
    token,
    body: { email: `audited-${randomUUID()}@acme.example`, password: NEW_PASSWORD, name: 'Audited' },
  });
  expect(user.status).toBe(201);
  expected.push({ action: 'user.created', actor: asAdmin, targetId: user.body.userId });
  // The last administrator stays, and the refusal leaves no record.
  const last = await portal.call('PATCH', `/v1/users/${acme.admin.userId}`, {
    token,
    body: { admin: false },
  });
  expect(last.status).toBe(409);
  const taken = await portal.call('POST', '/v1/users', {
    token,
    body: { email: acme.member.email, password: NEW_PASSWORD },
  });
  expect(taken.status).toBe(409);
  expect(
    (await portal.call('PATCH', `/v1/users/${user.body.userId}`, { token, body: { admin: true } })).status,
  ).toBe(200);
  expected.push({ action: 'user.updated', actor: asAdmin, targetId: user.body.userId });
  // A patch that changes nothing is no change: not logged.
  expect(
    (await portal.call('PATCH', `/v1/users/${user.body.userId}`, { token, body: { admin: true } })).status,
  ).toBe(200);
  // Another account's administrator cannot change this account's users (404), nor leave a record.
  const foreign = await portal.call('PATCH', `/v1/users/${acme.admin.userId}`, {
    token: stranger.admin.token,
    body: { admin: false },
  });
  expect(foreign.status).toBe(404);
  expect((await portal.call('DELETE', `/v1/users/${user.body.userId}`, { token })).status).toBe(204);
  expected.push({ action: 'user.deleted', actor: asAdmin, targetId: user.body.userId });
});
afterAll(() => portal?.stop());

describe("an account's audit log", () => {
  it('holds every change made, exactly once, with its actor and target, newest first', async () => {
    const log = await events(acme.admin.token);
    const mine = log.filter((event) => event.at >= started);
    // Compared as sets of lines: two changes within one millisecond may list either first.
    const lines = (list: { action: string; actor: unknown; targetId: string }[]) =>
      list.map(({ action, actor, targetId }) => JSON.stringify({ action, actor, targetId })).sort();
    expect(lines(mine)).toEqual(lines(expected));
    expect(new Set(log.map((event) => event.eventId)).size).toBe(log.length);
    const times = log.map((event) => event.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('describes each change without a secret or a password', async () => {
    const log = await events(acme.admin.token);
    const text = JSON.stringify(log);
    for (const secret of secrets) expect(text).not.toContain(secret);
    const byAction = (action: string) => log.filter((event) => event.action === action);
    expect(byAction('user.updated')[0]?.details).toEqual({
      email: expect.stringMatching(/^audited-/),
      changes: { admin: { from: false, to: true } },
    });
    expect(byAction('license.renewed')[0]?.details).toMatchObject({ termMonths: 6 });
    expect(byAction('assignment.updated')[0]?.details).toMatchObject({ role: 'Designers', seats: 3 });
    expect(byAction('activation.created')[0]?.details).toMatchObject({ hostId: 'HOST-1' });
  });

  it('filters by action and by a time range [from, to)', async () => {
    const deleted = await events(acme.admin.token, 'action=assignment.deleted');
    expect(deleted.map((event) => event.action)).toEqual(['assignment.deleted']);
    const all = await events(acme.admin.token);
    const pivot = all[Math.floor(all.length / 2)].at as string;
    const before = await events(acme.admin.token, `to=${encodeURIComponent(pivot)}`);
    const after = await events(acme.admin.token, `from=${encodeURIComponent(pivot)}`);
    expect(before.every((event) => event.at < pivot)).toBe(true);
    expect(after.every((event) => event.at >= pivot)).toBe(true);
    expect(before.length + after.length).toBe(all.length);
    for (const bad of [
      'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'action=user.renamed',
      'from=yesterday',
    ]) {
      const res = await portal.call('GET', `/v1/audit?${bad}`, { token: acme.admin.token });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });

  it('answers the same page as CSV, details as JSON, the next page named in x-next-token', async () => {
    const json = await portal.call('GET', '/v1/audit?limit=4', { token: acme.admin.token });
    const csv = await portal.call('GET', '/v1/audit?limit=4&format=csv', { token: acme.admin.token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('x-next-token')).toEqual(expect.any(String));
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5);
    // The first event's row: its fields in column order, details as JSON (quoted, quotes doubled).
    const first = json.body.events[0];
    const row = lines[1] ?? '';
    expect(
      row.startsWith(`${first.eventId},${first.at},${first.actor.type},${first.actor.id},${first.action},`),
    ).toBe(true);
    const details = row.slice(row.indexOf(',"') + 2, -1).replaceAll('""', '"');
    expect(JSON.parse(details)).toEqual(first.details);
    const next = await portal.call(
      'GET',
      `/v1/audit?limit=4&format=csv&nextToken=${csv.headers.get('x-next-token')}`,
      { token: acme.admin.token },
    );
    const jsonNext = await portal.call('GET', `/v1/audit?limit=4&nextToken=${json.body.nextToken}`, {
      token: acme.admin.token,
    });
    expect(next.status).toBe(200);
    expect(next.text.split('\r\n')[1]?.split(',')[0]).toBe(jsonNext.body.events[0].eventId);
  });
});

describe('who reads which log', () => {
  it('lets operators read any account’s log, and answers 404 for an unknown account', async () => {
    const path = `/v1/accounts/${acme.accountId}/audit`;
    expect(await events(operator, '', path)).toEqual(await events(acme.admin.token));
    const unknown = await portal.call('GET', '/v1/accounts/acc_nosuchaccount/audit', { token: operator });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it("shows another account none of this account's events", async () => {
    const theirs = await events(stranger.admin.token);
    const ours = new Set((await events(acme.admin.token)).map((event) => event.eventId));
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((event) => ours.has(event.eventId))).toEqual([]);
    const targets = new Set(expected.map((event) => event.targetId));
    expect(theirs.filter((event) => targets.has(event.targetId))).toEqual([]);
  });
});
