// The one claims adapter: local claims and Cognito ID-token claims, both as API Gateway stringifies them; it
// identifies (sub, account) and reads token times, and never takes a role from a claim.
import { describe, expect, it } from 'vitest';
import { subjectFromClaims, tokenTimesFromClaims } from '../../functions/http/claims.js';

describe('subjectFromClaims', () => {
  it('reads a local account user from claims handed over as strings, ignoring the admin claim', () => {
    expect(subjectFromClaims({ sub: 'usr_1', account: 'acc_1', admin: 'true', operator: 'false' })).toEqual({
      kind: 'user',
      userId: 'usr_1',
      accountId: 'acc_1',
    });
  });

  it('reads Cognito ID-token custom claims, the portal user id from cognito:username, not Cognito sub', () => {
    expect(
      subjectFromClaims({
        sub: '1b2c-uuid',
        'cognito:username': 'usr_abc',
        'custom:account': 'acc_9',
        'custom:admin': 'false',
        aud: 'client',
        token_use: 'id',
      }),
    ).toEqual({ kind: 'user', userId: 'usr_abc', accountId: 'acc_9' });
  });

  it('makes a token without an account an operator subject, whatever its operator claim says', () => {
    expect(subjectFromClaims({ sub: 'operator', operator: 'true' })).toEqual({
      kind: 'operator',
      userId: 'operator',
    });
    expect(subjectFromClaims({ sub: 'usr_1', operator: 'false' })).toEqual({
      kind: 'operator',
      userId: 'usr_1',
    });
  });

  it('names nobody without a subject', () => {
    expect(subjectFromClaims({ account: 'acc' })).toBeNull();
    expect(subjectFromClaims({ sub: '' })).toBeNull();
    expect(subjectFromClaims(undefined)).toBeNull();
  });
});

describe('tokenTimesFromClaims', () => {
  it('reads NumericDates handed over as strings or numbers', () => {
    expect(tokenTimesFromClaims({ exp: '1764298740', iat: 1764295140 })).toEqual({
      exp: 1764298740,
      iat: 1764295140,
    });
  });

  it('leaves out what is missing or not a number', () => {
    expect(tokenTimesFromClaims({ exp: 'soon', iat: '' })).toEqual({ exp: undefined, iat: undefined });
    expect(tokenTimesFromClaims({})).toEqual({ exp: undefined, iat: undefined });
    expect(tokenTimesFromClaims(undefined)).toEqual({ exp: undefined, iat: undefined });
  });
});
