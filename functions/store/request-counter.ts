// SDK middleware that counts DynamoDB requests per operation (GetItem, Query, TransactWriteItems ...), for the bench.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RequestCounter {
  /** Requests per operation name since the last reset. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  /** Removes the middleware from the client. */
  detach(): void;
}

const NAME = 'requestCounter';

/** Counts every command the client sends (one count per send; the SDK's own retries are not counted). */
export function countRequests(doc: DynamoDBDocumentClient): RequestCounter {
  let counts: Record<string, number> = {};
  doc.middlewareStack.remove(NAME);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: NAME, override: true },
  );
  return {
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      counts = {};
    },
    detach: () => {
      doc.middlewareStack.remove(NAME);
    },
  };
}
