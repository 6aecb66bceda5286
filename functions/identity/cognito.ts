// The Cognito adapter of the identity-provider port: back-office users become Cognito users whose ID tokens
// carry custom:account, custom:admin and custom:operator (the claims adapter reads them).
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  AliasExistsException,
  CognitoIdentityProviderClient,
  InvalidPasswordException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { User } from '../../domain/account.js';
import { EmailTakenError, InvalidRequestError } from '../../domain/errors.js';
import { logger } from '../runtime/logger.js';
import type { IdentityProvider } from './provider.js';

/** The user attributes Cognito keeps and puts in the ID token; flags are strings, as the token carries them. */
export function cognitoAttributes(user: User): { Name: string; Value: string }[] {
  return [
    { Name: 'email', Value: user.email },
    // The back office vouches for the address; a verified email is what lets the user sign in with it.
    { Name: 'email_verified', Value: 'true' },
    { Name: 'custom:account', Value: user.accountId },
    { Name: 'custom:admin', Value: user.admin ? 'true' : 'false' },
    { Name: 'custom:operator', Value: 'false' },
  ];
}

export function cognitoIdentityProvider(
  userPoolId: string,
  client: CognitoIdentityProviderClient = new CognitoIdentityProviderClient({ maxAttempts: 3 }),
): IdentityProvider {
  return {
    // Cognito keeps the password; the table keeps no hash of it.
    passwordHashFor: async () => undefined,

    async createIdentity(user: User, password: string): Promise<void> {
      // The username is the portal's user id (cognito:username in tokens); people sign in with the email alias.
      try {
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: user.userId,
            UserAttributes: cognitoAttributes(user),
            // The operator chose the password: no invitation mail with a temporary one.
            MessageAction: 'SUPPRESS',
          }),
        );
      } catch (error) {
        if (error instanceof AliasExistsException || error instanceof UsernameExistsException) {
          throw new EmailTakenError();
        }
        throw error;
      }
      try {
        await client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: userPoolId,
            Username: user.userId,
            Password: password,
            Permanent: true,
          }),
        );
      } catch (error) {
        // A user without a usable password must not linger in the pool: take it out again, then report.
        await client
          .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: user.userId }))
          .catch((cleanup: unknown) =>
            logger.error('could not remove a half-created Cognito user', {
              userId: user.userId,
              error: cleanup as Error,
            }),
          );
        if (error instanceof InvalidPasswordException) {
          throw new InvalidRequestError(
            `The password does not meet the user pool's policy: ${error.message}`,
          );
        }
        throw error;
      }
    },
  };
}
