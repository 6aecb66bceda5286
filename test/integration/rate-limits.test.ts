// Rate limits over HTTP and on the real engine: API.md's login rule (10 failures per username per 15 minutes,
// then 429 with retry-after even for the right password), the activation limit per account, and the counter
// itself (a window that passes, exact under concurrency) with explicit times.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS_PER_ACCOUNT, LOGIN_FAILURES } from '../../domain/rate-limit.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { createRateLimiter } from '../../functions/store/rate-limits.js';
import { startTestPortal, type TestPortal } from '../support/portal.js';

let portal: TestPortal;

beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(() => portal?.stop());

function signIn(username: string, password: string) {
  return portal.call('POST', '/v1/auth/token', { body: { username, password } });
}

function expectLimited(res: { status: number; body: any; headers: Headers }, windowSeconds: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body.error.code).toBe('rate_limited');
  expect(res.body.error.message).toMatch(/retry-after/);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe('POST /v1/auth/token', () => {
  it('after 10 failures for one username, every attempt is 429 with retry-after, the right password too', async () => {
    const account = await portal.createAccount('Throttled Co');
    const username = account.admin.email;
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) {
      const wrong = await signIn(username, `wrong-password-${i}`);
      expect(wrong.status, `failure ${i + 1}`).toBe(401);
    }
    expectLimited(await signIn(username, account.admin.password), LOGIN_FAILURES.windowSeconds);
    expectLimited(await signIn(username.toUpperCase(), 'wrong-again'), LOGIN_FAILURES.windowSeconds);
    // Another username of the same account is not affected, and tokens already issued still work.
    expect((await signIn(account.member.email, account.member.password)).status).toBe(200);
    expect((await portal.call('GET', '/v1/roles', { token: account.admin.token })).status).toBe(200);
  });

  it('counts a right password as no failure', async () => {
    const account = await portal.createAccount('Careful Co');
    for (let i = 0; i < LOGIN_FAILURES.limit + 2; i++) {
      expect((await signIn(account.member.email, account.member.password)).status).toBe(200);
    }
    for (let i = 0; i < LOGIN_FAILURES.limit - 1; i++) {
      expect((await signIn(account.member.email, 'nope')).status).toBe(401);
    }
    expect((await signIn(account.member.email, account.member.password)).status).toBe(200);
  });

  it('treats an unknown username exactly like a known one', async () => {
    const username = `nobody-${randomUUID()}@example.com`;
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) {
      const res = await signIn(username, 'whatever');
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('Wrong username or password; check them and try again.');
    }
    expectLimited(await signIn(username, 'whatever'), LOGIN_FAILURES.windowSeconds);
  });

  it('lets no more than 10 guesses through when they arrive at once', async () => {
    const account = await portal.createAccount('Raced Co');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(account.admin.email, `guess-${i}`)),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(LOGIN_FAILURES.limit);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - LOGIN_FAILURES.limit);
  });
});

describe('activations per account', () => {
  it(`allows ${ACTIVATIONS_PER_ACCOUNT.limit} new files an hour per account, then 429; retries and other accounts go on`, async () => {
    const account = await portal.createAccount('Busy Signer Co');
    const other = await portal.createAccount('Quiet Co');
    const cal = await portal.issueLicense(account.accountId, 'Altium NEXUS Server CAL', 5);
    const otherCal = await portal.issueLicense(other.accountId, 'Altium NEXUS Server CAL', 5);
    const activate = (token: string, licenseId: string, hostId: string, key?: string) =>
      portal.call('POST', `/v1/licenses/${licenseId}/activations`, {
        token,
        body: { hostId },
        ...(key ? { headers: { 'idempotency-key': key } } : {}),
      });
    const first = await activate(account.admin.token, cal.licenseId, 'HOST-0', 'key-0');
    expect(first.status).toBe(201);
    for (let i = 1; i < ACTIVATIONS_PER_ACCOUNT.limit; i++) {
      const res = await activate(account.admin.token, cal.licenseId, `HOST-${i}`);
      expect(res.status, `activation ${i + 1}: ${res.text}`).toBe(201);
    }
    expectLimited(
      await activate(account.admin.token, cal.licenseId, 'HOST-ONE-TOO-MANY'),
      ACTIVATIONS_PER_ACCOUNT.windowSeconds,
    );
    // A retry of an earlier activation signs nothing new: it still answers with the same file.
    const retry = await activate(account.admin.token, cal.licenseId, 'HOST-0', 'key-0');
    expect(retry.status).toBe(201);
    expect(retry.body.alf).toBe(first.body.alf);
    expect((await activate(other.admin.token, otherCal.licenseId, 'HOST-0')).status).toBe(201);
  });
});

describe('the DynamoDB window counter', () => {
  const rule = { name: `test-${randomUUID()}`, limit: 3, windowSeconds: 60 };
  const t0 = new Date('2026-12-01T10:00:00.000Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const clients: ReturnType<typeof createDocumentClient>[] = [];
  afterAll(() => {
    for (const client of clients) client.destroy();
  });
  /** A limiter with a client of its own. */
  const limiter = () => {
    const doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
    clients.push(doc);
    return createRateLimiter({ doc, table: portal.portal.tableName });
  };

  it('refuses once full until the window has passed, then opens a new one', async () => {
    const counter = limiter();
    for (let i = 0; i < 3; i++) expect((await counter.consume(rule, 'key-a', at(i))).allowed).toBe(true);
    expect(await counter.consume(rule, 'key-a', at(10))).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(await counter.consume(rule, 'key-a', at(59))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect((await counter.consume(rule, 'key-b', at(59))).allowed).toBe(true);
    expect((await counter.consume(rule, 'key-a', at(60))).allowed).toBe(true);
    expect((await counter.consume(rule, 'key-a', at(61))).allowed).toBe(true);
  });

  it('takes a refunded event back from its own window only', async () => {
    const counter = limiter();
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      const outcome = await counter.consume(rule, 'key-c', at(i));
      if (outcome.allowed) tickets.push(outcome.ticket);
    }
    await counter.refund(tickets[0]!);
    expect((await counter.consume(rule, 'key-c', at(5))).allowed).toBe(true);
    expect((await counter.consume(rule, 'key-c', at(6))).allowed).toBe(false);
    // A ticket of a window that has passed changes nothing in the next one.
    expect((await counter.consume(rule, 'key-c', at(70))).allowed).toBe(true);
    await counter.refund(tickets[1]!);
    for (let i = 0; i < 2; i++) expect((await counter.consume(rule, 'key-c', at(71))).allowed).toBe(true);
    expect((await counter.consume(rule, 'key-c', at(72))).allowed).toBe(false);
  });

  it('counts exactly under concurrency, across separate clients (as separate Lambda instances would)', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => limiter().consume({ ...rule, limit: 10 }, 'key-d', at(0))),
    );
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(10);
  });
});
