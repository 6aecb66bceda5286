// The audit log's records as transaction items: a change and its record are written together, so a change that
// answered 2xx is in the log and a change that failed left none (API.md "Audit log").
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/audit.js';
import { auditItem } from './seat-items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The Put of one audit record (a new item: ids are random). */
export function auditPut(table: string, record: AuditRecord): TransactItem {
  return {
    Put: { TableName: table, Item: auditItem(record), ConditionExpression: 'attribute_not_exists(pk)' },
  };
}
