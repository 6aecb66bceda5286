// The identity rules of domain/identity.ts: token times, a caller's standing in the store, and route access.
import { describe, expect, it } from 'vitest';
import {
  accessVerdict,
  CLOCK_SKEW_SECONDS,
  checkTokenTimes,
  operatorCaller,
  type StoredUser,
  TOKEN_LIFETIME_SECONDS,
  userCaller,
} from '../../domain/identity.js';

const NOW = 1_800_000_000;
const HOUR = TOKEN_LIFETIME_SECONDS;

describe('checkTokenTimes', () => {
  it.each([
    ['a fresh token', { iat: NOW, exp: NOW + HOUR }],
    ['one issued a little in the future (skew)', { iat: NOW + CLOCK_SKEW_SECONDS, exp: NOW + HOUR }],
    ['one about to expire', { iat: NOW - HOUR + 1, exp: NOW + 1 }],
  ])('accepts %s', (_name, times) => {
    expect(checkTokenTimes(times, NOW)).toEqual({ valid: true });
  });

  it.each([
    ['no exp', { iat: NOW, exp: undefined }, /no expiry/],
    ['no iat', { iat: undefined, exp: NOW + HOUR }, /no expiry or issue time/],
    ['an expired one', { iat: NOW - HOUR, exp: NOW }, /expired/],
    ['exp ten years ahead', { iat: NOW, exp: NOW + 10 * 365 * 86_400 }, /longer/],
    ['exp just past lifetime + skew', { iat: NOW, exp: NOW + HOUR + CLOCK_SKEW_SECONDS + 1 }, /longer/],
    ['a lifetime over an hour', { iat: NOW - 2 * HOUR, exp: NOW + 60 }, /longer/],
    ['iat a day in the future', { iat: NOW + 86_400, exp: NOW + HOUR }, /future/],
    ['iat just past the skew', { iat: NOW + CLOCK_SKEW_SECONDS + 1, exp: NOW + HOUR }, /future/],
  ])('refuses %s', (_name, times, reason) => {
    const verdict = checkTokenTimes(times, NOW);
    expect(verdict.valid).toBe(false);
    expect(!verdict.valid && verdict.reason).toMatch(reason);
  });
});

describe('userCaller', () => {
  const subject = { kind: 'user' as const, userId: 'usr_1', accountId: 'acc_1' };
  const stored = (user: Partial<NonNullable<StoredUser['user']>> | null, account: object | null = {}) => ({
    user: user && {
      userId: 'usr_1',
      accountId: 'acc_1',
      admin: false,
      disabled: false,
      deleted: false,
      ...user,
    },
    account: account && { accountId: 'acc_1', disabled: false, deleted: false, ...account },
  });

  it('takes admin from the store', () => {
    expect(userCaller(subject, stored({ admin: true }))).toEqual({ ...subject, admin: true });
    expect(userCaller(subject, stored({ admin: false }))).toEqual({ ...subject, admin: false });
  });

  it.each([
    ['a missing user', stored(null)],
    ['a missing account', stored({}, null)],
    ['a disabled user', stored({ disabled: true })],
    ['a deleted user', stored({ deleted: true })],
    ['a disabled account', stored({}, { disabled: true })],
    ['a deleted account', stored({}, { deleted: true })],
    ['a user of another account', stored({ accountId: 'acc_2' })],
  ])('vouches for no one with %s', (_name, found) => {
    expect(userCaller(subject, found)).toBeNull();
  });
});

describe('operatorCaller', () => {
  const subject = { kind: 'operator' as const, userId: 'operator' };
  it('is an operator only when one is stored and enabled', () => {
    expect(operatorCaller(subject, { operator: { userId: 'operator', disabled: false } })).toEqual(subject);
    expect(operatorCaller(subject, { operator: null })).toBeNull();
    expect(operatorCaller(subject, { operator: { userId: 'operator', disabled: true } })).toBeNull();
  });
});

describe('accessVerdict', () => {
  const operator = { kind: 'operator' as const, userId: 'operator' };
  const member = { kind: 'user' as const, userId: 'u', accountId: 'a', admin: false };
  const admin = { ...member, admin: true };
  it.each([
    ['operator', operator, true],
    ['operator', member, false],
    ['operator', admin, false],
    ['user', operator, false],
    ['user', member, true],
    ['user', admin, true],
    ['admin', operator, false],
    ['admin', member, false],
    ['admin', admin, true],
  ] as const)('a %s route for %j: allowed %s', (access, caller, allowed) => {
    expect(accessVerdict(access, caller).allowed).toBe(allowed);
  });
});
