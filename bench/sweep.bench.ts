// The hourly check's cost: 20,000 live sessions, 100 started in the hour and 100 that expired in it, loaded with
// BatchWriteItem as the stores write them; then one run rolls the hour up from changes. Prints the items read
// against the goal 2 x (changes + licenses), and a second run at the same time (nothing left to do).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { holderOf, type Session } from '../domain/sessions.js';
import { floorHour, HOUR_MS } from '../domain/usage.js';
import { runHourlyCheck } from '../functions/jobs/hourly-check/run.js';
import { createDocumentClient, type TableContext } from '../functions/store/client.js';
import { dueAttributes, keys } from '../functions/store/keys.js';
import { countRequests } from '../functions/store/request-counter.js';
import { expiryItem, lockItem, sessionItem } from '../functions/store/seat-items.js';
import { hourlyCheckPortsFor } from '../functions/use-cases/store-ports.js';
import { freePort, startDynamoLocal } from '../infra/local/dynamo.js';
import { ensureTable } from '../infra/local/table.js';

const SESSIONS = Number(process.env.SWEEP_SESSIONS || 20_000);
const SESSIONS_PER_ACCOUNT = 100;
const STARTED_IN_HOUR = 100;
const EXPIRED_IN_HOUR = 100;
const PARALLEL_BATCHES = 8;

async function batchPut(context: TableContext, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = (batches[next++] ?? []).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const result = await context.doc.send(
          new BatchWriteCommand({ RequestItems: { [context.table]: requests } }),
        );
        requests = (result.UnprocessedItems?.[context.table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
}

/** One account per 100 sessions, one CAL each; the hour [hour, hour + 1 h) has the changes. */
function dataset(hour: number) {
  const items: Record<string, unknown>[] = [];
  const accounts = Math.ceil(SESSIONS / SESSIONS_PER_ACCOUNT);
  const startedEvery = Math.max(1, Math.floor(SESSIONS / STARTED_IN_HOUR));
  const expiredEvery = Math.max(1, Math.floor(SESSIONS / EXPIRED_IN_HOUR));
  let n = 0;
  for (let a = 0; a < accounts; a++) {
    const accountId = `acc_b${a}`;
    const licenseId = `lic_b${a}`;
    const validUntil = new Date(hour + 200 * 24 * HOUR_MS).toISOString();
    const inAccount = Math.min(SESSIONS_PER_ACCOUNT, SESSIONS - n);
    items.push({ ...keys.account(accountId), entity: 'Account', accountId, name: `Bench ${a}` });
    items.push({
      ...keys.license(accountId, licenseId),
      ...dueAttributes('LICENSE', licenseId, validUntil),
      entity: 'License',
      licenseId,
      accountId,
      product: 'Altium NEXUS Server CAL',
      kind: 'cal',
      seats: SESSIONS_PER_ACCOUNT,
      used: inAccount,
      activationCode: `NX-B-${a}`,
      validFrom: new Date(hour - 100 * 24 * HOUR_MS).toISOString(),
      validUntil,
    });
    items.push({
      ...keys.assignment(accountId, licenseId, `asg_b${a}`),
      entity: 'Assignment',
      accountId,
      assignmentId: `asg_b${a}`,
      licenseId,
      role: 'All Users',
      seats: 'all',
      used: inAccount,
      automaticLeasing: true,
      allowRoaming: false,
    });
    items.push({
      ...keys.server(accountId, `srv_b${a}`),
      entity: 'Server',
      serverId: `srv_b${a}`,
      accountId,
      hostName: 'b',
      live: inAccount,
      connections: inAccount,
    });
    let openAtHour = 0;
    for (let s = 0; s < inAccount; s++, n++) {
      const started = n % startedEvery === 0;
      const expired = !started && n % expiredEvery === 1;
      const startedAt = new Date(started ? hour + 10 * 60_000 : hour - 2 * HOUR_MS).toISOString();
      if (!started) openAtHour++;
      const session: Session = {
        sessionId: `ses_b${n}`,
        accountId,
        licenseId,
        assignmentId: `asg_b${a}`,
        serverId: `srv_b${a}`,
        hostName: 'b',
        userId: `usr_b${n}`,
        email: `u${n}@bench.test`,
        machineId: 'PC-1',
        product: 'Altium NEXUS Server CAL',
        clients: ['browser'],
        roles: ['All Users'],
        startedAt,
        // Expired ones stopped sending heartbeats in the hour; the rest are live for another day.
        expiresAt: new Date(expired ? hour + 30 * 60_000 : hour + 24 * HOUR_MS).toISOString(),
        roamingUntil: null,
        lastSeenAt: startedAt,
        adminConnection: false,
        version: 0,
      };
      items.push(sessionItem(session), expiryItem(holderOf(session)));
      items.push(
        lockItem(
          {
            type: 'seatLock',
            accountId,
            userId: session.userId,
            product: session.product,
            machineId: 'PC-1',
          },
          session.sessionId,
        ),
      );
    }
    // The previous run rolled up through `hour`: the counts open then.
    items.push({
      ...keys.rollupState(accountId),
      entity: 'RollupState',
      accountId,
      openAt: new Date(hour).toISOString(),
      counts: { [licenseId]: { '*': openAtHour, 'role:All Users': openAtHour } },
    });
  }
  return { items, accounts };
}

export async function run(): Promise<void> {
  const engine = await startDynamoLocal({ port: await freePort() });
  const table = 'bench-sweep';
  const client = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const doc = createDocumentClient(engine.endpoint, 'us-east-1');
  try {
    await ensureTable(client, table);
    const context: TableContext = { doc, table };
    const hour = floorHour(Date.now()) - HOUR_MS;
    const at = new Date(hour + HOUR_MS + 5 * 60_000);
    const { items, accounts } = dataset(hour);
    let started = Date.now();
    await batchPut(context, items);
    await batchPut(context, [
      {
        ...keys.hourlyRun(),
        entity: 'HourlyRun',
        lastRunAt: new Date(hour).toISOString(),
        rolledUpThrough: new Date(hour).toISOString(),
        complete: true,
      },
    ]);
    const loadSeconds = (Date.now() - started) / 1000;
    console.log(
      `loaded ${SESSIONS} live sessions (${STARTED_IN_HOUR} started and ${EXPIRED_IN_HOUR} expired in the hour) in ${accounts} accounts, ${items.length} items, in ${loadSeconds.toFixed(1)} s`,
    );

    const requests = countRequests(doc);
    started = Date.now();
    const first = await runHourlyCheck(hourlyCheckPortsFor(context), { real: at, honourRequested: false });
    const firstMs = Date.now() - started;
    const firstRead = requests.itemsRead();
    const changes = STARTED_IN_HOUR + EXPIRED_IN_HOUR;
    const goal = 2 * (changes + accounts);
    console.table({
      'live sessions': SESSIONS,
      'started or ended in the hour': changes,
      licenses: accounts,
      'reclaimed sessions': first.summary.reclaimedSessions,
      'rollups written': first.summary.rollupsWritten,
      'items read': firstRead,
      'goal: items read <= 2 x (changes + licenses)': `${goal} (${firstRead <= goal ? 'met' : 'NOT met'})`,
      requests: requests.total(),
      'run time (s)': Number((firstMs / 1000).toFixed(2)),
    });
    console.log('requests by operation:', requests.counts());

    requests.reset();
    const again = await runHourlyCheck(hourlyCheckPortsFor(context), { real: at, honourRequested: false });
    console.log(
      `a second run at the same time: ${JSON.stringify(again.summary)}, items read ${requests.itemsRead()}`,
    );
    requests.detach();
  } finally {
    doc.destroy();
    client.destroy();
    await engine.stop();
  }
}
