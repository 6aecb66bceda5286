// SDK middleware that counts DynamoDB requests per operation (GetItem, Query, TransactWriteItems ...) and the
// items they read, for the benches (never for decisions).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RequestCounter {
  /** Requests per operation name since the last reset. */
  counts(): Record<string, number>;
  total(): number;
  /** Items read since the last reset: items a Query or Scan evaluated, items a get found. */
  itemsRead(): number;
  reset(): void;
  /** Removes the middleware from the client. */
  detach(): void;
}

const NAME = 'requestCounter';

/** Items one response read (DynamoDB charges a Query for the items it evaluated: ScannedCount). */
function itemsOf(output: Record<string, unknown>): number {
  if (typeof output.ScannedCount === 'number') return output.ScannedCount;
  if (output.Item) return 1;
  if (Array.isArray(output.Responses))
    return output.Responses.filter((r) => r && (r as { Item?: unknown }).Item).length;
  if (output.Responses && typeof output.Responses === 'object') {
    return Object.values(output.Responses as Record<string, unknown[]>).reduce(
      (n, list) => n + list.length,
      0,
    );
  }
  return 0;
}

/** Counts every command the client sends (one count per send; the SDK's own retries are not counted). */
export function countRequests(doc: DynamoDBDocumentClient): RequestCounter {
  let counts: Record<string, number> = {};
  let read = 0;
  doc.middlewareStack.remove(NAME);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      const result = await next(args);
      read += itemsOf((result.output ?? {}) as Record<string, unknown>);
      return result;
    },
    { step: 'initialize', name: NAME, override: true },
  );
  return {
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    itemsRead: () => read,
    reset: () => {
      counts = {};
      read = 0;
    },
    detach: () => {
      doc.middlewareStack.remove(NAME);
    },
  };
}
