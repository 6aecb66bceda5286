// Turning DynamoDB condition failures into data: which items of a transaction failed their condition.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export function isConditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** For a cancelled transaction, the reason code per item (e.g. "ConditionalCheckFailed", "None"); else null. */
export function cancellationReasons(error: unknown): string[] | null {
  if (!(error instanceof TransactionCanceledException)) return null;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** True when the transaction was cancelled only because of conflicts with other transactions (worth a retry). */
export function isTransactionConflict(error: unknown): boolean {
  const reasons = cancellationReasons(error);
  if (!reasons) return false;
  return reasons.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
}

/**
 * The names of a cancelled transaction's items whose condition failed (`names` name the items in order), so a
 * store maps outcomes by name, never by position; null when `error` is no such cancellation (a conflict with
 * another transaction, throttling, anything else: the caller rethrows or retries it).
 */
export function failedConditions(error: unknown, names: readonly string[]): string[] | null {
  const reasons = cancellationReasons(error);
  if (!reasons || reasons.includes('TransactionConflict') || !reasons.includes('ConditionalCheckFailed')) {
    return null;
  }
  return names.filter((_, index) => reasons[index] === 'ConditionalCheckFailed');
}
