// The one rate limiter: a window counter per (limit, key) in DynamoDB, so limits hold across Lambda instances.
//
// Why not rate-limiter-flexible (11.4.0, checked in the npm registry): its DynamoDB store wants a table of its
// own (partition key `key`, created at run time) instead of this single table, and calls the aggregated
// `DynamoDB` client, which puts every DynamoDB command into the bundle (~530 KB minified against the 450 KB
// budget per function). Its window is the same expiring counter as this one, so little would be gained.
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BusyError, RateLimitedError } from '../../domain/errors.js';
import { type RateLimit, type WindowCounter, windowStep } from '../../domain/rate-limit.js';
import type { TableContext } from './client.js';
import { keys } from './keys.js';

/** Rounds of count-or-open before giving up with 503 busy (each lost race means another caller just counted). */
const ATTEMPTS = 5;

/** An event that was counted: what refund() needs to take it back from the same window. */
export interface RateTicket {
  rule: RateLimit;
  keyHash: string;
  /** End of the window it was counted in, epoch seconds. */
  windowEnd: number;
}

/** Counted (with its ticket), or refused for `retryAfterSeconds` (whole seconds, at least 1). */
export type RateOutcome =
  | { allowed: true; ticket: RateTicket }
  | { allowed: false; retryAfterSeconds: number };

/** The counter's key: a hash, so usernames are not stored in clear and any key has a bounded length. */
function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

/** The counter in an item DynamoDB returned raw (ReturnValuesOnConditionCheckFailure); null when absent. */
function counterOf(item: Record<string, { N?: string }> | undefined): WindowCounter | null {
  const count = Number(item?.count?.N);
  const windowEnd = Number(item?.windowEnd?.N);
  return Number.isFinite(count) && Number.isFinite(windowEnd) ? { count, windowEnd } : null;
}

/**
 * The rate limiter on `table`: consume/take count one event of a key under a RateLimit (domain/rate-limit.ts,
 * which decides the window math), refund takes one back. One reusable piece for every limit: login failures per
 * username, activations per account, and next the server-token issuing per credential and per source address.
 */
export function createRateLimiter({ doc, table }: TableContext) {
  /** Counts one more event in the open window; false when there is none or it is full (old: its state). */
  const count = async (
    rule: RateLimit,
    keyHash: string,
    nowSeconds: number,
  ): Promise<{ counted: true; windowEnd: number } | { counted: false; old: WindowCounter | null }> => {
    try {
      const result = await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.rateCounter(rule.name, keyHash),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'windowEnd > :now AND #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':now': nowSeconds, ':limit': rule.limit },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return {
        counted: true,
        windowEnd: Number(result.Attributes?.windowEnd ?? nowSeconds + rule.windowSeconds),
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { counted: false, old: counterOf(error.Item as Record<string, { N?: string }> | undefined) };
    }
  };

  /** Opens a new window holding this one event, unless another caller opened one first (then false). */
  const open = async (rule: RateLimit, keyHash: string, nowSeconds: number, windowEnd: number) => {
    try {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.rateCounter(rule.name, keyHash),
            entity: 'RateCounter',
            count: 1,
            windowEnd,
            // DynamoDB may keep an expired item up to two days; windowEnd, not ttl, decides.
            ttl: windowEnd,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR windowEnd <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  const limiter = {
    /**
     * Counts one event of `key` under `rule` at `now` (real time), or refuses it when the window holds
     * rule.limit events already. Atomic across instances: a conditional UpdateItem, and a conditional PutItem to
     * open a window. Throws BusyError when it keeps losing races (503 with retry-after).
     */
    async consume(rule: RateLimit, key: string, now: Date): Promise<RateOutcome> {
      const keyHash = hashKey(key);
      const nowSeconds = Math.floor(now.getTime() / 1000);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const counted = await count(rule, keyHash, nowSeconds);
        if (counted.counted)
          return { allowed: true, ticket: { rule, keyHash, windowEnd: counted.windowEnd } };
        const step = windowStep(counted.old, nowSeconds, rule);
        if (step.kind === 'refuse') return { allowed: false, retryAfterSeconds: step.retryAfterSeconds };
        if (step.kind === 'open' && (await open(rule, keyHash, nowSeconds, step.windowEnd))) {
          return { allowed: true, ticket: { rule, keyHash, windowEnd: step.windowEnd } };
        }
        // 'count' after a failed count, or a lost open: another request changed the counter; look again.
      }
      throw new BusyError();
    },

    /**
     * consume(), throwing RateLimitedError (429 `rate_limited`, retry-after) with `message` when refused.
     * Source: API.md "Rate limits: 429 `rate_limited` with `retry-after` (seconds)".
     */
    async take(rule: RateLimit, key: string, now: Date, message: string): Promise<RateTicket> {
      const outcome = await limiter.consume(rule, key, now);
      if (!outcome.allowed) throw new RateLimitedError(message, outcome.retryAfterSeconds);
      return outcome.ticket;
    },

    /**
     * Takes a counted event back (a sign-in that turned out right is no failure). Only from the window it was
     * counted in, and never below zero; a window that has since ended is left alone.
     */
    async refund(ticket: RateTicket): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.rateCounter(ticket.rule.name, ticket.keyHash),
            UpdateExpression: 'ADD #count :minus',
            ConditionExpression: 'windowEnd = :windowEnd AND #count > :zero',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minus': -1, ':windowEnd': ticket.windowEnd, ':zero': 0 },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
  return limiter;
}

/** A rate limiter on one table (createRateLimiter). */
export type RateLimiter = ReturnType<typeof createRateLimiter>;
