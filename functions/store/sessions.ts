// Seat sessions in DynamoDB: grants, the admin seat, heartbeats, roaming, ending, listing, reclaiming, denials.
//
// Exports others call (the servers and hourly-check code):
// - createSessionStore(ctx).endSession(accountId, sessionId, reason, now, options?) -> Promise<boolean>
//     Ends ONE session in ONE TransactWriteItems: marks it ended (endedAt, endReason; moves gsi2 to the account's ended sessions, removes gsi1/due so it
//     leaves the live indexes), decrements its license's and assignment's `used`, deletes its seat lock (or the
//     server's admin seat). Conditioned on the session not being ended yet, so a session is ended at most once:
//     true when THIS call ended it, false when it was already ended, missing, or (options.onlyIfReclaimable)
//     no longer past both its expiresAt and roamingUntil at `now` (a heartbeat won the race). Pass
//     options.session when you already read the item (e.g. from the due index) to skip the read.
// - createSessionStore(ctx).endSessionsOfServer(accountId, serverId, now) -> Promise<number>
//     Ends every live session of a server with reason 'server_removed'; returns how many THIS call ended.
// - createSessionStore(ctx).liveSessionsOfLicense(licenseId) -> Promise<Session[]> (gsi1; the hourly check's
//     'license_expired' sweep), sessionFromItem(item) for items read from the due index.
//
// Item shapes: Session at keys.session() carries licenseId, assignmentId, serverId, userId, machineId, product,
// clients (string set), roles, startedAt, expiresAt, roamingUntil?, adminSeat, version; while live also gsi1
// (keys.sessionsOfLicense), gsi2 (keys.sessionsOfServer) and dueAttributes('SESSION', id, holdsUntil). SeatLock
// at keys.seatLock() and AdminSeat at keys.adminSeat() hold the sessionId of the live session they belong to.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  ENDED_SESSION_RETENTION_DAYS,
  type EndReason,
  holdsUntil,
  type Session,
} from '../../domain/sessions.js';
import type { GrantOutcome } from '../../domain/seats.js';
import type { TableContext } from './client.js';
import { queryPages } from './query.js';
import { cancellationReasons, isConditionFailed } from './errors.js';
import { dueAttributes, keys } from './keys.js';
import { decodeToken, encodeToken, internalPage, type Page, type PageRequest } from './paging.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const CLIENT_ORDER = ['browser', 'design_client'] as const;

export function sessionFromItem(item: Record<string, unknown>): Session {
  const clients = item.clients instanceof Set ? [...item.clients] : ((item.clients as string[]) ?? []);
  return {
    sessionId: item.sessionId as string,
    accountId: item.accountId as string,
    licenseId: item.licenseId as string,
    assignmentId: (item.assignmentId as string | undefined) ?? '',
    serverId: item.serverId as string,
    userId: item.userId as string,
    machineId: item.machineId as string,
    product: item.product as string,
    clients: CLIENT_ORDER.filter((c) => clients.includes(c)),
    roles: (item.roles as string[] | undefined) ?? [],
    startedAt: item.startedAt as string,
    expiresAt: item.expiresAt as string,
    roamingUntil: (item.roamingUntil as string | undefined) ?? null,
    adminSeat: item.adminSeat === true,
    ...(typeof item.endedAt === 'string' ? { endedAt: item.endedAt } : {}),
    ...(typeof item.endReason === 'string' ? { endReason: item.endReason as EndReason } : {}),
  };
}

function sessionItem(session: Session) {
  return {
    ...keys.session(session.accountId, session.sessionId),
    ...keys.sessionsOfLicense(session.licenseId, session.startedAt, session.sessionId),
    ...keys.sessionsOfServer(session.serverId, session.sessionId),
    ...dueAttributes('SESSION', session.sessionId, holdsUntil(session)),
    entity: 'Session',
    sessionId: session.sessionId,
    accountId: session.accountId,
    licenseId: session.licenseId,
    assignmentId: session.assignmentId,
    serverId: session.serverId,
    userId: session.userId,
    machineId: session.machineId,
    product: session.product,
    clients: new Set(session.clients),
    roles: session.roles,
    startedAt: session.startedAt,
    expiresAt: session.expiresAt,
    ...(session.roamingUntil ? { roamingUntil: session.roamingUntil } : {}),
    adminSeat: session.adminSeat,
    version: 0,
  };
}

export interface GrantRequest {
  session: Session;
  /** The assignment's role as the picker saw it: a concurrent change of role must not let this grant through. */
  role: string;
  now: Date;
  /** Makes the transaction idempotent across the SDK's own retries (at most 36 characters). */
  clientRequestToken: string;
  /** The picker skipped assignments without automatic leasing: one turned off meanwhile must not serve. */
  requireAutomaticLeasing: boolean;
}

export interface SessionChange {
  expiresAt?: string;
  roamingUntil?: string;
  addClient?: string;
}

export interface EndOptions {
  onlyIfReclaimable?: boolean;
  session?: Session;
}

export function createSessionStore({ doc, table }: TableContext) {
  const store = {
    /**
     * One seat grant, ONE TransactWriteItems: the license counter (valid now, used < seats), the assignment
     * counter (not deleted, same role, under its cap unless "all"), the user+PC+product seat lock (must not
     * exist), the session, and a check that the server still exists. The cancellation reasons say which one refused. A TransactionConflict is thrown
     * for the caller's retry; any other error is rethrown.
     */
    async grant({
      session,
      role,
      now,
      clientRequestToken,
      requireAutomaticLeasing,
    }: GrantRequest): Promise<GrantOutcome> {
      const at = now.toISOString();
      const lockKey = keys.seatLock(session.accountId, session.product, session.userId, session.machineId);
      const items: TransactItem[] = [
        {
          Update: {
            TableName: table,
            Key: keys.license(session.accountId, session.licenseId),
            UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one',
            ConditionExpression:
              'attribute_exists(pk) AND validFrom <= :now AND validUntil > :now AND (attribute_not_exists(used) OR used < seats)',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':now': at },
          },
        },
        {
          Update: {
            TableName: table,
            Key: keys.assignment(session.accountId, session.licenseId, session.assignmentId),
            UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one',
            ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(deletedAt) AND #role = :role AND (seats = :all OR attribute_not_exists(used) OR used < seats)${requireAutomaticLeasing ? ' AND automaticLeasing <> :false' : ''}`,
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':role': role,
              ':all': 'all',
              ...(requireAutomaticLeasing ? { ':false': false } : {}),
            },
          },
        },
        {
          Put: {
            TableName: table,
            Item: {
              ...lockKey,
              entity: 'SeatLock',
              sessionId: session.sessionId,
              licenseId: session.licenseId,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: table,
            Item: sessionItem(session),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          // The seat picker may work from a catalogue read a moment ago: the server must still exist.
          ConditionCheck: {
            TableName: table,
            Key: keys.server(session.accountId, session.serverId),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ];
      try {
        await doc.send(
          new TransactWriteCommand({ TransactItems: items, ClientRequestToken: clientRequestToken }),
        );
        return { kind: 'granted' };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons || reasons.includes('TransactionConflict')) throw error;
        if (reasons[2] === 'ConditionalCheckFailed') {
          const old = stringAttr(error, 2, 'sessionId');
          // A lock without a readable holder cannot be joined; let the caller try again.
          return old ? { kind: 'already_seated', sessionId: old } : { kind: 'conflict' };
        }
        if (reasons[4] === 'ConditionalCheckFailed') return { kind: 'server_gone' };
        if (reasons[0] === 'ConditionalCheckFailed') return { kind: 'license_full' };
        if (reasons[1] === 'ConditionalCheckFailed') return { kind: 'assignment_full' };
        throw error;
      }
    },

    /**
     * The one administrative connection of an admin_only or lapsed server: the server's admin seat (must not
     * exist) and the session, in one transaction; no license counter moves (the seed keeps those seats aside).
     */
    async grantAdminSeat(session: Session): Promise<GrantOutcome> {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.adminSeat(session.accountId, session.serverId),
                    entity: 'AdminSeat',
                    sessionId: session.sessionId,
                    userId: session.userId,
                    machineId: session.machineId,
                    product: session.product,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: sessionItem(session),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return { kind: 'granted' };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons || reasons.includes('TransactionConflict')) throw error;
        if (reasons[0] === 'ConditionalCheckFailed') {
          const holder = stringAttr(error, 0, 'sessionId');
          const same =
            stringAttr(error, 0, 'userId') === session.userId &&
            stringAttr(error, 0, 'machineId') === session.machineId &&
            stringAttr(error, 0, 'product') === session.product;
          if (same && holder) return { kind: 'already_seated', sessionId: holder };
          return holder ? { kind: 'license_full', holderSessionId: holder } : { kind: 'license_full' };
        }
        throw error;
      }
    },

    async get(accountId: string, sessionId: string): Promise<Session | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.session(accountId, sessionId), ConsistentRead: true }),
      );
      return Item && Item.entity === 'Session' ? sessionFromItem(Item) : null;
    },

    /**
     * Changes a live session (expiry, roaming end, clients) only if nobody changed it since it was read
     * (version) and it has not ended; false when that condition failed, so the caller reads again.
     */
    async change(session: Session, version: number, change: SessionChange): Promise<boolean> {
      const next: Session = {
        ...session,
        ...(change.expiresAt ? { expiresAt: change.expiresAt } : {}),
        ...(change.roamingUntil ? { roamingUntil: change.roamingUntil } : {}),
      };
      const due = dueAttributes('SESSION', session.sessionId, holdsUntil(next));
      const sets = ['version = :next', 'expiresAt = :exp', 'duePk = :duePk', 'dueSk = :dueSk'];
      const values: Record<string, unknown> = {
        ':v': version,
        ':next': version + 1,
        ':exp': next.expiresAt,
        ':duePk': due.duePk,
        ':dueSk': due.dueSk,
      };
      if (next.roamingUntil) {
        sets.push('roamingUntil = :roam');
        values[':roam'] = next.roamingUntil;
      }
      let update = `SET ${sets.join(', ')}`;
      if (change.addClient) {
        update += ' ADD clients :client';
        values[':client'] = new Set([change.addClient]);
      }
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.session(session.accountId, session.sessionId),
            UpdateExpression: update,
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(endedAt) AND version = :v',
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    /**
     * Moves a live session's expiry forward to `expiresAt` (never back) and adds a client, with no read: many
     * sign-ins of one user on one PC and heartbeats may race here, and each condition below only ever moves the
     * item forward, so none of them needs to retry. Returns the session as it is now, or null once it has ended.
     */
    async touch(
      accountId: string,
      sessionId: string,
      expiresAt: string,
      client?: string,
    ): Promise<Session | null> {
      const due = dueAttributes('SESSION', sessionId, expiresAt);
      const live = 'attribute_exists(pk) AND attribute_not_exists(endedAt)';
      const attempts: { update: string; condition: string; values: Record<string, unknown> }[] = [
        {
          // Expiry is the later end: it moves, and the due index with it.
          update: 'SET expiresAt = :exp, duePk = :duePk, dueSk = :dueSk',
          condition: `${live} AND expiresAt <= :exp AND (attribute_not_exists(roamingUntil) OR roamingUntil <= :exp)`,
          values: { ':exp': expiresAt, ':duePk': due.duePk, ':dueSk': due.dueSk },
        },
        {
          // Roaming ends later: the due entry stays at the roaming end.
          update: 'SET expiresAt = :exp',
          condition: `${live} AND expiresAt <= :exp`,
          values: { ':exp': expiresAt },
        },
        // Already later than this request would make it.
        { update: '', condition: live, values: {} },
      ];
      for (const attempt of attempts) {
        const values = { ...attempt.values, ...(client ? { ':client': new Set([client]) } : {}) };
        let update = attempt.update;
        if (client) update += ' ADD clients :client';
        if (!update) {
          const found = await store.get(accountId, sessionId);
          return found && !found.endedAt ? found : null;
        }
        try {
          const { Attributes } = await doc.send(
            new UpdateCommand({
              TableName: table,
              Key: keys.session(accountId, sessionId),
              UpdateExpression: update.trim(),
              ConditionExpression: attempt.condition,
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_NEW',
            }),
          );
          return Attributes ? sessionFromItem(Attributes) : null;
        } catch (error) {
          if (!isConditionFailed(error)) throw error;
        }
      }
      return null;
    },

    /** The version a session item carries now (for change()); null when missing. */
    async read(accountId: string, sessionId: string): Promise<{ session: Session; version: number } | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.session(accountId, sessionId), ConsistentRead: true }),
      );
      if (Item?.entity !== 'Session') return null;
      return { session: sessionFromItem(Item), version: (Item.version as number | undefined) ?? 0 };
    },

    /** See the top of this file. */
    async endSession(
      accountId: string,
      sessionId: string,
      reason: EndReason,
      now: Date,
      options: EndOptions = {},
    ): Promise<boolean> {
      const session = options.session ?? (await store.get(accountId, sessionId));
      if (!session || session.endedAt) return false;
      const at = now.toISOString();
      const values: Record<string, unknown> = {
        ':at': at,
        ':reason': reason,
        ':ttl': Math.floor(now.getTime() / 1000) + ENDED_SESSION_RETENTION_DAYS * 86_400,
        ...Object.fromEntries(
          Object.entries(keys.endedSessionsOfAccount(accountId, at, sessionId)).map(([name, value]) => [
            name === 'gsi2pk' ? ':endedPk' : ':endedSk',
            value,
          ]),
        ),
      };
      let condition = 'attribute_exists(pk) AND attribute_not_exists(endedAt)';
      if (options.onlyIfReclaimable) {
        condition += ' AND expiresAt <= :at AND (attribute_not_exists(roamingUntil) OR roamingUntil <= :at)';
      }
      const items: TransactItem[] = [
        {
          Update: {
            TableName: table,
            Key: keys.session(accountId, sessionId),
            UpdateExpression:
              'SET endedAt = :at, endReason = :reason, #ttl = :ttl, gsi2pk = :endedPk, gsi2sk = :endedSk REMOVE gsi1pk, gsi1sk, duePk, dueSk',
            ConditionExpression: condition,
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: values,
          },
        },
      ];
      if (session.adminSeat) {
        items.push({ Delete: { TableName: table, Key: keys.adminSeat(accountId, session.serverId) } });
      } else {
        items.push(
          {
            Update: {
              TableName: table,
              Key: keys.license(accountId, session.licenseId),
              UpdateExpression: 'SET used = used - :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          {
            Update: {
              TableName: table,
              Key: keys.assignment(accountId, session.licenseId, session.assignmentId),
              UpdateExpression: 'SET used = used - :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          {
            Delete: {
              TableName: table,
              Key: keys.seatLock(accountId, session.product, session.userId, session.machineId),
            },
          },
        );
      }
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        return true;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons && !reasons.includes('TransactionConflict') && reasons[0] === 'ConditionalCheckFailed') {
          return false;
        }
        throw error;
      }
    },

    /** See the top of this file. */
    async endSessionsOfServer(accountId: string, serverId: string, now: Date): Promise<number> {
      let ended = 0;
      for await (const page of queryPages(doc, {
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.sessionsOfServerPk(serverId) },
      })) {
        for (const item of page.Items ?? []) {
          const session = sessionFromItem(item);
          if (session.accountId !== accountId) continue;
          if (await store.endSession(accountId, session.sessionId, 'server_removed', now)) ended++;
        }
      }
      return ended;
    },

    /** Every live session of a license (gsi1), expired-but-unreclaimed ones included. */
    async liveSessionsOfLicense(licenseId: string): Promise<Session[]> {
      const out: Session[] = [];
      let token: string | null = null;
      do {
        const page = await store.listOfLicense(licenseId, internalPage(100, token));
        out.push(...page.items);
        token = page.nextToken;
      } while (token);
      return out;
    },

    /** A page of a license's live sessions, oldest first. */
    async listOfLicense(licenseId: string, page: PageRequest): Promise<Page<Session>> {
      const pk = keys.sessionsOfLicensePk(licenseId);
      const result = await doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: decodeToken(page, { index: 'gsi1', partition: pk }),
          Limit: page.limit,
        }),
      );
      return {
        items: (result.Items ?? []).map(sessionFromItem),
        nextToken: encodeToken(page, result.LastEvaluatedKey),
      };
    },

    /**
     * Up to `max` sessions of a license that are past both expiresAt and roamingUntil at `now` (a full license
     * reclaims these before refusing a sign-in). Reads at most `maxItems` index items.
     */
    async reclaimableOfLicense(licenseId: string, now: Date, max = 10, maxItems = 1000): Promise<Session[]> {
      const at = now.toISOString();
      const out: Session[] = [];
      let read = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            FilterExpression:
              'expiresAt <= :at AND (attribute_not_exists(roamingUntil) OR roamingUntil <= :at)',
            ExpressionAttributeValues: { ':pk': keys.sessionsOfLicensePk(licenseId), ':at': at },
            ExclusiveStartKey: start,
          }),
        );
        read += page.ScannedCount ?? 0;
        for (const item of page.Items ?? []) if (out.length < max) out.push(sessionFromItem(item));
        start = page.LastEvaluatedKey;
      } while (start && out.length < max && read < maxItems);
      return out;
    },

    /** A refused sign-in, counted in the usage report of the first license the portal tried for it. */
    async recordDenial(input: {
      accountId: string;
      licenseId: string;
      userId: string;
      roles: string[];
      serverId: string;
      product: string;
      at: Date;
      nonce: string;
    }): Promise<void> {
      const at = input.at.toISOString();
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.denial(input.accountId, input.licenseId, at, input.nonce),
            entity: 'Denial',
            accountId: input.accountId,
            licenseId: input.licenseId,
            userId: input.userId,
            roles: input.roles,
            serverId: input.serverId,
            product: input.product,
            at,
          },
        }),
      );
    },
  };
  return store;
}

/** A string attribute of the item a cancelled transaction returned; lib-dynamodb leaves those marshalled. */
function stringAttr(error: unknown, index: number, name: string): string | null {
  const reasons = (error as { CancellationReasons?: { Item?: Record<string, unknown> }[] })
    .CancellationReasons;
  const value = reasons?.[index]?.Item?.[name];
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') {
    return (value as { S: string }).S;
  }
  return null;
}

export type SessionStore = ReturnType<typeof createSessionStore>;
