// The activations handler against a mocked DocumentClient: the idempotent write path (one conditional
// transaction; the loser of a race hands out the winner's bytes) and bad input that writes nothing.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAlf } from '../../domain/alf.js';
import { handler } from '../../functions/handlers/activations.js';
import { resetConfig } from '../../functions/runtime/config.js';
import { setSigningForTests } from '../../functions/signing/index.js';
import { localKeys } from '../../functions/signing/local.js';
import { freshClaims, storeKnows } from '../support/identity.js';

const ddb = mockClient(DynamoDBDocumentClient);
const keys = localKeys(undefined);
const licenseItem = {
  licenseId: 'lic_1',
  accountId: 'acc_1',
  product: 'Altium NEXUS Server CAL',
  kind: 'cal',
  seats: 10,
  used: 0,
  activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
  validFrom: '2020-01-01T00:00:00.000Z',
  validUntil: '2099-01-01T00:00:00.000Z',
};
const earlier = {
  activationId: 'act_earlier',
  accountId: 'acc_1',
  licenseId: 'lic_1',
  hostId: 'H1',
  fileName: 'Altium Nexus Server CAL License NX-AAAA-BBBB-CCCC-DDDD R10 Primary.alf',
  alf: 'the earlier bytes\n',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function event(body: unknown, headers: Record<string, string> = {}) {
  return {
    routeKey: 'POST /v1/licenses/{licenseId}/activations',
    rawPath: '/v1/licenses/lic_1/activations',
    pathParameters: { licenseId: 'lic_1' },
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r1',
      authorizer: {
        jwt: { claims: freshClaims({ sub: 'usr_1', account: 'acc_1', admin: 'true', operator: 'false' }) },
      },
    },
  } as never;
}

async function call(body: unknown, headers?: Record<string, string>) {
  const result = await handler(event(body, headers), {} as never);
  return { status: result.statusCode, body: JSON.parse(result.body as string) };
}

let idempotencyItem: Record<string, unknown> | undefined;

beforeAll(() => {
  process.env.TABLE_NAME = 'unit-table';
  resetConfig();
  setSigningForTests({ signer: keys, keys });
});
afterAll(() => setSigningForTests(null));

beforeEach(() => {
  ddb.reset();
  storeKnows(ddb, 'unit-table', [{ userId: 'usr_1', accountId: 'acc_1', admin: true }]);
  // The activation limit's counter: counted, far from full.
  ddb
    .on(UpdateCommand)
    .resolves({ Attributes: { count: 1, windowEnd: Math.floor(Date.now() / 1000) + 3600 } });
  idempotencyItem = undefined;
  ddb.on(GetCommand).callsFake((input) => {
    const sk = input.Key.sk as string;
    if (sk === 'CATALOG#LICENSE#lic_1') return { Item: licenseItem };
    if (sk.startsWith('IDEMPOTENCY#lic_1#')) return { Item: idempotencyItem };
    if (sk === 'ACTIVATION#act_earlier') return { Item: earlier };
    return {};
  });
});

describe('activations with an idempotency-key', () => {
  it('writes the claim, the activation and its audit record in one conditional transaction, and the file verifies', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const res = await call({ hostId: 'H1' }, { 'idempotency-key': 'k1' });
    expect(res.status).toBe(201);
    expect(verifyAlf(res.body.alf, await keys.publicKeys()).valid).toBe(true);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(3);
    expect(items[0]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(items[0]?.Put?.Item?.sk).toMatch(/^IDEMPOTENCY#lic_1#/);
    // The raw header value is not stored, only its hash.
    expect(JSON.stringify(items[0]?.Put?.Item)).not.toContain('"k1"');
    expect(items[1]?.Put?.Item).toMatchObject({ entity: 'Activation', alf: res.body.alf });
    expect(items[2]?.Put?.Item).toMatchObject({
      entity: 'AuditEvent',
      action: 'activation.created',
      targetId: res.body.activationId,
      actor: { type: 'user', id: 'usr_1' },
    });
  });

  it('hands out the winner’s activation when a concurrent retry won the claim', async () => {
    ddb.on(TransactWriteCommand).callsFake(async () => {
      // The other request's claim lands just before ours.
      idempotencyItem = { activationId: 'act_earlier', requestHash: await hashOf({ hostId: 'H1' }) };
      throw new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      });
    });
    const res = await call({ hostId: 'H1' }, { 'idempotency-key': 'k1' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ activationId: 'act_earlier', fileName: earlier.fileName, alf: earlier.alf });
  });

  it('replays without writing, and refuses the key with another body (409)', async () => {
    idempotencyItem = { activationId: 'act_earlier', requestHash: await hashOf({ hostId: 'H1' }) };
    const replay = await call({ hostId: 'H1' }, { 'idempotency-key': 'k1' });
    expect(replay.body.activationId).toBe('act_earlier');
    const reused = await call({ hostId: 'H2' }, { 'idempotency-key': 'k1' });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
  });

  it.each([
    [{ hostId: 'a\u0085b' }], // C1 control: passes the schema, refused before signing
    [{ hostId: 'ok', hostName: '\ud800' }], // a lone surrogate cannot be written as UTF-8
  ])('refuses %j with 400 and writes nothing', async (body) => {
    const res = await call(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
  });
});

async function hashOf(body: { hostId: string; hostName?: string }) {
  const { idempotencyClaim } = await import('../../functions/handlers/activations.js');
  return idempotencyClaim('any', body)?.requestHash;
}
