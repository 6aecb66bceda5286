// The hourly check's records: the latest run's time (runs move forward), the lease of the run that works now,
// and how far rollups reach. Writes only; the job in functions/jobs/hourly-check decides.
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from './client.js';
import { isConditionFailed } from './errors.js';
import { keys } from './keys.js';
import type { Meter } from './usage.js';

/** The run record: the latest run's time, how far rollups reach, accounts to roll up once more. */
export interface HourlyRun {
  lastRunAt: string | null;
  rolledUpThrough: string | null;
  /** Accounts whose licenses expired since the last rollups: rolled up once more although no longer due. */
  pendingAccounts: string[];
  /** Whether the latest run finished its work (a follow-up finishes an incomplete one). */
  complete: boolean;
}

function runFromItem(item: Record<string, unknown> | undefined): HourlyRun {
  const pending = item?.pendingAccounts;
  return {
    lastRunAt: typeof item?.lastRunAt === 'string' ? item.lastRunAt : null,
    rolledUpThrough: typeof item?.rolledUpThrough === 'string' ? item.rolledUpThrough : null,
    pendingAccounts:
      pending instanceof Set ? [...pending].map(String) : Array.isArray(pending) ? pending : [],
    complete: item?.complete !== false,
  };
}

export function createHourlyRunStore({ doc, table }: TableContext, meter: Meter) {
  return {
    async getRun(): Promise<HourlyRun> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.hourlyRun(), ConsistentRead: true }),
      );
      meter.read += Item ? 1 : 0;
      return runFromItem(Item);
    },

    /**
     * Takes the lease for `owner` until `until` (ISO) when nobody holds it or its holder's lease has passed
     * (a crashed run blocks the next for a while only). Returns null when taken, else the current holder's end.
     */
    async acquireLease(owner: string, realNow: Date, until: Date): Promise<string | null> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.hourlyLease(),
            UpdateExpression: 'SET #owner = :owner, leaseUntil = :until, entity = :entity',
            ConditionExpression: 'attribute_not_exists(#owner) OR leaseUntil <= :now',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':owner': owner,
              ':until': until.toISOString(),
              ':now': realNow.toISOString(),
              ':entity': 'HourlyLease',
            },
          }),
        );
        meter.written++;
        return null;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const { Item } = await doc.send(
          new GetCommand({ TableName: table, Key: keys.hourlyLease(), ConsistentRead: true }),
        );
        return typeof Item?.leaseUntil === 'string' ? Item.leaseUntil : until.toISOString();
      }
    },

    /** Gives the lease back, only if `owner` still holds it. */
    async releaseLease(owner: string): Promise<void> {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: table,
            Key: keys.hourlyLease(),
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    },

    /**
     * Records a run as of `at`, only if no run happened later (time only moves forward). Returns the record as
     * it was before, or { refusedBy } with the latest run's time when `at` is too early.
     */
    async beginRun(at: Date): Promise<{ previous: HourlyRun } | { refusedBy: string }> {
      const time = at.toISOString();
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.hourlyRun(),
            UpdateExpression: 'SET lastRunAt = :at, entity = :entity',
            ConditionExpression: 'attribute_not_exists(lastRunAt) OR lastRunAt <= :at',
            ExpressionAttributeValues: { ':at': time, ':entity': 'HourlyRun' },
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        meter.written++;
        return { previous: runFromItem(Attributes) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const old = (error as { Item?: Record<string, unknown> }).Item;
        const lastRunAt = typeof old?.lastRunAt === 'string' ? old.lastRunAt : null;
        return { refusedBy: lastRunAt ?? (await this.getRun()).lastRunAt ?? time };
      }
    },

    /** Records whether the run as of `at` finished its work (only if no later run has started). */
    async recordCompletion(at: Date, complete: boolean): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.hourlyRun(),
            UpdateExpression: 'SET complete = :complete',
            ConditionExpression: 'lastRunAt = :at',
            ExpressionAttributeValues: { ':complete': complete, ':at': at.toISOString() },
          }),
        );
        meter.written++;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    },

    /** Remembers an account to roll up at the next rollups, before its expired license leaves the index. */
    async addPendingAccount(accountId: string): Promise<void> {
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.hourlyRun(),
          UpdateExpression: 'ADD pendingAccounts :one',
          ExpressionAttributeValues: { ':one': new Set([accountId]) },
        }),
      );
      meter.written++;
    },

    /** Rollups are complete up to `through`; the pending accounts rolled up are done with. */
    async finishRollups(through: string, rolledAccounts: string[]): Promise<void> {
      const done = rolledAccounts.length ? ' DELETE pendingAccounts :done' : '';
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.hourlyRun(),
            UpdateExpression: `SET rolledUpThrough = :through${done}`,
            ConditionExpression: 'attribute_not_exists(rolledUpThrough) OR rolledUpThrough <= :through',
            ExpressionAttributeValues: {
              ':through': through,
              ...(rolledAccounts.length ? { ':done': new Set(rolledAccounts) } : {}),
            },
          }),
        );
        meter.written++;
      } catch (error) {
        // A later run already rolled further: nothing to move.
        if (!isConditionFailed(error)) throw error;
      }
    },
  };
}

export type HourlyRunStore = ReturnType<typeof createHourlyRunStore>;
