// The identity-provider port: where users' sign-in identities live (locally in the table, in AWS in Cognito).
//
// The table decides who a user is and what it may do on every request (functions/http/authenticate.ts); the
// provider only lets people get tokens. Account administration (functions/use-cases/users.ts) calls it in an
// order that leaves no half-made user: a new identity before the table (undone when the table refuses), changes
// and deletions after the table (idempotent, so a retry of a failed request brings the provider in line).
import type { User } from '../../domain/account.js';
import { hashPassword } from './passwords.js';

export interface IdentityProvider {
  /** A hash to keep with the user's login item, when this provider checks passwords itself (locally). */
  passwordHashFor(password: string): Promise<string | undefined>;
  /**
   * Creates the user's identity with a permanent password, before the table holds the user. Throws
   * EmailTakenError (409) when the provider knows the email already, InvalidRequestError (400) when it refuses
   * the password; a half-made identity is removed before it throws.
   */
  createIdentity(user: User, password: string): Promise<void>;
  /** Makes the identity match the stored user: its administrator flag, enabled or disabled. Idempotent. */
  updateIdentity(user: User): Promise<void>;
  /** Removes the identity; one that is gone already counts as removed (a retried deletion). */
  deleteIdentity(user: User): Promise<void>;
}

/** The local provider: the password hash lives in the table's EmailLogin item, everything else is the table's. */
export const localIdentityProvider: IdentityProvider = {
  passwordHashFor: (password) => hashPassword(password),
  createIdentity: async () => {},
  updateIdentity: async () => {},
  deleteIdentity: async () => {},
};
