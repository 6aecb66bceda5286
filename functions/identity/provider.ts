// The identity-provider port: where users' sign-in identities live (locally in the table, in AWS in Cognito).
import type { User } from '../../domain/account.js';
import { hashPassword } from './passwords.js';

export interface IdentityProvider {
  /** A hash to keep with the user's login item, when this provider checks passwords itself. */
  passwordHashFor(password: string): Promise<string | undefined>;
  /** Called once the user exists in the table. */
  createIdentity(user: User, password: string): Promise<void>;
}

export const localIdentityProvider: IdentityProvider = {
  passwordHashFor: (password) => hashPassword(password),
  createIdentity: async () => {},
};
