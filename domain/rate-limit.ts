// Rate limits: the numbers, and the window math the DynamoDB counter (functions/store/rate-limits.ts) carries out.
//
// A limit counts events per key (a username, an account) in a window that opens at the first counted event and
// lasts `windowSeconds`; at most `limit` events count in it, later ones are refused until it has passed
// (API.md "until the window has passed"). Like every fixed window, two back-to-back windows can admit up to
// 2 × limit − 1 events within one window's length at their boundary; over time at most `limit` per window.

/** One limit: `limit` events per key within `windowSeconds`; `name` keeps the counters of limits apart. */
export interface RateLimit {
  name: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Sign-in failures per username (local `POST /v1/auth/token`): API.md "after 10 failed attempts for one
 * username within 15 minutes, every attempt for it → 429 `rate_limited` with `retry-after` until the window has
 * passed".
 */
export const LOGIN_FAILURES: RateLimit = { name: 'login', limit: 10, windowSeconds: 15 * 60 };

/**
 * New activations (signed .alf files) per account: 100 an hour. Each signs with the KMS key in AWS (about 300
 * signatures/s per AWS account, shared); a company activates a host at a time, so 100 an hour leaves room for a
 * scripted roll-out while one leaked token cannot drain the key's quota. Retries with the same idempotency-key
 * sign nothing and are not counted. The README lists this number (API.md "each limit is documented").
 */
export const ACTIVATIONS_PER_ACCOUNT: RateLimit = { name: 'activations', limit: 100, windowSeconds: 60 * 60 };

/** A counter as stored: events counted in the window that ends at `windowEnd` (epoch seconds). */
export interface WindowCounter {
  count: number;
  windowEnd: number;
}

/**
 * What to do with one more event: count it in the open window, open a new window with it, or refuse it for
 * `retryAfterSeconds` (whole seconds, at least 1: the `retry-after` header).
 */
export type WindowStep =
  | { kind: 'count' }
  | { kind: 'open'; windowEnd: number }
  | { kind: 'refuse'; retryAfterSeconds: number };

/**
 * The step for one more event at `nowSeconds` (epoch seconds) given the stored counter (null: none). A window
 * is open while nowSeconds < windowEnd.
 */
export function windowStep(counter: WindowCounter | null, nowSeconds: number, rule: RateLimit): WindowStep {
  if (!counter || counter.windowEnd <= nowSeconds) {
    return { kind: 'open', windowEnd: nowSeconds + rule.windowSeconds };
  }
  if (counter.count < rule.limit) return { kind: 'count' };
  return { kind: 'refuse', retryAfterSeconds: retryAfterSeconds(counter.windowEnd, nowSeconds) };
}

/** Seconds until `windowEnd` (epoch seconds), rounded up and at least 1, for the `retry-after` header. */
export function retryAfterSeconds(windowEnd: number, nowSeconds: number): number {
  return Math.max(1, Math.ceil(windowEnd - nowSeconds));
}

/**
 * Failed server-token exchanges (`POST /v1/auth/server-token`) per credential: 10 within 15 minutes, then every
 * exchange of that credential (the right secret too) until the window has passed, as the local sign-in limit.
 * A secret holds 256 random bits, so this is not what keeps guessing out; it keeps one broken or hostile client
 * from hammering a credential. API.md "failures are counted per credential and per source address (429 past
 * the README's limit)".
 */
export const SERVER_TOKEN_FAILURES_PER_CREDENTIAL: RateLimit = {
  name: 'server-token-credential',
  limit: 10,
  windowSeconds: 15 * 60,
};

/**
 * Failed server-token exchanges per source address: 50 within 15 minutes. Higher than per credential because
 * a company's NEXUS servers may share one NAT address; a client trying many credential ids is stopped here.
 */
export const SERVER_TOKEN_FAILURES_PER_ADDRESS: RateLimit = {
  name: 'server-token-address',
  limit: 50,
  windowSeconds: 15 * 60,
};
