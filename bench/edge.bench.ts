// Edge bench, over HTTP on the local runtime (DynamoDB Local): sign-in times for a wrong password, an unknown
// username and a right password (medians: they must not tell usernames apart), and the identity read that every
// authenticated request now makes, measured apart from the rest of the request.
import { randomUUID } from 'node:crypto';
import { tableContext } from '../functions/store/client.js';
import { createPrincipalStore } from '../functions/store/principals.js';
import { countRequests } from '../functions/store/request-counter.js';
import { startPortal } from '../infra/local/portal.js';

/** Sign-ins per kind; each known user takes at most 3 wrong passwords, far under the limit of 10. */
const SIGN_INS = Number(process.env.BENCH_SIGN_INS ?? 60);
const READS = Number(process.env.BENCH_IDENTITY_READS ?? 300);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<void> {
  const portal = await startPortal({ port: 0 });
  try {
    const call = async (method: string, path: string, token: string | null, body?: unknown) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${portal.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const operator = (
      await call('POST', '/v1/auth/token', null, { username: 'operator', password: 'operator' })
    ).body.accessToken as string;
    const accountId = (await call('POST', '/v1/accounts', operator, { name: 'Bench' })).body
      .accountId as string;
    const users: { email: string; userId: string }[] = [];
    for (let i = 0; i < SIGN_INS / 3; i++) {
      const email = `u-${randomUUID()}@bench.test`;
      const created = await call('POST', `/v1/accounts/${accountId}/users`, operator, {
        email,
        password: 'bench-password',
        roles: [],
        admin: false,
      });
      users.push({ email, userId: created.body.userId });
    }

    const timed = async (username: string, password: string, expected: number) => {
      const started = performance.now();
      const res = await call('POST', '/v1/auth/token', null, { username, password });
      const ms = performance.now() - started;
      if (res.status !== expected) throw new Error(`sign-in answered ${res.status}, not ${expected}`);
      return ms;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    const right: number[] = [];
    // Interleaved, so that load on the machine falls on every kind alike.
    for (let i = 0; i < SIGN_INS; i++) {
      const user = users[i % users.length] as { email: string };
      wrong.push(await timed(user.email, `wrong-${i}`, 401));
      unknown.push(await timed(`nobody-${randomUUID()}@bench.test`, 'whatever', 401));
      right.push(await timed(user.email, 'bench-password', 200));
    }

    // The identity read alone (one BatchGetItem: the user and its account, consistent), then whole requests.
    const member = users[0] as { email: string; userId: string };
    const principals = createPrincipalStore(tableContext());
    const reads: number[] = [];
    for (let i = 0; i < READS; i++) {
      const started = performance.now();
      await principals.user(accountId, member.userId);
      reads.push(performance.now() - started);
    }
    const token = (
      await call('POST', '/v1/auth/token', null, { username: member.email, password: 'bench-password' })
    ).body.accessToken as string;
    const counter = countRequests(tableContext().doc);
    const requests: number[] = [];
    for (let i = 0; i < READS; i++) {
      const started = performance.now();
      const res = await call('GET', '/v1/licenses', token);
      requests.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`GET /v1/licenses answered ${res.status}`);
    }
    const perRequest = counter.counts();
    counter.detach();

    console.table({
      'sign-in, wrong password (median ms)': { value: median(wrong).toFixed(1) },
      'sign-in, unknown username (median ms)': { value: median(unknown).toFixed(1) },
      'sign-in, right password (median ms)': { value: median(right).toFixed(1) },
      'identity read alone, BatchGetItem user + account (median ms)': { value: median(reads).toFixed(2) },
      'GET /v1/licenses over HTTP, identity read included (median ms)': {
        value: median(requests).toFixed(2),
      },
      'DynamoDB requests per GET /v1/licenses': {
        value: Object.entries(perRequest)
          .map(([operation, count]) => `${operation} ${(count / READS).toFixed(2)}`)
          .join(', '),
      },
    });
  } finally {
    await portal.stop();
  }
}
