// The hourly check: its run record (time only moves forward), due work found on the `due` index, and the run.
//
// One run, as of time `at`:
//  1. licenses due by `at` (due index, LICENSE partitions): end their live sessions, mark the servers that held
//     them lapsed when every Server license they held has expired (ending their connections but one
//     administrator's), then count the license expired once;
//  2. sessions due by `at` (due index, SESSION partitions): end each one past its expiresAt and roamingUntil
//     (reclaimed / roaming_ended) or whose license expired, freeing its seat in the same transaction;
//  3. rollups of the completed hours since the last run, for the accounts with licenses still live (or that
//     expired since), then the run record's rolledUpThrough moves on.
// Every step is idempotent and leaves the due index as it finishes each item, so a run cut off midway loses
// nothing: the next run finds the rest. Cost grows with due items (plus, for rollups, the active accounts).
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  dueSessionDecision,
  emptySummary,
  type HourlySummary,
  lapseOf,
  rollupWindow,
  runTime,
  summaryFieldOf,
} from '../../domain/hourly-check.js';
import type { License } from '../../domain/license.js';
import { CAL_PRODUCT } from '../../domain/products.js';
import type { EndReason, Session } from '../../domain/sessions.js';
import { rollupsFor } from '../../domain/usage.js';
import type { TableContext } from './client.js';
import { isConditionFailed } from './errors.js';
import { type DueType, duePartitions, keys } from './keys.js';
import { licenseFromItem } from './licenses.js';
import { queryAll } from './query.js';
import { createSessionStore, sessionFromItem } from './sessions.js';
import { createUsageStore, type Meter, newMeter } from './usage.js';

export interface HourlyRun {
  lastRunAt: string | null;
  rolledUpThrough: string | null;
  /** Accounts whose licenses expired since the last rollups: rolled up once more although no longer due. */
  pendingAccounts: string[];
}

/** How a run ends a session: the sessions store's endSession (one transaction that frees the seat once). */
export interface SessionEnder {
  endSession(
    accountId: string,
    sessionId: string,
    reason: EndReason,
    now: Date,
    options?: { onlyIfReclaimable?: boolean; session?: Session },
  ): Promise<boolean>;
  liveSessionsOfLicense(licenseId: string): Promise<Session[]>;
}

/** Items per due-index page: a run holds at most one page in memory. */
export const DUE_PAGE_SIZE = 100;

function runFromItem(item: Record<string, unknown> | undefined): HourlyRun {
  const pending = item?.pendingAccounts;
  return {
    lastRunAt: typeof item?.lastRunAt === 'string' ? item.lastRunAt : null,
    rolledUpThrough: typeof item?.rolledUpThrough === 'string' ? item.rolledUpThrough : null,
    pendingAccounts:
      pending instanceof Set ? [...pending].map(String) : Array.isArray(pending) ? pending : [],
  };
}

export function createHourlyStore({ doc, table }: TableContext, meter: Meter = newMeter()) {
  const countItems = (page: { Items?: unknown[] }) => {
    meter.read += page.Items?.length ?? 0;
  };
  const countScanned = (page: { ScannedCount?: number }) => {
    meter.read += page.ScannedCount ?? 0;
  };
  return {
    meter,

    async getRun(): Promise<HourlyRun> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.hourlyRun(), ConsistentRead: true }),
      );
      meter.read += Item ? 1 : 0;
      return runFromItem(Item);
    },

    /**
     * Records a run as of `at`, only if no run happened later (a conditional write, so two racing runs cannot
     * move time backwards). Returns the record as it was before, or the latest run time when `at` is too early.
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
      await doc
        .send(
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
        )
        .catch((error) => {
          // A later run already rolled further: nothing to move.
          if (!isConditionFailed(error)) throw error;
        });
      meter.written++;
    },

    /**
     * Pages of items due by `at` (dueSk <= at) in every shard of a type, oldest first. Each page is handed
     * over before the next is read; items the caller finishes leave the index, the rest are paged past.
     */
    async *due(type: DueType, at: Date, pageSize = DUE_PAGE_SIZE): AsyncGenerator<Record<string, unknown>[]> {
      // dueSk is "<ISO time>#<id>": everything due at or before `at` sorts before "<at>#\uffff".
      const bound = `${at.toISOString()}#\uffff`;
      for (const partition of duePartitions(type)) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await doc.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'due',
              KeyConditionExpression: 'duePk = :pk AND dueSk <= :bound',
              ExpressionAttributeValues: { ':pk': partition, ':bound': bound },
              ExclusiveStartKey: start,
              Limit: pageSize,
            }),
          );
          meter.read += page.Items?.length ?? 0;
          if (page.Items?.length) yield page.Items;
          start = page.LastEvaluatedKey;
        } while (start);
      }
    },

    /** The accounts owning licenses still on the due index (not counted expired): those rollups look at. */
    async accountsWithLiveLicenses(): Promise<Set<string>> {
      const accounts = new Set<string>();
      for (const partition of duePartitions('LICENSE')) {
        const items = await queryAll(
          doc,
          {
            TableName: table,
            IndexName: 'due',
            KeyConditionExpression: 'duePk = :pk',
            ProjectionExpression: 'accountId',
            ExpressionAttributeValues: { ':pk': partition },
          },
          countItems,
        );
        for (const item of items) if (typeof item.accountId === 'string') accounts.add(item.accountId);
      }
      return accounts;
    },

    async getLicense(accountId: string, licenseId: string): Promise<License | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.license(accountId, licenseId), ConsistentRead: true }),
      );
      meter.read += Item ? 1 : 0;
      return Item ? licenseFromItem(Item) : null;
    },

    /** Every license of an account (rollups need the CAL and client ones for their denials). */
    async licensesOf(accountId: string): Promise<License[]> {
      const prefix = keys.licensesPrefix(accountId);
      const items = await queryAll(
        doc,
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
        },
        countItems,
      );
      return items.map(licenseFromItem);
    },

    /**
     * Counts a license expired once: sets expiredAt and takes it off the due index, only while its end has
     * passed (a renewal in between wins) and it was not counted before. True when THIS call counted it.
     */
    async markExpired(accountId: string, licenseId: string, at: Date): Promise<boolean> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.license(accountId, licenseId),
            UpdateExpression: 'SET expiredAt = :at REMOVE duePk, dueSk',
            ConditionExpression: 'validUntil <= :at AND attribute_not_exists(expiredAt)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        );
        meter.written++;
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    /** The servers of an account that hold (or held) a license: one Query over the account's holdings. */
    async serversHolding(accountId: string, licenseId: string): Promise<string[]> {
      const prefix = keys.allHoldingsPrefix(accountId);
      const items = await queryAll(
        doc,
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          FilterExpression: 'licenseId = :license AND attribute_not_exists(releasedAt)',
          ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk, ':license': licenseId },
        },
        countScanned,
      );
      return items.map((item) => item.serverId as string);
    },

    /** The Server licenses a server holds (read from the licenses themselves: renewals live there). */
    async serverLicensesOf(accountId: string, serverId: string): Promise<License[]> {
      const prefix = keys.holdingsPrefix(accountId, serverId);
      const { Items } = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
          ConsistentRead: true,
        }),
      );
      meter.read += Items?.length ?? 0;
      const held = (Items ?? []).filter((item) => item.kind === 'server' && !item.releasedAt);
      const licenses = await Promise.all(
        held.map((item) => this.getLicense(accountId, item.licenseId as string)),
      );
      return licenses.filter((license): license is License => license !== null);
    },

    /** The live sessions of a server (gsi2), oldest first. */
    async sessionsOfServer(accountId: string, serverId: string): Promise<Session[]> {
      const items = await queryAll(
        doc,
        {
          TableName: table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.sessionsOfServerPk(serverId) },
        },
        countItems,
      );
      const out = items.map(sessionFromItem).filter((s) => s.accountId === accountId && !s.endedAt);
      return out.sort(
        (a, b) => a.startedAt.localeCompare(b.startedAt) || a.sessionId.localeCompare(b.sessionId),
      );
    },

    async isAdmin(accountId: string, userId: string): Promise<boolean> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.user(accountId, userId) }),
      );
      meter.read += Item ? 1 : 0;
      return Item?.admin === true;
    },

    /**
     * Counts a server lapsed once per lapse: lapsedAsOf is the latest end of its Server licenses, so after a
     * renewal and a second expiry it counts again. True when THIS call marked it.
     */
    async markLapsed(accountId: string, serverId: string, asOf: string, at: Date): Promise<boolean> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.server(accountId, serverId),
            UpdateExpression: 'SET lapsedAt = :at, lapsedAsOf = :asOf',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(lapsedAsOf) OR lapsedAsOf < :asOf)',
            ExpressionAttributeValues: { ':at': at.toISOString(), ':asOf': asOf },
          }),
        );
        meter.written++;
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
  };
}

export type HourlyStore = ReturnType<typeof createHourlyStore>;

export interface HourlyRunResult {
  at: string;
  summary: HourlySummary;
  itemsRead: number;
  itemsWritten: number;
  durationMs: number;
  /** True when the run stopped at its time budget: the next run finishes the due work left. */
  unfinished: boolean;
}

/** Thrown when a run asks for a time earlier than the latest run's. */
export class RunTimeRefusedError extends Error {
  constructor(readonly latestRun: string) {
    super(`a later hourly check already ran (${latestRun})`);
  }
}

/**
 * Runs the hourly check as of `at` (already chosen by the caller: see runTime in domain/hourly-check.ts).
 * The run record refuses an earlier time than the latest run's with RunTimeRefusedError.
 */
export async function runHourlyCheck(
  context: TableContext,
  sessions: SessionEnder,
  at: Date,
  options: { pageSize?: number; deadline?: number } = {},
): Promise<HourlyRunResult> {
  const started = Date.now();
  // Past the deadline (epoch ms; a Lambda's remaining time) the run stops taking due pages and leaves them.
  const overtime = () => options.deadline !== undefined && Date.now() > options.deadline;
  let unfinished = false;
  const meter = newMeter();
  const store = createHourlyStore(context, meter);
  const usage = createUsageStore(context, meter);
  const summary = emptySummary();

  const begun = await store.beginRun(at);
  if ('refusedBy' in begun) throw new RunTimeRefusedError(begun.refusedBy);

  // 1. Licenses whose end has passed.
  for await (const page of store.due('LICENSE', at, options.pageSize)) {
    if (overtime()) {
      unfinished = true;
      break;
    }
    for (const item of page) {
      if (item.entity !== 'License' || item.expiredAt) continue;
      const license = licenseFromItem(item);
      if (Date.parse(license.validUntil) > at.getTime()) continue; // renewed since the index was written
      await expireLicense(store, sessions, license, at, summary);
    }
  }

  // 2. Sessions past their expiry or roaming end, or of a license that ended.
  const licenses = new Map<string, License | null>();
  for await (const page of store.due('SESSION', at, options.pageSize)) {
    if (unfinished || overtime()) {
      unfinished = true;
      break;
    }
    for (const item of page) {
      if (item.entity !== 'Session') continue;
      const session = sessionFromItem(item);
      let reason = dueSessionDecision(session, undefined, at);
      if (!reason && !session.endedAt) {
        // Not past its own end: only its license's end can end it now (one read per license per run).
        const licenseKey = `${session.accountId}/${session.licenseId}`;
        if (!licenses.has(licenseKey)) {
          licenses.set(licenseKey, await store.getLicense(session.accountId, session.licenseId));
        }
        reason = dueSessionDecision(session, licenses.get(licenseKey) ?? null, at);
      }
      if (!reason) continue;
      const ended = await sessions.endSession(session.accountId, session.sessionId, reason, at, {
        session,
        onlyIfReclaimable: reason !== 'license_expired',
      });
      const field = summaryFieldOf(reason);
      if (ended && field) summary[field]++;
    }
  }

  // 3. Rollups of the hours completed since the last run. An account pending since an earlier run is done with
  // once the rollups pass that run's hour (sessions ended by that run count in that hour).
  const run = await store.getRun();
  const previous = begun.previous;
  const window = rollupWindow(at, run.rolledUpThrough);
  if (window.fromHour < window.toHour) {
    const accounts = await store.accountsWithLiveLicenses();
    for (const account of run.pendingAccounts) accounts.add(account);
    for (const accountId of [...accounts].sort()) {
      const seated = (await store.licensesOf(accountId)).filter((l) => l.kind !== 'server');
      if (seated.length === 0) continue;
      const usageSessions = await usage.sessionsOverlapping(
        accountId,
        seated.map((l) => l.licenseId),
        window.fromHour,
        window.toHour,
      );
      const denials = (
        await Promise.all(
          seated.map((l) => usage.denials(accountId, l.licenseId, window.fromHour, window.toHour)),
        )
      ).flat();
      summary.rollupsWritten += await usage.putRollups(
        accountId,
        rollupsFor(usageSessions, denials, window.fromHour, window.toHour),
      );
    }
  }
  const settled =
    previous.lastRunAt && window.toHour > Date.parse(previous.lastRunAt) ? previous.pendingAccounts : [];
  await store.finishRollups(new Date(window.toHour).toISOString(), settled);

  return {
    at: at.toISOString(),
    summary,
    itemsRead: meter.read,
    itemsWritten: meter.written,
    durationMs: Date.now() - started,
    unfinished,
  };
}

/**
 * One license past its end. Its sessions end and its servers lapse BEFORE it is counted expired (which takes
 * it off the due index), so a run cut off here repeats these idempotent steps next time instead of losing them.
 */
async function expireLicense(
  store: HourlyStore,
  sessions: SessionEnder,
  license: License,
  at: Date,
  summary: HourlySummary,
): Promise<void> {
  if (license.kind !== 'server') {
    for (const session of await sessions.liveSessionsOfLicense(license.licenseId)) {
      if (session.accountId !== license.accountId) continue;
      await sessions.endSession(license.accountId, session.sessionId, 'license_expired', at, { session });
    }
  } else {
    for (const serverId of await store.serversHolding(license.accountId, license.licenseId)) {
      const asOf = lapseOf(await store.serverLicensesOf(license.accountId, serverId), at);
      if (!asOf) continue;
      await keepOneAdminConnection(store, sessions, license.accountId, serverId, at);
      if (await store.markLapsed(license.accountId, serverId, asOf, at)) summary.lapsedServers++;
    }
  }
  await store.addPendingAccount(license.accountId);
  if (await store.markExpired(license.accountId, license.licenseId, at)) summary.expiredLicenses++;
}

/**
 * The one entry of the EventBridge rule, the operator route and the local timer: picks the run time (an explicit
 * `now` only where honoured, never before the latest run) and runs. A run that loses a race to a later one is
 * retried at the later time, except an explicit `now`, which then answers 400.
 */
export async function runHourlyCheckAsOf(
  context: TableContext,
  input: { requested?: Date | undefined; real: Date; honourRequested: boolean; deadline?: number },
): Promise<HourlyRunResult> {
  const sessions = createSessionStore(context);
  for (let attempt = 1; ; attempt++) {
    const latest = (await createHourlyStore(context).getRun()).lastRunAt;
    const at = runTime({ ...input, latestRun: latest ? new Date(latest) : null });
    try {
      return await runHourlyCheck(
        context,
        sessions,
        at,
        input.deadline === undefined ? {} : { deadline: input.deadline },
      );
    } catch (error) {
      if (!(error instanceof RunTimeRefusedError) || attempt >= 3) throw error;
    }
  }
}

/**
 * A lapsed server keeps one Server and one CAL seat for backup and configuration: one administrative
 * connection. Its other connection (CAL) sessions end with the Server license; the oldest session of an
 * administrator stays. Design-software seats belong to their own licenses and are left alone. Idempotent.
 */
async function keepOneAdminConnection(
  store: HourlyStore,
  sessions: SessionEnder,
  accountId: string,
  serverId: string,
  at: Date,
): Promise<void> {
  let kept = false;
  for (const session of await store.sessionsOfServer(accountId, serverId)) {
    if (session.product !== CAL_PRODUCT) continue;
    if (!kept && (session.adminSeat || (await store.isAdmin(accountId, session.userId)))) {
      kept = true;
      continue;
    }
    await sessions.endSession(accountId, session.sessionId, 'license_expired', at, { session });
  }
}
