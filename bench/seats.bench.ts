// Seat bench: sign-ins over HTTP on the local runtime next to the engine doing the same writes. For each phase
// the engine is sent the very transactions the portal writes (the domain's plans, through the seat ledger), in
// the same run, so the ratios say what the portal adds: HTTP, identity, the catalogue read, the decision.
//   burst:  200 sign-ins at once on 50 seats    vs 200 grant transactions at once     (goal: within 2x)
//   steady: WORKERS clients signing in for CHURN_MS vs the grant transaction, WORKERS at once (goal: >= 0.6x)
// and the DynamoDB requests per grant, per refusal and per release (the caller's identity read apart).
import { randomUUID } from 'node:crypto';
import { decideSignIn, type SignInUser } from '../domain/sign-in.js';
import { setClock } from '../functions/runtime/clock.js';
import { createAccountStore } from '../functions/store/accounts.js';
import { createCatalogStore } from '../functions/store/catalog.js';
import { tableContext } from '../functions/store/client.js';
import { newId } from '../functions/store/ids.js';
import { countRequests, type RequestCounter } from '../functions/store/request-counter.js';
import { createSeatLedger } from '../functions/store/seat-ledger.js';
import { startPortal } from '../infra/local/portal.js';

const N = Number(process.env.BENCH_CLIENTS ?? 200);
const M = Number(process.env.BENCH_SEATS ?? 50);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const CHURN_MS = Number(process.env.BENCH_CHURN_MS ?? 8000);
const PASSWORD = 'bench-password-long';

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Requests per operation per unit, the caller's identity read (BatchGetItem) on its own line. */
function perUnit(counts: Record<string, number>, units: number): { own: string; identity: string } {
  const own = Object.entries(counts)
    .filter(([op]) => op !== 'BatchGetItem')
    .sort()
    .map(([op, c]) => `${op} ${fmt(c / Math.max(1, units), 2)}`)
    .join(', ');
  return {
    own: own || 'none',
    identity: `BatchGetItem ${fmt((counts.BatchGetItem ?? 0) / Math.max(1, units), 2)}`,
  };
}

export async function run(): Promise<void> {
  const portal = await startPortal({ port: 0 });
  try {
    const url = portal.url;
    const http = async (path: string, token: string | null, body?: unknown, method = 'POST') => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
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
      (await http('/v1/auth/token', null, { username, password })).body.accessToken as string;
    const operator = await token('operator', 'operator');

    /** An account with a licensed server, one CAL of `seats` seats and `users` users. */
    const setup = async (seats: number, users: number) => {
      const accountId = (await http('/v1/accounts', operator, { name: 'Bench' })).body.accountId as string;
      const adminEmail = `admin-${randomUUID()}@bench.test`;
      await http(`/v1/accounts/${accountId}/users`, operator, {
        email: adminEmail,
        password: PASSWORD,
        roles: [],
        admin: true,
      });
      const admin = await token(adminEmail, PASSWORD);
      const issue = async (product: string, n: number) =>
        (await http(`/v1/accounts/${accountId}/licenses`, operator, { product, seats: n })).body;
      const serverLicense = await issue('Altium NEXUS Server', 1);
      const cal = await issue('Altium NEXUS Server CAL', seats);
      const serverId = (await http('/v1/servers', admin, { hostName: 'bench' })).body.serverId as string;
      await http(`/v1/servers/${serverId}/acquisitions`, admin, { licenseIds: [serverLicense.licenseId] });
      const userIds: string[] = [];
      for (let i = 0; i < users; i += 16) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(16, users - i) }, () =>
            http(`/v1/accounts/${accountId}/users`, operator, {
              email: `u-${randomUUID()}@bench.test`,
              password: PASSWORD,
              roles: [],
              admin: false,
            }),
          ),
        );
        userIds.push(...batch.map((r) => r.body.userId as string));
      }
      return { accountId, admin, cal, serverId, userIds };
    };
    const signIn = (site: { admin: string; serverId: string }, userId: string, machineId: string) =>
      http(`/v1/servers/${site.serverId}/sessions`, site.admin, { userId, machineId, client: 'browser' });

    const ctx = tableContext();
    const ledger = createSeatLedger(ctx);
    /**
     * The grant transactions the portal would write for `count` sign-ins of these users (each on its own PC),
     * planned from one catalogue read before any is timed.
     */
    const plannedGrants = async (
      site: { accountId: string; serverId: string },
      userIds: string[],
      tag: string,
      count = userIds.length,
    ) => {
      const now = new Date();
      const catalogue = await createCatalogStore(ctx).read(site.accountId, now);
      const accounts = createAccountStore(ctx);
      const users = await Promise.all(userIds.map((id) => accounts.getUser(site.accountId, id)));
      return Array.from({ length: count }, (_, i) => {
        const user = users[i % users.length];
        const signInUser: SignInUser = { ...(user as NonNullable<typeof user>) };
        const plan = decideSignIn({
          catalogue,
          user: signInUser,
          request: {
            accountId: site.accountId,
            serverId: site.serverId,
            userId: signInUser.userId,
            machineId: `${tag}-${i}`,
            client: 'browser',
            sessionId: newId('ses'),
            now,
          },
        });
        if (plan.kind !== 'grant') throw new Error(`the bench expected a grant plan, got ${plan.kind}`);
        return plan.write;
      });
    };

    const counter: RequestCounter = countRequests(ctx.doc);

    // ---- burst: N at once on M seats, then the engine with N grant transactions at once on M seats
    const burst = await setup(M, N);
    counter.reset();
    const latencies: number[] = [];
    let started = performance.now();
    const results = await Promise.all(
      burst.userIds.map(async (userId, i) => {
        const t = performance.now();
        const res = await signIn(burst, userId, `PC-${i}`);
        latencies.push(performance.now() - t);
        return res;
      }),
    );
    const burstMs = performance.now() - started;
    const burstCounts = counter.counts();
    const granted = results.filter((r) => r.status === 201);
    const denied = results.filter((r) => r.status === 409).length;
    const used = (await http(`/v1/licenses/${burst.cal.licenseId}`, burst.admin, undefined, 'GET')).body
      .used as number;

    // A refused sign-in on a full pool, one at a time: what a refusal costs.
    counter.reset();
    const REFUSALS = 20;
    for (let i = 0; i < REFUSALS; i++) await signIn(burst, burst.userIds[i] as string, `LATE-${i}`);
    const refusalCounts = counter.counts();

    counter.reset();
    await Promise.all(
      granted.map((r) => http(`/v1/sessions/${r.body.sessionId}`, burst.admin, undefined, 'DELETE')),
    );
    const releaseCounts = counter.counts();

    const engineSite = await setup(M, N);
    const engineWrites = await plannedGrants(engineSite, engineSite.userIds, 'E');
    started = performance.now();
    const engineOutcomes = await Promise.all(engineWrites.map((w) => ledger.write(w)));
    const engineBurstMs = performance.now() - started;
    const engineGranted = engineOutcomes.filter((o) => o.ok).length;

    // ---- steady: a pool that never fills, WORKERS clients signing in for CHURN_MS
    const big = await setup(100_000, WORKERS * 2);
    counter.reset();
    const grantLatency: number[] = [];
    const sessionIds: string[] = [];
    let errors = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        let i = 0;
        while (performance.now() - started < CHURN_MS) {
          const userId = big.userIds[(w + WORKERS * i) % big.userIds.length] as string;
          const t = performance.now();
          const res = await signIn(big, userId, `W${w}-${i++}`);
          grantLatency.push(performance.now() - t);
          if (res.status === 201) sessionIds.push(res.body.sessionId);
          else errors++;
        }
      }),
    );
    const churnMs = performance.now() - started;
    const grantCounts = counter.counts();
    const grants = sessionIds.length;

    // The engine: the same grant transaction (planned by the domain beforehand), WORKERS at once, same time.
    const engineBig = await setup(100_000, WORKERS * 2);
    const planned = await plannedGrants(engineBig, engineBig.userIds, 'EW', Math.max(4000, grants * 4));
    const engineLatency: number[] = [];
    let engineOps = 0;
    let next = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (performance.now() - started < CHURN_MS && next < planned.length) {
          const write = planned[next++];
          if (!write) break;
          const t = performance.now();
          const outcome = await ledger.write(write);
          engineLatency.push(performance.now() - t);
          if (outcome.ok) engineOps++;
        }
      }),
    );
    const engineMs = performance.now() - started;
    counter.detach();

    const grantRate = (grants / churnMs) * 1000;
    const engineRate = (engineOps / engineMs) * 1000;
    const burstRequests = perUnit(burstCounts, results.length);
    const grantRequests = perUnit(grantCounts, grants);
    const refusalRequests = perUnit(refusalCounts, REFUSALS);
    const releaseRequests = perUnit(releaseCounts, granted.length);
    const rows: [string, string][] = [
      ['clients (N) / seats (M)', `${N} / ${M}`],
      [
        'burst: granted / refused / over-allocated',
        `${granted.length} / ${denied} / ${Math.max(0, used - M)} (used ${used})`,
      ],
      [
        'burst wall time, portal',
        `${fmt(burstMs, 0)} ms (p50 ${fmt(percentile(latencies, 50), 0)} ms, p99 ${fmt(percentile(latencies, 99), 0)} ms)`,
      ],
      [
        'burst wall time, engine (same N grant transactions)',
        `${fmt(engineBurstMs, 0)} ms (${engineGranted} committed)`,
      ],
      ['burst: portal / engine (goal <= 2x)', `${fmt(burstMs / engineBurstMs, 2)}x`],
      ['requests per burst sign-in', `${burstRequests.own}; caller identity ${burstRequests.identity}`],
      [
        'requests per grant, pool not full (goal 1 write, <= 1 read)',
        `${grantRequests.own}; caller identity ${grantRequests.identity}`,
      ],
      [
        'requests per refusal, pool full (goal <= 1 read, 1 write)',
        `${refusalRequests.own}; caller identity ${refusalRequests.identity}`,
      ],
      ['requests per release', `${releaseRequests.own}; caller identity ${releaseRequests.identity}`],
      [
        `steady grants/s (${WORKERS} workers, ${fmt(CHURN_MS / 1000)} s)`,
        `${fmt(grantRate)} (p50 ${fmt(percentile(grantLatency, 50))} / p99 ${fmt(percentile(grantLatency, 99))} ms, ${errors} errors)`,
      ],
      [
        `engine, same transaction, ${WORKERS} at once`,
        `${fmt(engineRate)} / s (p99 ${fmt(percentile(engineLatency, 99))} ms)`,
      ],
      ['steady: portal / engine (goal >= 0.6x)', `${fmt(grantRate / engineRate, 2)}x`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    setClock(null);
    await portal.stop();
  }
}
