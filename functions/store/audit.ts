// The audit log's records as transaction items: a change and its record are written together, so a change that
// answered 2xx is in the log and a change that failed left none (API.md "Audit log"); and the log's pages.
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditAction, AuditActor, AuditEvent, AuditFilter, AuditRecord } from '../../domain/audit.js';
import type { TableContext } from './client.js';
import { keys } from './keys.js';
import type { Page, PageRequest } from './paging.js';
import { filteredPage } from './query.js';
import { auditItem } from './seat-items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The Put of one audit record (a new item: ids are random). */
export function auditPut(table: string, record: AuditRecord): TransactItem {
  return {
    Put: { TableName: table, Item: auditItem(record), ConditionExpression: 'attribute_not_exists(pk)' },
  };
}

/** An event from its item, without the table's attributes. */
export function auditEventFromItem(item: Record<string, unknown>): AuditEvent {
  const actor = (item.actor ?? {}) as Partial<AuditActor>;
  return {
    eventId: item.eventId as string,
    at: item.at as string,
    actor: { type: actor.type ?? 'system', id: actor.id ?? '' },
    action: item.action as AuditAction,
    targetId: item.targetId as string,
    details: (item.details ?? {}) as Record<string, unknown>,
  };
}

/** Reads of an account's audit log. */
export function createAuditStore({ doc, table }: TableContext) {
  return {
    /**
     * A page of the account's events, newest first, `at` in [filter.from, filter.to) and of `filter.action`;
     * strongly consistent, so a change that has answered is in the next request's page. Records past their
     * TTL that DynamoDB has not removed yet (it may take days) are left out too: the log keeps 400 days.
     */
    async list(
      accountId: string,
      filter: AuditFilter,
      page: PageRequest,
      now: Date,
    ): Promise<Page<AuditEvent>> {
      const range = keys.auditRange(accountId, filter.from, filter.to);
      const values: Record<string, unknown> = {
        ':pk': range.pk,
        ':from': range.from,
        ':to': range.to,
        ':now': Math.floor(now.getTime() / 1000),
      };
      const names: Record<string, string> = { '#ttl': 'ttl' };
      const conditions = ['(attribute_not_exists(#ttl) OR #ttl > :now)'];
      if (filter.action) {
        conditions.push('#action = :action');
        names['#action'] = 'action';
        values[':action'] = filter.action;
      }
      return filteredPage(
        doc,
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          FilterExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ConsistentRead: true,
        },
        page,
        { partition: range.pk, sortPrefix: keys.auditPrefix(accountId).sk },
        auditEventFromItem,
      );
    },
  };
}

/** The audit log's reads of one table (createAuditStore). */
export type AuditStore = ReturnType<typeof createAuditStore>;
