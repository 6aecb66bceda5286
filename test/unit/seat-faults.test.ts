// Fault injection with aws-sdk-client-mock: conflicts, throttling and timeouts are retried or answered 503 busy,
// a seat is only ever written by one whole transaction, and cancellation reasons are read by change NAME.
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SeatWriteBuilder } from '../../domain/seat-write.js';
import { resetConfig } from '../../functions/runtime/config.js';
import { createSeatLedger } from '../../functions/store/seat-ledger.js';
import { freshClaims, storeKnows } from '../support/identity.js';

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-06-01T12:00:00.000Z');
const ACC = 'acc_1';
const pk = `ACCOUNT#${ACC}`;

const license = {
  pk,
  sk: 'CATALOG#LICENSE#lic_cal',
  entity: 'License',
  licenseId: 'lic_cal',
  accountId: ACC,
  product: 'Altium NEXUS Server CAL',
  kind: 'cal',
  seats: 2,
  used: 0,
  activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
};
const serverLicense = {
  ...license,
  sk: 'CATALOG#LICENSE#lic_srv',
  licenseId: 'lic_srv',
  product: 'Altium NEXUS Server',
  kind: 'server',
};
const assignment = {
  pk,
  sk: 'CATALOG#ASSIGNMENT#lic_cal#asg_1',
  entity: 'Assignment',
  assignmentId: 'asg_1',
  licenseId: 'lic_cal',
  role: 'All Users',
  seats: 'all',
  used: 0,
  automaticLeasing: true,
  allowRoaming: false,
};
const holding = {
  pk,
  sk: 'CATALOG#HOLDING#srv_1#lic_srv',
  entity: 'Holding',
  accountId: ACC,
  serverId: 'srv_1',
  licenseId: 'lic_srv',
  kind: 'server',
  product: 'Altium NEXUS Server',
  validFrom: license.validFrom,
  validUntil: license.validUntil,
  acquiredAt: '2026-01-02T00:00:00.000Z',
  takesSeat: true,
};
const server = {
  pk,
  sk: 'CATALOG#SERVER#srv_1',
  entity: 'Server',
  serverId: 'srv_1',
  accountId: ACC,
  hostName: 'h',
  live: 0,
};
const committed = {
  entity: 'Session',
  sessionId: 'ses_committed',
  accountId: ACC,
  licenseId: 'lic_cal',
  assignmentId: 'asg_1',
  serverId: 'srv_1',
  userId: 'usr_1',
  machineId: 'PC',
  product: license.product,
  clients: new Set(['browser']),
  roles: ['All Users'],
  startedAt: NOW.toISOString(),
  expiresAt: '2026-06-01T12:10:00.000Z',
  lastSeenAt: NOW.toISOString(),
  version: 0,
};

type Items = NonNullable<TransactWriteCommandInput['TransactItems']>;
const keyOf = (item: Items[number]) =>
  String((item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key)?.sk);

/** A cancellation where the items whose sort key starts with `prefix` failed their condition. */
function cancelledAt(
  items: Items,
  prefix: string,
  code = 'ConditionalCheckFailed',
  old?: Record<string, unknown>,
) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: items.map((item) =>
      keyOf(item).startsWith(prefix)
        ? { Code: code, ...(old ? { Item: old as never } : {}) }
        : { Code: 'None' },
    ),
  });
}

/** The reads of a sign-in and a join, answered from the fixtures above. */
function mockReads() {
  ddb.on(GetCommand).callsFake((input: { Key: { sk: string } }) => {
    const sk = input.Key.sk;
    if (sk.startsWith('USER#')) {
      return { Item: { userId: 'usr_1', accountId: ACC, email: 'u@x', roles: ['All Users'], admin: false } };
    }
    if (sk === 'SESSION#ses_committed') return { Item: committed };
    return {};
  });
  // A sign-in reads its whole catalogue in one Query.
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
    if (input.ExpressionAttributeValues[':from'] === 'CATALOG#') {
      return { Items: [assignment, holding, license, serverLicense, server] };
    }
    return { Items: [] };
  });
}

function signInEvent(): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /v1/servers/{serverId}/sessions',
    rawPath: '/v1/servers/srv_1/sessions',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: { serverId: 'srv_1' },
    body: JSON.stringify({ userId: 'usr_1', machineId: 'PC', client: 'browser' }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r',
      authorizer: {
        jwt: { claims: freshClaims({ sub: 'usr_admin', account: ACC, admin: 'true', operator: 'false' }) },
      },
    },
  } as unknown as APIGatewayProxyEventV2;
}

let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<any>;

beforeAll(async () => {
  process.env.TABLE_NAME = 'faults';
  process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';
  resetConfig();
  const clock = await import('../../functions/runtime/clock.js');
  clock.setClock(() => NOW);
  handler = (await import('../../functions/handlers/sessions.js')).handler as never;
});
afterAll(async () => {
  (await import('../../functions/runtime/clock.js')).setClock(null);
  ddb.restore();
});
beforeEach(() => {
  ddb.reset();
  storeKnows(ddb, 'faults', [{ userId: 'usr_admin', accountId: ACC, admin: true }]);
  mockReads();
});

const invoke = () => handler(signInEvent(), {} as Context);
const transactions = () =>
  ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);

/** Writes outside a transaction: a seat may only come from a whole TransactWriteItems. */
const looseWrites = () => [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand)];

describe('a sign-in under faults', () => {
  it('retries a TransactionConflict with the same idempotency token and then grants the seat', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        cancelledAt([{ ConditionCheck: { Key: { sk: 'USER#' } } } as never], 'USER#', 'TransactionConflict'),
      )
      .rejectsOnce(
        cancelledAt([{ ConditionCheck: { Key: { sk: 'USER#' } } } as never], 'USER#', 'TransactionConflict'),
      )
      .resolves({});
    const res = await invoke();
    expect(res.statusCode).toBe(201);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.args[0].input.ClientRequestToken)).size).toBe(1);
    // One transaction: license, assignment, server, user, seat lock, session, Expiry item.
    expect(transactions()[0]?.map(keyOf).sort()).toEqual([
      'CATALOG#ASSIGNMENT#lic_cal#asg_1',
      'CATALOG#LICENSE#lic_cal',
      'CATALOG#SERVER#srv_1',
      expect.stringMatching(/^CATALOG#~EXPIRY#2026-06-01T12:10:00.000Z#ses_/),
      'SEAT#usr_1#Altium NEXUS Server CAL#PC',
      expect.stringMatching(/^SESSION#ses_/),
      'USER#usr_1',
    ]);
    expect(looseWrites()).toHaveLength(0);
  });

  it('answers 503 busy with retry-after when conflicts outlast the retries, having written nothing else', async () => {
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      throw cancelledAt(input.TransactItems ?? [], 'CATALOG#LICENSE#', 'TransactionConflict');
    });
    const res = await invoke();
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error.code).toBe('busy');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    expect(looseWrites()).toHaveLength(0);
  });

  it('retries throttling after the SDK gives up, then answers 503 busy', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const res = await invoke();
    expect(res.statusCode).toBe(503);
    expect(looseWrites()).toHaveLength(0);
  });

  it('after a timeout whose grant did commit, finds its seat lock and joins that session, not a second seat', async () => {
    const timeout = Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
    let attempt = 0;
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      attempt++;
      if (attempt === 1) throw timeout;
      const items = input.TransactItems ?? [];
      // The retry finds the lock the first attempt wrote (in wire format, as DynamoDB returns it).
      if (items.some((i) => keyOf(i).startsWith('SEAT#') && i.Put)) {
        throw cancelledAt(items, 'SEAT#', 'ConditionalCheckFailed', {
          pk: { S: pk },
          sessionId: { S: 'ses_committed' },
        });
      }
      return {};
    });
    const res = await invoke();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).sessionId).toBe('ses_committed');
  });

  it('answers 409 seats_exhausted when the license turns out full, and records one denial in the refusal write', async () => {
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      const items = input.TransactItems ?? [];
      // Every grant finds the license full; the refusal's check that it still is full passes.
      if (items.some((i) => i.Update && keyOf(i).startsWith('CATALOG#LICENSE#')))
        throw cancelledAt(items, 'CATALOG#LICENSE#');
      return {};
    });
    const res = await invoke();
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body).error.code).toBe('seats_exhausted');
    const refusal = transactions().at(-1) ?? [];
    expect(refusal.map(keyOf).filter((k) => k.startsWith('DENIAL#') && k.includes('#lic_cal#'))).toHaveLength(
      1,
    );
    // Join beats refusal: the denial is written only if the user holds no seat on this PC.
    expect(refusal.find((i) => keyOf(i).startsWith('SEAT#'))?.ConditionCheck?.ConditionExpression).toContain(
      'attribute_not_exists',
    );
    // And only while the license it found full still is: a seat freed meanwhile makes it decide again.
    expect(
      refusal.find((i) => keyOf(i).startsWith('CATALOG#LICENSE#'))?.ConditionCheck?.ConditionExpression,
    ).toMatch(/^NOT /);
  });
});

describe('the seat ledger reports failed changes by name', () => {
  const ledger = createSeatLedger({
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    table: 't',
  });
  const write = new SeatWriteBuilder()
    .counter({
      name: 'license',
      ref: { type: 'license', accountId: ACC, licenseId: 'lic_cal' },
      add: { used: 1 },
      condition: () => ({ kind: 'present' }),
    })
    .change({
      op: 'putLock',
      name: 'lock',
      ref: { type: 'seatLock', accountId: ACC, userId: 'u', product: 'p', machineId: 'm' },
      sessionId: 's',
    })
    .build();

  it('maps each ConditionalCheckFailed to its change’s name, whatever its position, with the old item', async () => {
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      throw cancelledAt(input.TransactItems ?? [], 'SEAT#', 'ConditionalCheckFailed', {
        pk: { S: pk },
        sessionId: { S: 'ses_old' },
      });
    });
    expect(await ledger.write(write)).toEqual({
      ok: false,
      failed: ['lock'],
      returned: { lock: { pk, sessionId: 'ses_old' } },
    });
  });

  it('throws a conflict for the caller to retry, and any other error as is', async () => {
    ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
      throw cancelledAt(input.TransactItems ?? [], 'SEAT#', 'TransactionConflict');
    });
    await expect(ledger.write(write)).rejects.toBeInstanceOf(TransactionCanceledException);
    ddb.on(TransactWriteCommand).rejects(new Error('boom'));
    await expect(ledger.write(write)).rejects.toThrow('boom');
  });

  it('refuses a write over DynamoDB’s 100 items before sending it', async () => {
    const big = new SeatWriteBuilder();
    for (let i = 0; i < 101; i++) {
      big.change({
        op: 'putLock',
        name: `lock${i}`,
        ref: { type: 'seatLock', accountId: ACC, userId: `u${i}`, product: 'p', machineId: 'm' },
        sessionId: 's',
      });
    }
    await expect(ledger.write(big.build())).rejects.toThrow(/over DynamoDB/);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
