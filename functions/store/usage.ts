// Usage data: sessions and denials of an account for a time range, and the hourly rollups the check writes.
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  bucketStarts,
  ceilHour,
  DAY_MS,
  type HourStats,
  HOUR_MS,
  type Interval,
  type RollupEntry,
  reportRows,
  roleKey,
  type UsageDenial,
  type UsageRow,
  type UsageSession,
  usageByHour,
} from '../../domain/usage.js';
import type { TableContext } from './client.js';
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

const BATCH = 25;

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
     * The account's sessions that held a seat at some time in [fromMs, toMs): live ones and ended ones alike
     * (ended sessions are kept, without index entries, for this). Reads the account's kept sessions.
     */
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
        ProjectionExpression: 'sessionId, licenseId, startedAt, endedAt, #roles',
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
        if (wanted.has(item.licenseId as string)) byId.set(item.sessionId as string, item);
      }
      return [...byId.values()].map((item) => ({
        licenseId: item.licenseId as string,
        startedAt: item.startedAt as string,
        endedAt: typeof item.endedAt === 'string' ? item.endedAt : undefined,
        roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
      }));
    },

    /** Refused sign-ins recorded against a license in [fromMs, toMs): a key range, as denials sort by time. */
    async denials(
      accountId: string,
      licenseId: string,
      fromMs: number,
      toMs: number,
    ): Promise<UsageDenial[]> {
      const prefix = keys.denialsPrefix(accountId, licenseId);
      const items = await queryAll({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': prefix.pk,
          ':from': `${prefix.sk}${iso(fromMs)}`,
          // Denials at exactly toMs sort after this bound ("...Z#nonce" > "...Z"): the range is half-open.
          ':to': `${prefix.sk}${iso(toMs)}`,
        },
      });
      return items.map((item) => ({
        licenseId,
        // "DENIAL#<licenseId>#<at>#<nonce>": the time is in the key even if the item lacks `at`.
        at:
          typeof item.at === 'string'
            ? item.at
            : (String(item.sk).slice(prefix.sk.length).split('#')[0] ?? ''),
        roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
      }));
    },

    /** Writes rollups (a rewrite of an hour writes the same numbers: runs may repeat an hour after a crash). */
    async putRollups(accountId: string, entries: readonly RollupEntry[]): Promise<number> {
      const items = entries.map((entry) => {
        const hourStart = iso(entry.hourStart);
        return {
          ...keys.rollup(accountId, entry.licenseId, hourStart, entry.role),
          entity: 'Rollup',
          accountId,
          licenseId: entry.licenseId,
          hourStart,
          role: entry.role,
          ...entry.stats,
        };
      });
      for (let i = 0; i < items.length; i += BATCH) {
        let requests: { PutRequest: { Item: Record<string, unknown> } }[] = items
          .slice(i, i + BATCH)
          .map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 50 * 2 ** attempt)));
          if (attempt > 8) throw new Error('DynamoDB kept refusing rollup writes (throttled)');
          const result = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          const unprocessed = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
          meter.written += requests.length - unprocessed.length;
          requests = unprocessed;
        }
      }
      return items.length;
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

export interface UsageReportRequest {
  accountId: string;
  licenseIds: readonly string[];
  from: Date;
  to: Date;
  interval: Interval;
  role?: string | undefined;
  now: Date;
}

/**
 * The usage report: hours the hourly check has rolled up come from rollups (history stays cheap after sessions
 * are gone); later hours, the current one included, are computed from live records as of now.
 */
export async function usageReport(context: TableContext, request: UsageReportRequest): Promise<UsageRow[]> {
  const { accountId, licenseIds, from, to, interval, role, now } = request;
  const usage = createUsageStore(context);
  const buckets = bucketStarts(from, to, interval);
  const first = buckets[0] ?? 0;
  const end = (buckets[buckets.length - 1] ?? first) + (interval === 'hour' ? HOUR_MS : DAY_MS);
  const rolled = (await usage.rolledUpThrough()) ?? first;
  const historyEnd = Math.max(first, Math.min(end, rolled));
  const liveFrom = Math.max(first, rolled);
  const liveTo = Math.min(end, ceilHour(now.getTime()));

  const history = new Map<string, Map<number, HourStats>>();
  const live = new Map<string, Map<number, HourStats>>();
  await Promise.all(
    licenseIds.map(async (licenseId) => {
      if (first < historyEnd) {
        history.set(licenseId, await usage.rollups(accountId, licenseId, first, historyEnd, roleKey(role)));
      }
    }),
  );
  if (liveFrom < liveTo) {
    const sessions = await usage.sessionsOverlapping(accountId, licenseIds, liveFrom, liveTo);
    for (const licenseId of licenseIds) {
      const denials = await usage.denials(accountId, licenseId, liveFrom, liveTo);
      const own = sessions.filter((session) => session.licenseId === licenseId);
      live.set(
        licenseId,
        usageByHour(own, denials, { fromHour: liveFrom, toHour: liveTo, asOf: now.getTime(), role }),
      );
    }
  }
  return reportRows(licenseIds, buckets, interval, (licenseId, hour) =>
    hour < historyEnd ? history.get(licenseId)?.get(hour) : live.get(licenseId)?.get(hour),
  );
}
