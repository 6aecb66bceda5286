// The hourly check's cost: load N live sessions (1% due) with BatchWriteItem, run the check, print reads/writes.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { floorHour, HOUR_MS } from '../domain/usage.js';
import { createDocumentClient, type TableContext } from '../functions/store/client.js';
import { runHourlyCheck } from '../functions/store/hourly.js';
import { dueAttributes, keys } from '../functions/store/keys.js';
import { countRequests } from '../functions/store/request-counter.js';
import { createSessionStore } from '../functions/store/sessions.js';
import { freePort, startDynamoLocal } from '../infra/local/dynamo.js';
import { ensureTable } from '../infra/local/table.js';

const SESSIONS = Number(process.env.SWEEP_SESSIONS || 20_000);
const DUE_SHARE = 0.01;
const SESSIONS_PER_ACCOUNT = 100;
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

/** Items shaped as the license, assignment and session stores write them. */
function dataset(at: Date) {
  const items: Record<string, unknown>[] = [];
  const dueEvery = Math.round(1 / DUE_SHARE);
  const accounts = Math.ceil(SESSIONS / SESSIONS_PER_ACCOUNT);
  let sessionNo = 0;
  for (let a = 0; a < accounts; a++) {
    const accountId = `acc_bench${a}`;
    const licenseId = `lic_bench${a}`;
    const assignmentId = `asg_bench${a}`;
    const inAccount = Math.min(SESSIONS_PER_ACCOUNT, SESSIONS - sessionNo);
    const validUntil = new Date(at.getTime() + 200 * 24 * HOUR_MS).toISOString();
    items.push({ ...keys.account(accountId), entity: 'Account', accountId, name: `Bench ${a}` });
    items.push({
      ...keys.license(accountId, licenseId),
      ...dueAttributes('LICENSE', licenseId, validUntil),
      entity: 'License',
      licenseId,
      accountId,
      product: 'Altium NEXUS Server CAL',
      productLower: 'altium nexus server cal',
      kind: 'cal',
      seats: SESSIONS_PER_ACCOUNT,
      used: inAccount,
      activationCode: `NX-BENCH-${a}`,
      validFrom: new Date(at.getTime() - 100 * 24 * HOUR_MS).toISOString(),
      validUntil,
    });
    items.push({
      ...keys.assignment(accountId, licenseId, assignmentId),
      entity: 'Assignment',
      accountId,
      assignmentId,
      licenseId,
      role: 'All Users',
      seats: 'all',
      used: inAccount,
      automaticLeasing: true,
      allowRoaming: false,
    });
    for (let s = 0; s < inAccount; s++, sessionNo++) {
      const sessionId = `ses_bench${sessionNo}`;
      const due = sessionNo % dueEvery === 0;
      const startedAt = new Date(at.getTime() - 2 * HOUR_MS).toISOString();
      // Due ones stopped sending heartbeats 20 minutes ago; the rest are live for another day.
      const expiresAt = new Date(at.getTime() + (due ? -20 * 60_000 : 24 * HOUR_MS)).toISOString();
      items.push({
        ...keys.session(accountId, sessionId),
        ...keys.sessionsOfLicense(licenseId, startedAt, sessionId),
        ...keys.sessionsOfServer(`srv_bench${a}`, sessionId),
        ...dueAttributes('SESSION', sessionId, expiresAt),
        entity: 'Session',
        sessionId,
        accountId,
        licenseId,
        assignmentId,
        serverId: `srv_bench${a}`,
        userId: `usr_bench${sessionNo}`,
        machineId: 'PC-1',
        product: 'Altium NEXUS Server CAL',
        clients: new Set(['browser']),
        roles: ['All Users', 'Designers'],
        startedAt,
        expiresAt,
        adminSeat: false,
        version: 0,
      });
    }
  }
  return { items, due: Math.ceil(SESSIONS / dueEvery) };
}

export async function run(): Promise<void> {
  const engine = await startDynamoLocal({ port: await freePort() });
  const table = 'bench-sweep';
  const client = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = createDocumentClient(engine.endpoint, 'us-east-1');
  try {
    await ensureTable(client, table);
    const context: TableContext = { doc, table };
    const at = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 30 * 60_000);
    const { items, due } = dataset(at);

    let started = Date.now();
    await batchPut(context, items);
    const loadSeconds = (Date.now() - started) / 1000;
    console.log(
      `loaded ${SESSIONS} sessions (${due} due) and ${items.length - SESSIONS} other items with BatchWriteItem in ${loadSeconds.toFixed(1)} s (${Math.round(items.length / loadSeconds)} items/s)`,
    );

    // Run 1: rollups are already up to date for this hour, so it measures the due work alone.
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.hourlyRun(),
        UpdateExpression: 'SET lastRunAt = :last, rolledUpThrough = :hour, entity = :entity',
        ExpressionAttributeValues: {
          ':last': new Date(floorHour(at.getTime())).toISOString(),
          ':hour': new Date(floorHour(at.getTime())).toISOString(),
          ':entity': 'HourlyRun',
        },
      }),
    );
    const requests = countRequests(doc);
    started = Date.now();
    const sweep = await runHourlyCheck(context, createSessionStore(context), at);
    console.log('\nrun 1: due work only (rollups already written for this hour)');
    console.table({
      'due sessions': due,
      'reclaimed sessions': sweep.summary.reclaimedSessions,
      'items read': sweep.itemsRead,
      'items written by the check (+ endSession transactions: 4 items each)': sweep.itemsWritten,
      'items read / due items': Number((sweep.itemsRead / due).toFixed(2)),
      requests: requests.total(),
      'run time (s)': Number(((Date.now() - started) / 1000).toFixed(2)),
    });
    console.log('requests by operation:', requests.counts());

    // Run 2: one hour later, the hour just completed is rolled up: reads the active accounts' sessions.
    requests.reset();
    started = Date.now();
    const rolled = await runHourlyCheck(
      context,
      createSessionStore(context),
      new Date(at.getTime() + HOUR_MS),
    );
    console.log('\nrun 2: an hour later, with the rollups of the completed hour');
    console.table({
      'reclaimed sessions': rolled.summary.reclaimedSessions,
      'rollups written': rolled.summary.rollupsWritten,
      'items read': rolled.itemsRead,
      'items written': rolled.itemsWritten,
      requests: requests.total(),
      'run time (s)': Number(((Date.now() - started) / 1000).toFixed(2)),
    });

    // Run 3: again at the same time: nothing left to do.
    requests.reset();
    const again = await runHourlyCheck(
      context,
      createSessionStore(context),
      new Date(at.getTime() + HOUR_MS),
    );
    console.log(
      `\nrun 3 at the same time: ${JSON.stringify(again.summary)}, items read ${again.itemsRead}, requests ${requests.total()}`,
    );
    requests.detach();
  } finally {
    doc.destroy();
    client.destroy();
    await engine.stop();
  }
}
