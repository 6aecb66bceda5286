// The servers handler against a mocked DocumentClient: how transaction outcomes become answers, and that an
// acquisition is ONE TransactWriteItems holding the seat update and the holding put.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/handlers/servers.js';
import { resetConfig } from '../../functions/runtime/config.js';
import { setSigningForTests } from '../../functions/signing/index.js';
import { localKeys } from '../../functions/signing/local.js';
import { freshClaims, storeKnows } from '../support/identity.js';

const ddb = mockClient(DynamoDBDocumentClient);
const keys = localKeys(undefined);

const serverItem = {
  serverId: 'srv_1',
  accountId: 'acc_1',
  hostName: 'nexus',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const licenseItem = {
  licenseId: 'lic_1',
  accountId: 'acc_1',
  product: 'Altium NEXUS Server',
  kind: 'server',
  seats: 1,
  used: 0,
  activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
  validFrom: '2020-01-01T00:00:00.000Z',
  validUntil: '2099-01-01T00:00:00.000Z',
};

function acquireEvent(licenseIds: string[]) {
  return {
    routeKey: 'POST /v1/servers/{serverId}/acquisitions',
    rawPath: '/v1/servers/srv_1/acquisitions',
    pathParameters: { serverId: 'srv_1' },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ licenseIds }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r1',
      authorizer: {
        jwt: { claims: freshClaims({ sub: 'usr_1', account: 'acc_1', admin: 'true', operator: 'false' }) },
      },
    },
  } as never;
}

function cancelled(codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

async function call(licenseIds = ['lic_1']) {
  const result = await handler(acquireEvent(licenseIds), {} as never);
  return {
    status: result.statusCode,
    body: result.body ? JSON.parse(result.body as string) : undefined,
    headers: result.headers,
  };
}

beforeAll(() => {
  process.env.TABLE_NAME = 'unit-table';
  resetConfig();
  setSigningForTests({ signer: keys, keys });
});
afterAll(() => setSigningForTests(null));

beforeEach(() => {
  ddb.reset();
  storeKnows(ddb, 'unit-table', [{ userId: 'usr_1', accountId: 'acc_1', admin: true }]);
  ddb.on(GetCommand).callsFake((input) => {
    const sk = input.Key.sk as string;
    if (sk === 'CATALOG#SERVER#srv_1') return { Item: serverItem };
    if (sk === 'CATALOG#LICENSE#lic_1') return { Item: licenseItem };
    return {};
  });
  ddb.on(QueryCommand).resolves({ Items: [] });
});

describe('acquiring a Server license', () => {
  it('writes the holding and the seat in one transaction, conditioned on a free seat and a valid term', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call();
    expect(res.status).toBe(201);
    expect(res.body.files[0].licenseId).toBe('lic_1');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(4);
    // The server's holdings version moves with every acquisition (a concurrent delete then reads again).
    expect(items[0]?.Update?.Key).toEqual({ pk: 'ACCOUNT#acc_1', sk: 'CATALOG#SERVER#srv_1' });
    expect(items[0]?.Update?.UpdateExpression).toContain('holdingsVersion');
    expect(items[1]?.Put?.Item).toMatchObject({
      sk: 'CATALOG#HOLDING#srv_1#lic_1',
      entity: 'Holding',
      takesSeat: true,
    });
    expect(items[2]?.Update?.ConditionExpression).toContain('used < seats');
    expect(items[2]?.Update?.ConditionExpression).toContain('validUntil > :now');
    // The audit record of the acquisition is written with it (API.md "Audit log").
    expect(items[3]?.Put?.Item).toMatchObject({
      entity: 'AuditEvent',
      action: 'license.acquired',
      targetId: 'lic_1',
      actor: { type: 'user', id: 'usr_1' },
    });
  });

  it('turns a failed seat condition into 409 seats_exhausted', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'ConditionalCheckFailed']));
    const res = await call();
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('seats_exhausted');
  });

  it('turns a vanished server into 404', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None']));
    expect((await call()).status).toBe(404);
  });

  it('retries transaction conflicts and succeeds when the contention passes', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'TransactionConflict', 'None']))
      .rejectsOnce(cancelled(['None', 'None', 'TransactionConflict']))
      .resolves({});
    const res = await call();
    expect(res.status).toBe(201);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
  });

  it('answers 503 busy with retry-after when conflicts outlast the retries', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'TransactionConflict']));
    const res = await call();
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('busy');
    expect(res.headers?.['retry-after']).toBe('1');
  });

  it('takes nothing for a license the server already holds (200, no write)', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [{ ...licenseItem, serverId: 'srv_1', acquiredAt: '2026-01-01T00:00:00.000Z', takesSeat: true }],
    });
    const res = await call();
    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
  });

  it('rethrows other DynamoDB errors as a 500 that shows no internals', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('socket hang up: secret detail'));
    const res = await call();
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });
});

describe('deleting a server', () => {
  function deleteEvent() {
    return {
      routeKey: 'DELETE /v1/servers/{serverId}',
      rawPath: '/v1/servers/srv_1',
      pathParameters: { serverId: 'srv_1' },
      headers: {},
      isBase64Encoded: false,
      requestContext: {
        requestId: 'r2',
        authorizer: {
          jwt: { claims: freshClaims({ sub: 'usr_1', account: 'acc_1', admin: 'true', operator: 'false' }) },
        },
      },
    } as never;
  }
  const holding = {
    ...licenseItem,
    serverId: 'srv_1',
    acquiredAt: '2026-01-01T00:00:00.000Z',
    takesSeat: true,
  };

  it('frees the System seat with the delete, and reads again when an acquisition slipped in between', async () => {
    ddb.on(GetCommand).callsFake((input) => {
      if ((input.Key.sk as string) === 'CATALOG#SERVER#srv_1')
        return { Item: { ...serverItem, holdingsVersion: 1 } };
      return {};
    });
    ddb.on(QueryCommand).callsFake((input) => {
      // The live sessions of the server (its Expiry items): none; its holdings: one Server license.
      const prefix = String(input.ExpressionAttributeValues?.[':sk'] ?? '');
      return { Items: prefix.startsWith('CATALOG#HOLDING#') ? [holding] : [] };
    });
    ddb.on(UpdateCommand).resolves({});
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None']))
      .resolves({});
    const result = await handler(deleteEvent(), {} as never);
    expect(result.statusCode).toBe(204);
    // First the server is marked as being removed (every later grant fails its server condition) ...
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).toContain('removing');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    const items = ddb.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems ?? [];
    // ... then deleted with no live session, its holdings unchanged since read, its audit record, its seat back.
    expect(items[0]?.Delete?.ConditionExpression).toContain('live = :zero');
    expect(items[0]?.Delete?.ConditionExpression).toContain('holdingsVersion = :version');
    expect(items[1]?.Put?.Item).toMatchObject({
      entity: 'AuditEvent',
      action: 'server.removed',
      targetId: 'srv_1',
    });
    expect(items[2]?.Update?.Key).toEqual({ pk: 'ACCOUNT#acc_1', sk: 'CATALOG#HOLDING#srv_1#lic_1' });
    expect(items[3]?.Update?.UpdateExpression).toBe('SET used = used - :one');
  });
});
