// Fault injection with aws-sdk-client-mock: conflicts, throttling and timeouts are retried or answered 503 busy,
// and a seat is only ever written by one whole transaction (never half a grant).
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
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshClaims, storeKnows } from '../support/identity.js';
import { resetConfig } from '../../functions/runtime/config.js';
import { createSessionStore } from '../../functions/store/sessions.js';

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-06-01T12:00:00.000Z');
const ACC = 'acc_1';

const license = {
  pk: `ACCOUNT#${ACC}`,
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
  pk: `ACCOUNT#${ACC}`,
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

function cancelled(codes: string[], items: (Record<string, unknown> | undefined)[] = []) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code, i) => ({ Code, ...(items[i] ? { Item: items[i] as never } : {}) })),
  });
}

/** The reads of a sign-in, answered from the fixtures above. */
function mockReads() {
  ddb.on(GetCommand).callsFake((input: { Key: { sk: string } }) => {
    const sk = input.Key.sk;
    if (sk.startsWith('CATALOG#SERVER#'))
      return { Item: { serverId: 'srv_1', accountId: ACC, hostName: 'h' } };
    if (sk.startsWith('USER#')) {
      return { Item: { userId: 'usr_1', accountId: ACC, email: 'u@x', roles: ['All Users'], admin: false } };
    }
    if (sk.startsWith('SESSION#')) {
      return {
        Item: {
          entity: 'Session',
          sessionId: sk.slice('SESSION#'.length),
          accountId: ACC,
          licenseId: 'lic_cal',
          assignmentId: 'asg_1',
          serverId: 'srv_1',
          userId: 'usr_1',
          machineId: 'PC',
          product: license.product,
          clients: new Set(['browser']),
          startedAt: NOW.toISOString(),
          expiresAt: '2026-06-01T12:10:00.000Z',
          version: 0,
        },
      };
    }
    return {};
  });
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
    const sk = input.ExpressionAttributeValues[':sk'] ?? '';
    // A sign-in reads its whole catalogue in one Query.
    if (sk === 'CATALOG#') {
      const server = { entity: 'Server', serverId: 'srv_1', accountId: ACC, hostName: 'h' };
      return { Items: [assignment, holding, license, serverLicense, server] };
    }
    if (sk.startsWith('CATALOG#HOLDING#')) return { Items: [holding] };
    if (sk.startsWith('CATALOG#LICENSE#')) return { Items: [license, serverLicense] };
    if (sk.startsWith('CATALOG#ASSIGNMENT#')) return { Items: [assignment] };
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

/** Every write the sign-in sent: a seat may only come from a whole TransactWriteItems. */
function writes() {
  return [
    ...ddb.commandCalls(PutCommand).filter((c) => !String(c.args[0].input.Item?.sk).startsWith('DENIAL#')),
    ...ddb.commandCalls(UpdateCommand),
  ];
}

describe('a seat grant under faults', () => {
  it('retries a TransactionConflict with the same idempotency token and then grants the seat', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'TransactionConflict', 'None', 'None']))
      .rejectsOnce(cancelled(['TransactionConflict', 'None', 'None', 'None']))
      .resolves({});
    const res = await invoke();
    expect(res.statusCode).toBe(201);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(3);
    const tokens = new Set(calls.map((c) => c.args[0].input.ClientRequestToken));
    expect(tokens.size).toBe(1);
    expect(calls[0]?.args[0].input.TransactItems).toHaveLength(5);
    expect(writes()).toHaveLength(0);
  });

  it('answers 503 busy with retry-after when conflicts outlast the retries, having written nothing else', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'None', 'None', 'None']));
    const res = await invoke();
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error.code).toBe('busy');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    expect(writes()).toHaveLength(0);
  });

  it('retries throttling after the SDK gives up, then answers 503 busy', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const res = await invoke();
    expect(res.statusCode).toBe(503);
    expect(writes()).toHaveLength(0);
  });

  it('after a timeout whose grant did commit, finds its seat lock and answers with that session, not a second seat', async () => {
    const timeout = Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(timeout)
      .rejects(
        cancelled(
          ['None', 'None', 'ConditionalCheckFailed', 'None'],
          [undefined, undefined, { sessionId: { S: 'ses_committed' } }],
        ),
      );
    ddb.on(UpdateCommand).resolves({
      Attributes: {
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
        startedAt: NOW.toISOString(),
        expiresAt: '2026-06-01T12:10:00.000Z',
      },
    });
    const res = await invoke();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).sessionId).toBe('ses_committed');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('answers 409 seats_exhausted when the license is full and records one denial', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None']));
    ddb.on(PutCommand).resolves({});
    const res = await invoke();
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body).error.code).toBe('seats_exhausted');
    const denials = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.sk as string);
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatch(/^DENIAL#lic_cal#/);
  });
});

describe('the session store maps cancellation reasons', () => {
  const store = createSessionStore({
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    table: 't',
  });
  const session = {
    sessionId: 'ses_1',
    accountId: ACC,
    licenseId: 'lic_cal',
    assignmentId: 'asg_1',
    serverId: 'srv_1',
    userId: 'usr_1',
    machineId: 'PC',
    product: license.product,
    clients: ['browser' as const],
    roles: ['All Users'],
    startedAt: NOW.toISOString(),
    expiresAt: '2026-06-01T12:10:00.000Z',
    roamingUntil: null,
    adminSeat: false,
  };
  const grant = () =>
    store.grant({
      session,
      role: 'All Users',
      now: NOW,
      clientRequestToken: 'ses_1-0-0',
      requireAutomaticLeasing: true,
    });

  it.each([
    [['ConditionalCheckFailed', 'None', 'None', 'None'], 'license_full'],
    [['None', 'ConditionalCheckFailed', 'None', 'None'], 'assignment_full'],
    [['ConditionalCheckFailed', 'ConditionalCheckFailed', 'None', 'None'], 'license_full'],
  ])('reasons %j -> %s', async (codes, kind) => {
    ddb.on(TransactWriteCommand).rejects(cancelled(codes));
    expect((await grant()).kind).toBe(kind);
  });

  it('an existing seat lock wins over a full license: the user already holds a seat', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(
        cancelled(
          ['ConditionalCheckFailed', 'None', 'ConditionalCheckFailed', 'None'],
          [undefined, undefined, { sessionId: { S: 'ses_old' } }],
        ),
      );
    expect(await grant()).toEqual({ kind: 'already_seated', sessionId: 'ses_old' });
  });

  it('throws a conflict for the caller to retry, and any other error as is', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'TransactionConflict', 'None']));
    await expect(grant()).rejects.toBeInstanceOf(TransactionCanceledException);
    ddb.on(TransactWriteCommand).rejects(new Error('boom'));
    await expect(grant()).rejects.toThrow('boom');
  });

  it('ends a session at most once: a second end finds it ended and changes nothing', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None']));
    expect(await store.endSession(ACC, 'ses_1', 'killed', NOW, { session })).toBe(false);
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.endSession(ACC, 'ses_1', 'killed', NOW, { session })).toBe(true);
    const items = ddb.commandCalls(TransactWriteCommand).at(-1)?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => Object.keys(i)[0])).toEqual(['Update', 'Update', 'Update', 'Delete']);
  });
});
