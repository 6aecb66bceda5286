// Seat bench: N concurrent clients against M seats over HTTP on the local runtime, next to the engine's own rate
// for the very same TransactWriteItems shape sent straight to it.
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setClock } from '../functions/runtime/clock.js';
import { tableContext } from '../functions/store/client.js';
import { keys } from '../functions/store/keys.js';
import { countRequests } from '../functions/store/request-counter.js';
import { startPortal } from '../infra/local/portal.js';

const N = Number(process.env.BENCH_CLIENTS ?? 200);
const M = Number(process.env.BENCH_SEATS ?? 50);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const CHURN_MS = Number(process.env.BENCH_CHURN_MS ?? 8000);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

export async function run(): Promise<void> {
  const portal = await startPortal({ port: 0 });
  try {
    const url = portal.url;
    const post = async (path: string, token: string | null, body?: unknown, method = 'POST') => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const token = async (username: string, password: string) =>
      (await post('/v1/auth/token', null, { username, password })).body.accessToken as string;

    // ---- setup: an account with a licensed server, one CAL of `seats` seats and `users` users
    const operator = await token('operator', 'operator');
    const setup = async (seats: number, users: number) => {
      const account = (await post('/v1/accounts', operator, { name: 'Bench' })).body.accountId as string;
      const adminEmail = `admin-${randomUUID()}@bench.test`;
      await post(`/v1/accounts/${account}/users`, operator, {
        email: adminEmail,
        password: 'bench-password',
        roles: [],
        admin: true,
      });
      const admin = await token(adminEmail, 'bench-password');
      const issue = async (product: string, n: number) =>
        (await post(`/v1/accounts/${account}/licenses`, operator, { product, seats: n })).body;
      const serverLicense = await issue('Altium NEXUS Server', 1);
      const cal = await issue('Altium NEXUS Server CAL', seats);
      const serverId = (await post('/v1/servers', admin, { hostName: 'bench' })).body.serverId as string;
      await post(`/v1/servers/${serverId}/acquisitions`, admin, { licenseIds: [serverLicense.licenseId] });
      const userIds: string[] = [];
      for (let i = 0; i < users; i += 16) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(16, users - i) }, () =>
            post(`/v1/accounts/${account}/users`, operator, {
              email: `u-${randomUUID()}@bench.test`,
              password: 'bench-password',
              roles: [],
              admin: false,
            }),
          ),
        );
        userIds.push(...batch.map((r) => r.body.userId as string));
      }
      return { admin, cal, serverId, userIds };
    };
    const { admin, cal, serverId, userIds } = await setup(M, N);
    const counter = countRequests(tableContext().doc);

    // ---- contention: N clients at once on M seats
    counter.reset();
    const latencies: number[] = [];
    const started = performance.now();
    const results = await Promise.all(
      userIds.map(async (userId, i) => {
        const t = performance.now();
        const res = await post(`/v1/servers/${serverId}/sessions`, admin, {
          userId,
          machineId: `PC-${i}`,
          client: 'browser',
        });
        latencies.push(performance.now() - t);
        return res;
      }),
    );
    const burstMs = performance.now() - started;
    const granted = results.filter((r) => r.status === 201);
    const denied = results.filter((r) => r.status === 409).length;
    const other = results.length - granted.length - denied;
    const burstCounts = counter.counts();
    const used = (await post(`/v1/licenses/${cal.licenseId}`, admin, undefined, 'GET')).body.used as number;
    const listed = (await post(`/v1/licenses/${cal.licenseId}/sessions?limit=100`, admin, undefined, 'GET'))
      .body.sessions.length as number;

    // release the burst's seats, counting what a release costs
    counter.reset();
    await Promise.all(
      granted.map((r) => post(`/v1/sessions/${r.body.sessionId}`, admin, undefined, 'DELETE')),
    );
    const releaseCounts = counter.counts();

    // ---- throughput: a pool that never fills (another account, one big CAL), WORKERS clients signing in as
    // fast as they can for CHURN_MS, then the same WORKERS releasing every one of those seats
    const big = await setup(100_000, WORKERS * 2);
    counter.reset();
    const grantLatency: number[] = [];
    const releaseLatency: number[] = [];
    const sessionIds: string[] = [];
    let churnErrors = 0;
    const churnStart = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        let i = 0;
        while (performance.now() - churnStart < CHURN_MS) {
          const userId = big.userIds[(w + WORKERS * i) % big.userIds.length] as string;
          const t = performance.now();
          const res = await post(`/v1/servers/${big.serverId}/sessions`, big.admin, {
            userId,
            machineId: `W${w}-${i++}`,
            client: 'browser',
          });
          grantLatency.push(performance.now() - t);
          if (res.status === 201) sessionIds.push(res.body.sessionId);
          else churnErrors++;
        }
      }),
    );
    const churnMs = performance.now() - churnStart;
    const grantCounts = counter.counts();
    const grants = sessionIds.length;
    let releases = 0;
    const queue = [...sessionIds];
    const releaseStart = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        for (let id = queue.pop(); id; id = queue.pop()) {
          const t = performance.now();
          const end = await post(`/v1/sessions/${id}`, big.admin, undefined, 'DELETE');
          releaseLatency.push(performance.now() - t);
          if (end.status === 204) releases++;
          else churnErrors++;
        }
      }),
    );
    const releaseMs = performance.now() - releaseStart;
    counter.detach();

    // ---- the engine alone: the same four-item transaction, WORKERS at once, for the same time
    const { doc, table } = tableContext();
    const engineLatency: number[] = [];
    let engineOps = 0;
    const engineStart = performance.now();
    const engineLicense = `bench-${randomUUID()}`;
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: {
                ...keys.license('bench-engine', engineLicense),
                seats: 1_000_000,
                used: 0,
                validFrom: '2000-01-01T00:00:00.000Z',
                validUntil: '2999-01-01T00:00:00.000Z',
              },
            },
          },
          {
            Put: {
              TableName: table,
              Item: {
                ...keys.assignment('bench-engine', engineLicense, 'a'),
                seats: 'all',
                used: 0,
                role: 'All Users',
              },
            },
          },
        ],
      }),
    );
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        let i = 0;
        while (performance.now() - engineStart < CHURN_MS) {
          const id = `${w}-${i++}`;
          const now = new Date().toISOString();
          const t = performance.now();
          await doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: keys.license('bench-engine', engineLicense),
                    UpdateExpression: 'SET used = used + :one',
                    ConditionExpression: 'validFrom <= :now AND validUntil > :now AND used < seats',
                    ExpressionAttributeValues: { ':one': 1, ':now': now },
                  },
                },
                {
                  Update: {
                    TableName: table,
                    Key: keys.assignment('bench-engine', engineLicense, 'a'),
                    UpdateExpression: 'SET used = used + :one',
                    ConditionExpression: '#role = :role AND (seats = :all OR used < seats)',
                    ExpressionAttributeNames: { '#role': 'role' },
                    ExpressionAttributeValues: { ':one': 1, ':role': 'All Users', ':all': 'all' },
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: { ...keys.seatLock('bench-engine', 'CAL', id, 'pc'), sessionId: id },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: { ...keys.session('bench-engine', id), sessionId: id, startedAt: now },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
          engineLatency.push(performance.now() - t);
          engineOps++;
        }
      }),
    );
    const engineMs = performance.now() - engineStart;

    const perGrant = (counts: Record<string, number>, n: number) =>
      Object.entries(counts)
        .sort()
        .map(([op, c]) => `${op} ${fmt(c / Math.max(1, n), 2)}`)
        .join(', ');
    const grantRate = (grants / churnMs) * 1000;
    const engineRate = (engineOps / engineMs) * 1000;
    const rows: [string, string][] = [
      ['clients (N) / seats (M)', `${N} / ${M}`],
      ['granted', `${granted.length} (denied ${denied}, other ${other})`],
      [
        'over-allocation (must be 0)',
        `${Math.max(0, used - M)} (used ${used}, live sessions listed ${listed})`,
      ],
      ['burst wall time', `${fmt(burstMs, 0)} ms`],
      ['burst latency p50 / p99', `${fmt(percentile(latencies, 50))} / ${fmt(percentile(latencies, 99))} ms`],
      ['DynamoDB requests per burst sign-in', perGrant(burstCounts, results.length)],
      ['DynamoDB requests per release', perGrant(releaseCounts, granted.length)],
      ['DynamoDB requests per grant (pool not full)', perGrant(grantCounts, grants)],
      [
        `throughput (${WORKERS} workers)`,
        `${grants} grants in ${fmt(churnMs / 1000)} s, ${releases} releases, ${churnErrors} errors`,
      ],
      ['grants / s, releases / s', `${fmt(grantRate)} / ${fmt((releases / releaseMs) * 1000)}`],
      [
        'grant latency p50 / p99',
        `${fmt(percentile(grantLatency, 50))} / ${fmt(percentile(grantLatency, 99))} ms`,
      ],
      [
        'release latency p50 / p99',
        `${fmt(percentile(releaseLatency, 50))} / ${fmt(percentile(releaseLatency, 99))} ms`,
      ],
      [
        `engine alone: same 4-item transaction, ${WORKERS} at once`,
        `${fmt(engineRate)} / s, p99 ${fmt(percentile(engineLatency, 99))} ms`,
      ],
      [
        'portal vs engine (goal >= 0.8x rate, <= 2x p99)',
        `${fmt(grantRate / engineRate, 2)}x rate, ${fmt(percentile(grantLatency, 99) / Math.max(0.001, percentile(engineLatency, 99)), 2)}x p99`,
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    setClock(null);
    await portal.stop();
  }
}
