// functions/store/paging.ts: tokens carry the key a Query stopped at, signed for one list, account and filter;
// and even a token signed with the right key must have the shape of the Query it continues.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../domain/errors.js';
import {
  decodeToken,
  encodeToken,
  internalPage,
  type PageRequest,
  type PageScope,
} from '../../functions/store/paging.js';

const key = new TextEncoder().encode('unit-test-page-key');
const scope: PageScope = {
  list: 'licenses',
  accountId: 'acc_1',
  filter: { product: 'cal', validOnly: undefined },
};
const page = (start?: Record<string, unknown>): PageRequest => ({
  limit: 10,
  scope,
  key,
  ...(start ? { start } : {}),
});
const lastKey = { pk: 'ACCOUNT#acc_1', sk: 'CATALOG#LICENSE#lic_9' };
const query = { partition: 'ACCOUNT#acc_1', sortPrefix: 'CATALOG#LICENSE#' };

describe('encodeToken', () => {
  it('gives null on the last page and a URL-safe token otherwise', () => {
    expect(encodeToken(page(), undefined)).toBeNull();
    expect(encodeToken(page(), lastKey)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('binds the token to the filter values, ignoring unset ones and their order', () => {
    const a = encodeToken({ ...page(), scope: { ...scope, filter: { b: '1', a: '2' } } }, lastKey);
    const b = encodeToken(
      { ...page(), scope: { ...scope, filter: { a: '2', b: '1', c: undefined } } },
      lastKey,
    );
    expect(a).toBe(b);
    expect(encodeToken({ ...page(), scope: { ...scope, filter: { a: '2' } } }, lastKey)).not.toBe(a);
  });
});

describe('decodeToken', () => {
  it('gives back the key of a first page (none) and of a verified start', () => {
    expect(decodeToken(page(), query)).toBeUndefined();
    expect(decodeToken(page(lastKey), query)).toEqual(lastKey);
  });

  it.each([
    ['only a partition key', { pk: 'ACCOUNT#acc_1' }],
    ["another account's partition", { pk: 'ACCOUNT#acc_2', sk: 'CATALOG#LICENSE#x' }],
    ["another entity's sort key", { pk: 'ACCOUNT#acc_1', sk: 'USER#usr_1' }],
    ['extra attributes', { ...lastKey, admin: true }],
    ['a number for a key', { pk: 'ACCOUNT#acc_1', sk: 5 }],
    ['an empty sort key', { pk: 'ACCOUNT#acc_1', sk: '' }],
    ['index keys on a table query', { ...lastKey, gsi1pk: 'x', gsi1sk: 'y' }],
  ])('refuses a start of the wrong shape, even signed with the right key: %s', (_name, start) => {
    expect(() => decodeToken(page(start), query)).toThrow(InvalidRequestError);
  });

  it('wants the index keys and the table keys on an index query', () => {
    const onIndex = {
      gsi1pk: 'LICENSE_SESSIONS#lic_1',
      gsi1sk: '2026#ses_1',
      pk: 'ACCOUNT#acc_1',
      sk: 'SESSION#ses_1',
    };
    expect(decodeToken(page(onIndex), { index: 'gsi1', partition: 'LICENSE_SESSIONS#lic_1' })).toEqual(
      onIndex,
    );
    expect(() => decodeToken(page(onIndex), { index: 'gsi1', partition: 'LICENSE_SESSIONS#lic_2' })).toThrow(
      InvalidRequestError,
    );
    expect(() => decodeToken(page(lastKey), { index: 'gsi1', partition: 'ACCOUNT#acc_1' })).toThrow(
      InvalidRequestError,
    );
  });
});

describe('internalPage', () => {
  it("round-trips its own tokens and refuses a client's", () => {
    const first = internalPage(5);
    const token = encodeToken(first, lastKey) as string;
    expect(internalPage(5, token).start).toEqual(lastKey);
    expect(() => internalPage(5, encodeToken(page(), lastKey))).toThrow(InvalidRequestError);
  });
});
