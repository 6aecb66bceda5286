// One TransactWriteItems whose items carry names, so a store learns which of its conditions failed by name,
// never by position (STYLE.md "Name the conditions").
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { failedConditions } from './errors.js';

/** One item of a transaction. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A transaction item and the name its outcome is known by (e.g. 'user', 'account', 'audit'). */
export type NamedItem = readonly [name: string, item: TransactItem];

/**
 * Writes the items in one transaction: [] when everything was written, else the names of the items whose
 * condition failed (nothing was written). A conflict with another transaction, throttling or any other error is
 * thrown, for the caller's retry (functions/store/retry.ts withRetry).
 */
export async function transactNamed(
  doc: DynamoDBDocumentClient,
  named: readonly NamedItem[],
): Promise<string[]> {
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: named.map(([, item]) => item) }));
    return [];
  } catch (error) {
    const failed = failedConditions(
      error,
      named.map(([name]) => name),
    );
    if (!failed) throw error;
    return failed;
  }
}
