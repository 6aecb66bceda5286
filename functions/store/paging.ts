// Page tokens: a Query's LastEvaluatedKey, signed with HMAC-SHA-256 and bound to its list, account and filter.
//
// API.md "Conventions": a nextToken is opaque, and one the portal did not issue for that list, account and filter
// (edited, foreign, from another list) → 400 `invalid_request`. The MAC covers the list's name, the account, the
// filter and the key, so no edited or transplanted token verifies; a verified key is then checked against the
// shape of the Query it continues (exact key attributes, strings, the partition and sort-key range), so even a
// leaked HMAC key cannot steer a Query outside its partition or make DynamoDB refuse it (a 500).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidRequestError } from '../../domain/errors.js';
import { pageTokenKey } from '../runtime/page-token-key.js';
import { type IndexName, keyAttributesOf } from './keys.js';

/** What a token is bound to: the list (e.g. "licenses"), the caller's account and the list's filter values. */
export interface PageScope {
  list: string;
  accountId: string;
  filter?: Record<string, string | number | boolean | undefined>;
}

/** One page to read: at most `limit` items, after `start` (a verified key), tokens signed with `key`. */
export interface PageRequest {
  limit: number;
  scope: PageScope;
  /** HMAC key (bytes) that signs and verifies this list's tokens. */
  key: Uint8Array;
  /** The key to continue after, from a verified nextToken; undefined for the first page. */
  start?: Record<string, unknown>;
}

/** One page of a list: its items in list order and the token of the next page. */
export interface Page<T> {
  items: T[];
  /** null on the last page (API.md: "nextToken is null on the last page"). */
  nextToken: string | null;
}

/** API.md: `?limit=` is an integer 1-100, default 50. */
export const DEFAULT_PAGE_SIZE = 50;

/** Length of the base64url MAC at the end of every token (32 bytes of HMAC-SHA-256). */
const MAC_CHARS = 43;

const INVALID = 'nextToken is not one this list issued for this account and filter; start again without it.';

function mac(key: Uint8Array, scope: PageScope, payload: string): string {
  const filter = Object.entries(scope.filter ?? {})
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHmac('sha256', key)
    .update(JSON.stringify(['page-token/1', scope.list, scope.accountId, filter, payload]))
    .digest('base64url');
}

/** The key inside a token signed with `key` for `scope`; throws InvalidRequestError (400) for any other token. */
function verify(token: string, key: Uint8Array, scope: PageScope): Record<string, unknown> {
  if (token.length <= MAC_CHARS) throw new InvalidRequestError(INVALID);
  const payload = token.slice(0, -MAC_CHARS);
  const expected = Buffer.from(mac(key, scope, payload));
  const given = Buffer.from(token.slice(-MAC_CHARS));
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new InvalidRequestError(INVALID);
  try {
    const start = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (start && typeof start === 'object' && !Array.isArray(start)) return start as Record<string, unknown>;
  } catch {
    // only a token this code signed gets here, so this is a bug of the encoder; refuse it like any other
  }
  throw new InvalidRequestError(INVALID);
}

/**
 * The page a list request asks for: `limit` (validated "1".."100" by the route's schema; default 50) and, when
 * `nextToken` is given, the key it continues after, verified for `scope`. Throws InvalidRequestError (400) for a
 * token this list did not issue for this account and filter. Reads the HMAC key (once per process).
 */
export async function pageRequest(
  query: { limit?: string | undefined; nextToken?: string | undefined } | undefined,
  scope: PageScope,
): Promise<PageRequest> {
  const key = await pageTokenKey();
  const limit = query?.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE;
  const token = query?.nextToken;
  return { limit, scope, key, ...(token ? { start: verify(token, key, scope) } : {}) };
}

/** The key internal reads (every page of a list, inside one process) sign their tokens with; never leaves it. */
const INTERNAL_KEY = randomBytes(32);

/**
 * A page for code that walks a whole list itself (not a client): its tokens are signed with a per-process key
 * and only valid in this process. `nextToken` is a token the previous internal page returned.
 */
export function internalPage(limit: number, nextToken?: string | null): PageRequest {
  const scope: PageScope = { list: 'internal', accountId: '-' };
  return {
    limit,
    scope,
    key: INTERNAL_KEY,
    ...(nextToken ? { start: verify(nextToken, INTERNAL_KEY, scope) } : {}),
  };
}

/**
 * The ExclusiveStartKey of the page, checked against the Query it continues: exactly the key attributes of the
 * table or `index` (keys.ts), all strings, the index's partition key equal to `partition` and, when given, its
 * sort key starting with `sortPrefix` (the Query's begins_with). undefined for a first page; throws
 * InvalidRequestError (400) for any other shape.
 */
export function decodeToken(
  page: PageRequest,
  query: { index?: IndexName; partition: string; sortPrefix?: string },
): Record<string, unknown> | undefined {
  const start = page.start;
  if (!start) return undefined;
  const attributes = keyAttributesOf(query.index);
  const names = Object.keys(start).sort();
  const shaped =
    names.length === attributes.all.length &&
    [...attributes.all].sort().every((name, i) => names[i] === name) &&
    Object.values(start).every((value) => typeof value === 'string' && value.length > 0) &&
    start[attributes.partition] === query.partition &&
    (query.sortPrefix === undefined || (start[attributes.sort] as string).startsWith(query.sortPrefix));
  if (!shaped) throw new InvalidRequestError(INVALID);
  return start;
}

/** The nextToken after a Query page that stopped at `lastKey` (null when it did not: the last page). */
export function encodeToken(page: PageRequest, lastKey: Record<string, unknown> | undefined): string | null {
  if (!lastKey) return null;
  const payload = Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
  return `${payload}${mac(page.key, page.scope, payload)}`;
}
