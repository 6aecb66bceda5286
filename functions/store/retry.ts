// Bounded retries with jittered backoff for contended seat writes; when contention outlasts them, 503 busy.
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionConflictException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import { BusyError } from '../../domain/errors.js';
import { isTransactionConflict } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff before attempt n+1 is a random time in [0, baseMs * 2^n] ("full jitter"), capped at maxMs. */
  baseMs: number;
  maxMs: number;
  /** Seconds a caller is told to wait in retry-after once the attempts are spent. */
  retryAfterSeconds: number;
}

export const SEAT_RETRY: RetryPolicy = { attempts: 6, baseMs: 15, maxMs: 400, retryAfterSeconds: 1 };

/**
 * Errors that mean "nothing was decided, try again": a transaction cancelled only by conflicts, throttling
 * (after the SDK's own retries), a transaction still in progress, a 500 from DynamoDB, or a timeout. A
 * transaction is all or nothing, so retrying one of these can never leave half a seat behind; a grant that did
 * commit before its answer was lost is found by its seat lock on the retry.
 */
export function isRetryable(error: unknown): boolean {
  if (isTransactionConflict(error)) return true;
  if (
    error instanceof TransactionConflictException ||
    error instanceof ThrottlingException ||
    error instanceof ProvisionedThroughputExceededException ||
    error instanceof RequestLimitExceeded ||
    error instanceof TransactionInProgressException ||
    error instanceof InternalServerError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  // Network timeouts come from the HTTP handler, not the DynamoDB model, so they have no class of their own.
  const code = (error as { code?: string }).code;
  return (
    error.name === 'TimeoutError' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNRESET' ||
    (error as { $retryable?: unknown }).$retryable !== undefined
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** attempt));
}

/** Runs fn until it returns or throws a non-retryable error; after policy.attempts retryable failures, BusyError. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy = SEAT_RETRY,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt + 1 >= policy.attempts) throw new BusyError(policy.retryAfterSeconds);
      await sleep(backoffMs(policy, attempt));
    }
  }
}
