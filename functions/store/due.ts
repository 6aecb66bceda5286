// The sparse `due` index: work the hourly check must do by a time (licenses ending, sessions' Expiry items),
// sharded over a few partitions. Never a Scan: a run reads what is due, not what exists.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from './client.js';
import { type DueType, duePartitions } from './keys.js';
import { queryAll } from './query.js';
import type { Meter } from './usage.js';

/** Items per due-index page: a run holds at most one page in memory. */
export const DUE_PAGE_SIZE = 100;

export function createDueStore({ doc, table }: TableContext, meter: Meter) {
  return {
    /**
     * Pages of items due by `at` (dueSk <= at) in every shard of a type, oldest first. Each page is handed over
     * before the next is read; items the caller finishes leave the index, the rest are paged past.
     */
    async *pages(
      type: DueType,
      at: Date,
      pageSize = DUE_PAGE_SIZE,
    ): AsyncGenerator<Record<string, unknown>[]> {
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
          (page) => {
            meter.read += page.Items?.length ?? 0;
          },
        );
        for (const item of items) if (typeof item.accountId === 'string') accounts.add(item.accountId);
      }
      return accounts;
    },
  };
}

export type DueStore = ReturnType<typeof createDueStore>;
