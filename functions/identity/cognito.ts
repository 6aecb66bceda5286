// The Cognito adapter of the identity-provider port: account users become Cognito users whose ID tokens carry
// custom:account, custom:admin and custom:operator (the claims adapter reads them); administrators' changes
// update, disable, enable and delete them.
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AliasExistsException,
  CognitoIdentityProviderClient,
  InvalidPasswordException,
  UsernameExistsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { User } from '../../domain/account.js';
import { EmailTakenError, InvalidRequestError } from '../../domain/errors.js';
import { logger } from '../runtime/logger.js';
import type { IdentityProvider } from './provider.js';

/** `custom:admin` as Cognito keeps it: the flag as the string the ID token carries. */
function adminAttribute(user: User): { Name: string; Value: string } {
  return { Name: 'custom:admin', Value: user.admin ? 'true' : 'false' };
}

/** The user attributes Cognito keeps and puts in the ID token; flags are strings, as the token carries them. */
export function cognitoAttributes(user: User): { Name: string; Value: string }[] {
  return [
    { Name: 'email', Value: user.email },
    // The back office vouches for the address; a verified email is what lets the user sign in with it.
    { Name: 'email_verified', Value: 'true' },
    { Name: 'custom:account', Value: user.accountId },
    adminAttribute(user),
    { Name: 'custom:operator', Value: 'false' },
  ];
}

/**
 * The identity provider of the user pool `userPoolId`: a user's Cognito username is its portal user id (the
 * `cognito:username` claim), people sign in with the email alias. Errors of Cognito other than those named on
 * the port are rethrown (a 500 that shows nothing internal).
 */
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

    async updateIdentity(user: User): Promise<void> {
      // Informational in the token (the portal reads roles from the table), kept true for clients that read it.
      await client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: userPoolId,
          Username: user.userId,
          UserAttributes: [adminAttribute(user)],
        }),
      );
      // A disabled Cognito user gets no new tokens; the table refuses the ones it holds (401) already.
      await client.send(
        user.disabled
          ? new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: user.userId })
          : new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: user.userId }),
      );
    },

    async deleteIdentity(user: User): Promise<void> {
      try {
        await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: user.userId }));
      } catch (error) {
        // Removed by an earlier attempt of the same deletion: what this call wants is done.
        if (error instanceof UserNotFoundException) return;
        throw error;
      }
    },
  };
}
