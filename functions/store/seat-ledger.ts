// Carries out one SeatWrite (domain/seat-write.ts) as ONE TransactWriteItems and reports which named changes
// failed their condition, with the items as they were. It decides nothing (docs/seat-protocol.md "write").
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Change, SeatWrite, WriteOutcome } from '../../domain/seat-write.js';
import type { TableContext } from './client.js';
import { cancellationReasons } from './errors.js';
import { compileCondition, ExpressionNames } from './expressions.js';
import { keys } from './keys.js';
import {
  auditItem,
  denialItem,
  endedSessionTtl,
  expiryItem,
  keyOf,
  lockItem,
  sessionItem,
} from './seat-items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit of items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** One change as a transaction item; ALL_OLD on failure so that a failed change tells what it found. */
export function transactItem(table: string, change: Change): TransactItem {
  const names = new ExpressionNames();
  const returnOld = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
  switch (change.op) {
    case 'counters': {
      const sets = Object.entries(change.set).map(([n, v]) => `${names.name(n)} = ${names.value(v)}`);
      const adds = Object.entries(change.add)
        .filter(([, delta]) => delta !== 0)
        .map(([n, delta]) => `${names.name(n)} ${names.value(delta)}`);
      const removes = change.remove.map((n) => names.name(n));
      const parts = [
        sets.length ? `SET ${sets.join(', ')}` : '',
        adds.length ? `ADD ${adds.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ].filter(Boolean);
      const condition = compileCondition(change.condition, names);
      if (parts.length === 0) {
        return {
          ConditionCheck: {
            TableName: table,
            Key: keyOf(change.ref),
            ConditionExpression: condition,
            ...names.attributes(),
            ...returnOld,
          },
        };
      }
      return {
        Update: {
          TableName: table,
          Key: keyOf(change.ref),
          UpdateExpression: parts.join(' '),
          ConditionExpression: condition,
          ...names.attributes(),
          ...returnOld,
        },
      };
    }
    case 'check':
      return {
        ConditionCheck: {
          TableName: table,
          Key: keyOf(change.ref),
          ConditionExpression: compileCondition(change.condition, names),
          ...names.attributes(),
          ...returnOld,
        },
      };
    case 'delete':
      return {
        Delete: {
          TableName: table,
          Key: keyOf(change.ref),
          ConditionExpression: compileCondition(change.condition, names),
          ...names.attributes(),
          ...returnOld,
        },
      };
    case 'putSession':
      return putNew(table, sessionItem(change.session));
    case 'putExpiry':
      return putNew(table, expiryItem(change.holder));
    case 'putLock':
      return putNew(table, lockItem(change.ref, change.sessionId));
    case 'putDenial':
      return { Put: { TableName: table, Item: denialItem(change.denial) } };
    case 'putAudit':
      return putNew(table, auditItem(change.record));
    case 'updateExpiry':
      // Same key, new holder fields (a conversion, or a touch that kept holdsUntil): a whole put.
      return {
        Put: {
          TableName: table,
          Item: expiryItem(change.holder),
          ConditionExpression: 'attribute_exists(pk)',
          ...returnOld,
        },
      };
    case 'updateSession':
      return sessionUpdate(table, change);
  }
}

function putNew(table: string, item: Record<string, unknown>): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: item,
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** A session's change; its index attributes follow its state (an ended session leaves the live lists). */
function sessionUpdate(table: string, change: Extract<Change, { op: 'updateSession' }>): TransactItem {
  const names = new ExpressionNames();
  const { update } = change;
  const sets: string[] = [];
  const removes: string[] = [];
  const set = (attribute: string, v: unknown) => sets.push(`${names.name(attribute)} = ${names.value(v)}`);
  if (update.expiresAt !== undefined) set('expiresAt', update.expiresAt);
  if (update.lastSeenAt !== undefined) set('lastSeenAt', update.lastSeenAt);
  if (update.roamingUntil !== undefined) set('roamingUntil', update.roamingUntil);
  if (update.licenseId !== undefined) set('licenseId', update.licenseId);
  if (update.assignmentId !== undefined) set('assignmentId', update.assignmentId);
  if (update.version !== undefined) set('version', update.version);
  if (update.adminConnection !== undefined) {
    set('adminConnection', update.adminConnection);
    // The administrative connection holds no seat of its license: it leaves the license's list.
    if (update.adminConnection) removes.push(names.name('gsi1pk'), names.name('gsi1sk'));
  }
  if (update.end) {
    set('endedAt', update.end.endedAt);
    set('endReason', update.end.endReason);
    set('ttl', endedSessionTtl(update.end.endedAt));
    const { accountId, sessionId } = change.ref;
    const ended = keys.endedSessionsOfAccount(accountId, update.end.endedAt, sessionId);
    set('gsi2pk', ended.gsi2pk);
    set('gsi2sk', ended.gsi2sk);
    removes.push(names.name('gsi1pk'), names.name('gsi1sk'));
  }
  const parts = [`SET ${sets.join(', ')}`];
  if (update.addClient)
    parts.push(`ADD ${names.name('clients')} ${names.value(new Set([update.addClient]))}`);
  if (removes.length) parts.push(`REMOVE ${[...new Set(removes)].join(', ')}`);
  return {
    Update: {
      TableName: table,
      Key: keyOf(change.ref),
      UpdateExpression: parts.join(' '),
      ConditionExpression: compileCondition(change.condition, names),
      ...names.attributes(),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** lib-dynamodb leaves the items of cancellation reasons in the wire format ({ S: "..." }): make them plain. */
function plainItem(item: Record<string, unknown>): Record<string, unknown> {
  const pk = item.pk as { S?: unknown } | string | undefined;
  const wire = typeof pk === 'object' && pk !== null && 'S' in pk;
  return wire ? (unmarshall(item as never) as Record<string, unknown>) : item;
}

/**
 * The one guarded write. Resolves { ok: true } when every condition held and everything was written, or
 * { ok: false, failed, returned } naming the changes whose condition failed (nothing was written). A
 * transaction cancelled by a conflict with another transaction (or any other error) is thrown for the
 * caller's retry: nothing was decided.
 */
export function createSeatLedger({ doc, table }: TableContext) {
  return {
    async write(write: SeatWrite, clientRequestToken?: string): Promise<WriteOutcome> {
      if (write.changes.length > MAX_TRANSACTION_ITEMS) {
        throw new Error(
          `a seat write of ${write.changes.length} items is over DynamoDB's ${MAX_TRANSACTION_ITEMS}`,
        );
      }
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: write.changes.map((change) => transactItem(table, change)),
            ...(clientRequestToken ? { ClientRequestToken: clientRequestToken } : {}),
          }),
        );
        return { ok: true };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (
          !reasons ||
          reasons.includes('TransactionConflict') ||
          !reasons.includes('ConditionalCheckFailed')
        ) {
          throw error;
        }
        const items = (error as { CancellationReasons?: { Item?: Record<string, unknown> }[] })
          .CancellationReasons;
        const failed: string[] = [];
        const returned: Record<string, Record<string, unknown>> = {};
        reasons.forEach((code, index) => {
          const change = write.changes[index];
          if (code !== 'ConditionalCheckFailed' || !change) return;
          failed.push(change.name);
          const item = items?.[index]?.Item;
          if (item) returned[change.name] = plainItem(item);
        });
        return { ok: false, failed, returned };
      }
    },
  };
}

export type SeatLedger = ReturnType<typeof createSeatLedger>;
