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
