// The hourly check's writes with aws-sdk-client-mock: forward-only run time, count-once conditions, and a
// transaction conflict while ending a session that fails the run (the session stays due) instead of losing it.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHourlyStore, runHourlyCheck, RunTimeRefusedError } from '../../functions/store/hourly.js';
import { createSessionStore } from '../../functions/store/sessions.js';

const ddb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const context = { doc, table: 'portal' };
const AT = new Date('2028-02-29T12:00:00.000Z');

const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(
    new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }),
    item ? { Item: item } : {},
  );

const dueSession = {
  pk: 'ACCOUNT#acc_1',
  sk: 'SESSION#ses_1',
  entity: 'Session',
  sessionId: 'ses_1',
  accountId: 'acc_1',
  licenseId: 'lic_cal',
  assignmentId: 'asg_1',
  serverId: 'srv_1',
  userId: 'usr_1',
  machineId: 'PC-1',
  product: 'Altium NEXUS Server CAL',
  clients: ['browser'],
  roles: ['All Users'],
  startedAt: '2028-02-29T10:00:00.000Z',
  expiresAt: '2028-02-29T10:10:00.000Z',
  adminSeat: false,
};

beforeEach(() => {
  ddb.reset();
});

describe('run record', () => {
  it('starts a run only at or after the latest run, with a conditional write', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { lastRunAt: '2028-02-29T11:00:00.000Z' } });
    const begun = await createHourlyStore(context).beginRun(AT);
    expect(begun).toEqual({
      previous: { lastRunAt: '2028-02-29T11:00:00.000Z', rolledUpThrough: null, pendingAccounts: [] },
    });
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      ConditionExpression: 'attribute_not_exists(lastRunAt) OR lastRunAt <= :at',
      ExpressionAttributeValues: expect.objectContaining({ ':at': AT.toISOString() }),
    });
  });

  it('refuses a time before the latest run and names the latest run', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ lastRunAt: '2028-03-01T00:00:00.000Z' }));
    await expect(createHourlyStore(context).beginRun(AT)).resolves.toEqual({
      refusedBy: '2028-03-01T00:00:00.000Z',
    });
    ddb.on(GetCommand).resolves({ Item: { lastRunAt: '2028-03-01T00:00:00.000Z' } });
    await expect(runHourlyCheck(context, createSessionStore(context), AT)).rejects.toBeInstanceOf(
      RunTimeRefusedError,
    );
  });
});

describe('count once', () => {
  it('counts a license expired only while its end has passed and it was not counted before', async () => {
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const store = createHourlyStore(context);
    expect(await store.markExpired('acc_1', 'lic_1', AT)).toBe(true);
    expect(await store.markExpired('acc_1', 'lic_1', AT)).toBe(false);
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      UpdateExpression: 'SET expiredAt = :at REMOVE duePk, dueSk',
      ConditionExpression: 'validUntil <= :at AND attribute_not_exists(expiredAt)',
    });
  });

  it('counts a server lapsed once per lapse', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(
      await createHourlyStore(context).markLapsed('acc_1', 'srv_1', '2028-02-29T00:00:00.000Z', AT),
    ).toBe(false);
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(lapsedAsOf) OR lapsedAsOf < :asOf)',
    });
  });
});

describe('a conflict while ending a session', () => {
  it('fails the run, leaving the session due for the next run; nothing is counted as done', async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'DUE#SESSION#0' } })
      .resolves({ Items: [dueSession] });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    );
    await expect(runHourlyCheck(context, createSessionStore(context), AT)).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    // The run did not reach its rollups: rolledUpThrough did not move.
    const updates = ddb
      .commandCalls(UpdateCommand)
      .map((call) => String(call.args[0].input.UpdateExpression));
    expect(updates.some((expression) => expression.includes('rolledUpThrough'))).toBe(false);
  });
});
