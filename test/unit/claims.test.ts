// The one claims adapter: local claims and Cognito ID-token claims, both as API Gateway stringifies them.
import { describe, expect, it } from 'vitest';
import { callerFromClaims } from '../../functions/http/claims.js';

describe('callerFromClaims', () => {
  it('reads local claims handed over as strings', () => {
    expect(callerFromClaims({ sub: 'usr_1', account: 'acc_1', admin: 'true', operator: 'false' })).toEqual({
      userId: 'usr_1',
      accountId: 'acc_1',
      admin: true,
      operator: false,
    });
  });

  it('reads Cognito ID-token custom claims', () => {
    expect(
      callerFromClaims({
        sub: 'c0ffee',
        'custom:account': 'acc_9',
        'custom:admin': 'false',
        'custom:operator': 'true',
        aud: 'client',
        token_use: 'id',
      }),
    ).toEqual({ userId: 'c0ffee', accountId: 'acc_9', admin: false, operator: true });
  });

  it('takes the portal user id from cognito:username, not Cognito sub', () => {
    expect(
      callerFromClaims({
        sub: '1b2c-uuid',
        'cognito:username': 'usr_abc',
        'custom:account': 'acc_1',
        'custom:admin': 'true',
      }),
    ).toMatchObject({ userId: 'usr_abc', accountId: 'acc_1', admin: true });
  });

  it('treats anything but "true" as false and a missing subject as no caller', () => {
    expect(callerFromClaims({ sub: 'u', admin: 'TRUE', operator: '1' })).toMatchObject({
      admin: false,
      operator: false,
      accountId: null,
    });
    expect(callerFromClaims({ account: 'acc' })).toBeNull();
    expect(callerFromClaims(undefined)).toBeNull();
  });
});
