// The Cognito identity provider against a mocked Cognito: attributes, permanent password, errors and clean-up.
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AliasExistsException,
  CognitoIdentityProviderClient,
  InternalErrorException,
  InvalidPasswordException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../domain/account.js';
import { EmailTakenError, InvalidRequestError } from '../../domain/errors.js';
import { subjectFromClaims } from '../../functions/http/claims.js';
import { cognitoIdentityProvider } from '../../functions/identity/cognito.js';
import { identityProvider } from '../../functions/identity/select.js';

const POOL = 'eu-west-1_Example1';
const cognito = mockClient(CognitoIdentityProviderClient);
const admin: User = {
  userId: 'usr_123',
  accountId: 'acc_9',
  email: 'ada@example.com',
  name: 'Ada',
  roles: ['All Users', 'Administrators'],
  admin: true,
  disabled: false,
  profileVersion: 0,
  createdAt: '2026-01-05T09:00:00.000Z',
};
const member: User = { ...admin, userId: 'usr_456', email: 'bob@example.com', admin: false };

function provider() {
  return cognitoIdentityProvider(POOL, new CognitoIdentityProviderClient({ region: 'eu-west-1' }));
}

beforeEach(() => cognito.reset());
afterEach(() => cognito.reset());

describe('cognitoIdentityProvider', () => {
  it('creates the user with its account and flags as custom attributes and sets a permanent password', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    await provider().createIdentity(admin, 'correct-horse-battery');
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: POOL,
      Username: 'usr_123',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'ada@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:account', Value: 'acc_9' },
        { Name: 'custom:admin', Value: 'true' },
        { Name: 'custom:operator', Value: 'false' },
      ],
    });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, {
      UserPoolId: POOL,
      Username: 'usr_123',
      Password: 'correct-horse-battery',
      Permanent: true,
    });
  });

  it('marks a member as no administrator, and the ID token claims it yields identify that account user', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    await provider().createIdentity(member, 'correct-horse-battery');
    const sent = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input.UserAttributes ?? [];
    // API Gateway hands Cognito ID-token claims over as strings, the same attribute names.
    const claims: Record<string, string> = { sub: 'usr_456' };
    for (const attribute of sent) claims[attribute.Name ?? ''] = attribute.Value ?? '';
    expect(claims['custom:admin']).toBe('false');
    expect(subjectFromClaims(claims)).toEqual({ kind: 'user', userId: 'usr_456', accountId: 'acc_9' });
  });

  it('keeps no password hash in the table: Cognito holds the password', async () => {
    expect(await provider().passwordHashFor('correct-horse-battery')).toBeUndefined();
  });

  it('answers email_taken when the email is already another user of the pool', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(
        new AliasExistsException({ message: 'An account with the email already exists.', $metadata: {} }),
      );
    await expect(provider().createIdentity(admin, 'correct-horse-battery')).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect(cognito).not.toHaveReceivedCommand(AdminSetUserPasswordCommand);
  });

  it('removes the half-created user and answers invalid_request when the pool refuses the password', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito
      .on(AdminSetUserPasswordCommand)
      .rejects(new InvalidPasswordException({ message: 'Password not long enough', $metadata: {} }));
    cognito.on(AdminDeleteUserCommand).resolves({});
    await expect(provider().createIdentity(admin, 'short-pw')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, {
      UserPoolId: POOL,
      Username: 'usr_123',
    });
  });

  it('rethrows other Cognito failures (a 500) after removing the half-created user', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito
      .on(AdminSetUserPasswordCommand)
      .rejects(new InternalErrorException({ message: 'boom', $metadata: {} }));
    cognito.on(AdminDeleteUserCommand).resolves({});
    await expect(provider().createIdentity(admin, 'correct-horse-battery')).rejects.toBeInstanceOf(
      InternalErrorException,
    );
    expect(cognito).toHaveReceivedCommand(AdminDeleteUserCommand);
  });
});

describe('cognitoIdentityProvider: changes and deletions of users', () => {
  it('writes the administrator flag and disables a disabled user', async () => {
    cognito.on(AdminUpdateUserAttributesCommand).resolves({});
    cognito.on(AdminDisableUserCommand).resolves({});
    await provider().updateIdentity({ ...admin, admin: false, disabled: true });
    expect(cognito).toHaveReceivedCommandWith(AdminUpdateUserAttributesCommand, {
      UserPoolId: POOL,
      Username: 'usr_123',
      UserAttributes: [{ Name: 'custom:admin', Value: 'false' }],
    });
    expect(cognito).toHaveReceivedCommandWith(AdminDisableUserCommand, {
      UserPoolId: POOL,
      Username: 'usr_123',
    });
    expect(cognito).not.toHaveReceivedCommand(AdminEnableUserCommand);
  });

  it('enables an enabled user (the same call again changes nothing: a retry converges)', async () => {
    cognito.on(AdminUpdateUserAttributesCommand).resolves({});
    cognito.on(AdminEnableUserCommand).resolves({});
    await provider().updateIdentity(admin);
    await provider().updateIdentity(admin);
    expect(cognito).toHaveReceivedCommandTimes(AdminEnableUserCommand, 2);
    expect(cognito).toHaveReceivedCommandWith(AdminUpdateUserAttributesCommand, {
      UserAttributes: [{ Name: 'custom:admin', Value: 'true' }],
    });
    expect(cognito).not.toHaveReceivedCommand(AdminDisableUserCommand);
  });

  it('rethrows a failure of Cognito, so the request answers 5xx and can be sent again', async () => {
    cognito
      .on(AdminUpdateUserAttributesCommand)
      .rejects(new InternalErrorException({ message: 'boom', $metadata: {} }));
    await expect(provider().updateIdentity(admin)).rejects.toBeInstanceOf(InternalErrorException);
    expect(cognito).not.toHaveReceivedCommand(AdminDisableUserCommand);
  });

  it('deletes the user, and counts a user already gone as deleted', async () => {
    cognito
      .on(AdminDeleteUserCommand)
      .resolvesOnce({})
      .rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await provider().deleteIdentity(admin);
    await provider().deleteIdentity(admin);
    expect(cognito).toHaveReceivedCommandTimes(AdminDeleteUserCommand, 2);
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, {
      UserPoolId: POOL,
      Username: 'usr_123',
    });
  });

  it('rethrows other failures of a deletion', async () => {
    cognito
      .on(AdminDeleteUserCommand)
      .rejects(new InternalErrorException({ message: 'boom', $metadata: {} }));
    await expect(provider().deleteIdentity(admin)).rejects.toBeInstanceOf(InternalErrorException);
  });
});

describe('identityProvider selection', () => {
  it('picks Cognito when USER_POOL_ID is set', async () => {
    const previous = process.env.USER_POOL_ID;
    process.env.USER_POOL_ID = POOL;
    try {
      const chosen = await identityProvider();
      expect(await chosen.passwordHashFor('correct-horse-battery')).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.USER_POOL_ID;
      else process.env.USER_POOL_ID = previous;
    }
  });
});
