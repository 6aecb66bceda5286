// Usage data: sessions and denials of an account for a time range, and the hourly rollups the check writes.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HourStats, OpenCounts, RollupEntry, UsageDenial, UsageSession } from '../../domain/usage.js';
import type { TableContext } from './client.js';
import { isConditionFailed } from './errors.js';
import { type QueryInput, queryAll as queryAllPages } from './query.js';
import { keys } from './keys.js';

/** Counts the items a job reads and writes (the hourly check logs them; the bench prints them). */
export interface Meter {
  read: number;
  written: number;
}

export function newMeter(): Meter {
  return { read: 0, written: 0 };
}

/** Rollup puts sent at once (each is conditional, so BatchWriteItem cannot carry them). */
const PARALLEL_PUTS = 16;

function usageSessionOf(item: Record<string, unknown>): UsageSession {
  return {
    sessionId: item.sessionId as string,
    licenseId: item.licenseId as string,
    startedAt: item.startedAt as string,
    endedAt: typeof item.endedAt === 'string' ? item.endedAt : undefined,
    roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function createUsageStore({ doc, table }: TableContext, meter: Meter = newMeter()) {
  const queryAll = (input: QueryInput) =>
    queryAllPages(doc, input, (page) => {
      meter.read += page.ScannedCount ?? page.Items?.length ?? 0;
    });

  return {
    meter,

    /** The hour up to which the hourly check has written rollups (null before its first run). */
    async rolledUpThrough(): Promise<number | null> {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.hourlyRun() }));
      meter.read += Item ? 1 : 0;
      return typeof Item?.rolledUpThrough === 'string' ? Date.parse(Item.rolledUpThrough) : null;
    },

    /**
     * Sessions of these licenses that overlap [fromMs, toMs): the live ones through each license's index, then
     * those that ended after fromMs through the account's ended-sessions index; what it reads grows with the
     * sessions of the window, not with the history the account keeps.
     */
    async sessionsOverlapping(
      accountId: string,
      licenseIds: readonly string[],
      fromMs: number,
      toMs: number,
    ): Promise<UsageSession[]> {
      const wanted = new Set(licenseIds);
      const projection = {
        ProjectionExpression: 'sessionId, licenseId, startedAt, endedAt, #roles, adminConnection',
        ExpressionAttributeNames: { '#roles': 'roles' },
      };
      const live = (
        await Promise.all(
          licenseIds.map((licenseId) =>
            queryAll({
              TableName: table,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :to',
              ...projection,
              ExpressionAttributeValues: { ':pk': keys.sessionsOfLicensePk(licenseId), ':to': iso(toMs) },
            }),
          ),
        )
      ).flat();
      // Read after the live ones: a session that ended in between is then found here too, and wins below.
      const ended = await queryAll({
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk > :from',
        FilterExpression: 'startedAt < :to',
        ...projection,
        ExpressionAttributeValues: {
          ':pk': keys.endedSessionsOfAccountPk(accountId),
          ':from': iso(fromMs),
          ':to': iso(toMs),
        },
      });
      const byId = new Map<string, Record<string, unknown>>();
      for (const item of [...live, ...ended]) {
        // The administrative connection holds no seat of the license it names.
        if (wanted.has(item.licenseId as string) && item.adminConnection !== true) {
          byId.set(item.sessionId as string, item);
        }
      }
      return [...byId.values()].map((item) => ({
        licenseId: item.licenseId as string,
        startedAt: item.startedAt as string,
        endedAt: typeof item.endedAt === 'string' ? item.endedAt : undefined,
        roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
      }));
    },

    /** Refused sign-ins recorded against a license in [fromMs, toMs): a key range, as denials sort by time. */
    /**
     * Refused sign-ins of the account in [fromMs, toMs), of the given licenses (all when omitted): one key range,
     * as denials sort by time.
     */
    async denials(
      accountId: string,
      fromMs: number,
      toMs: number,
      licenseIds?: readonly string[],
    ): Promise<UsageDenial[]> {
      const prefix = keys.denialsPrefix(accountId);
      const items = await queryAll({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': prefix.pk,
          ':from': `${prefix.sk}${iso(fromMs)}`,
          // Denials at exactly toMs sort after this bound ("...Z#lic" > "...Z"): the range is half-open.
          ':to': `${prefix.sk}${iso(toMs)}`,
        },
      });
      const wanted = licenseIds ? new Set(licenseIds) : null;
      return items
        .filter((item) => !wanted || wanted.has(item.licenseId as string))
        .map((item) => ({
          licenseId: item.licenseId as string,
          at: item.at as string,
          roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
        }));
    },

    /**
     * Sessions of the account that started in [fromMs, toMs) and are still live (gsi2 LIVE_SESSIONS by start
     * time), seat holders only (the administrative connection holds no seat of its license).
     */
    async liveStartedIn(accountId: string, fromMs: number, toMs: number): Promise<UsageSession[]> {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ProjectionExpression: 'sessionId, licenseId, startedAt, #roles, adminConnection',
        ExpressionAttributeNames: { '#roles': 'roles' },
        ExpressionAttributeValues: {
          ':pk': keys.liveSessionsOfAccountPk(accountId),
          ':from': iso(fromMs),
          // "<startedAt>#<id>": everything started before toMs sorts at or before "<toMs - 1 ms>#\uffff".
          ':to': `${iso(toMs - 1)}#\uffff`,
        },
      });
      return items.filter((item) => item.adminConnection !== true).map(usageSessionOf);
    },

    /** Sessions of the account that ended at or after fromMs (gsi2 ENDED_SESSIONS by end time). */
    async endedSince(accountId: string, fromMs: number): Promise<UsageSession[]> {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :from',
        ProjectionExpression: 'sessionId, licenseId, startedAt, endedAt, #roles, adminConnection',
        ExpressionAttributeNames: { '#roles': 'roles' },
        ExpressionAttributeValues: { ':pk': keys.endedSessionsOfAccountPk(accountId), ':from': iso(fromMs) },
      });
      return items.filter((item) => item.adminConnection !== true).map(usageSessionOf);
    },

    /** The counts of sessions open at the start of the next hour to roll up, or null before the first run. */
    async rollupState(accountId: string): Promise<{ openAt: number; counts: OpenCounts } | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.rollupState(accountId), ConsistentRead: true }),
      );
      meter.read += Item ? 1 : 0;
      if (!Item || typeof Item.openAt !== 'string') return null;
      const counts: OpenCounts = new Map();
      for (const [licenseId, perRole] of Object.entries(
        (Item.counts ?? {}) as Record<string, Record<string, number>>,
      )) {
        counts.set(licenseId, new Map(Object.entries(perRole)));
      }
      return { openAt: Date.parse(Item.openAt), counts };
    },

    /** Records the counts open at `openAt` (the end of the hours just rolled up). */
    async putRollupState(accountId: string, openAt: number, counts: OpenCounts): Promise<void> {
      const plain: Record<string, Record<string, number>> = {};
      for (const [licenseId, perRole] of counts) plain[licenseId] = Object.fromEntries(perRole);
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.rollupState(accountId),
            entity: 'RollupState',
            accountId,
            openAt: iso(openAt),
            counts: plain,
          },
        }),
      );
      meter.written++;
    },

    /**
     * Writes the rollups that do not exist yet and returns how many it wrote (a run that repeats hours after a
     * crash writes nothing twice, so the runs' counts add up to what exists).
     */
    async putRollups(accountId: string, entries: readonly RollupEntry[]): Promise<number> {
      let written = 0;
      for (let i = 0; i < entries.length; i += PARALLEL_PUTS) {
        const batch = entries.slice(i, i + PARALLEL_PUTS).map(async (entry) => {
          const hourStart = iso(entry.hourStart);
          try {
            await doc.send(
              new PutCommand({
                TableName: table,
                Item: {
                  ...keys.rollup(accountId, entry.licenseId, hourStart, entry.role),
                  entity: 'Rollup',
                  accountId,
                  licenseId: entry.licenseId,
                  hourStart,
                  role: entry.role,
                  ...entry.stats,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
            written++;
            meter.written++;
          } catch (error) {
            if (!isConditionFailed(error)) throw error;
          }
        });
        await Promise.all(batch);
      }
      return written;
    },

    /** A license's rollups of one role key for the hours [fromHour, toHour), by hour start. */
    async rollups(
      accountId: string,
      licenseId: string,
      fromHour: number,
      toHour: number,
      role: string,
    ): Promise<Map<number, HourStats>> {
      const prefix = keys.rollupsPrefix(accountId, licenseId);
      const items = await queryAll({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: '#role = :role',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: {
          ':pk': prefix.pk,
          ':from': `${prefix.sk}${iso(fromHour)}`,
          ':to': `${prefix.sk}${iso(toHour)}`,
          ':role': role,
        },
      });
      const out = new Map<number, HourStats>();
      for (const item of items) {
        const hour = Date.parse(item.hourStart as string);
        if (hour >= toHour) continue;
        out.set(hour, {
          peakSessions: Number(item.peakSessions ?? 0),
          sessionsStarted: Number(item.sessionsStarted ?? 0),
          denied: Number(item.denied ?? 0),
          seatSeconds: Number(item.seatSeconds ?? 0),
        });
      }
      return out;
    },
  };
}

export type UsageStore = ReturnType<typeof createUsageStore>;
