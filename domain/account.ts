// Accounts, users and roles: every user of an account is also in the built-in role "All Users".

export const ALL_USERS_ROLE = 'All Users';

export interface Account {
  accountId: string;
  name: string;
}

export interface User {
  userId: string;
  accountId: string;
  email: string;
  /** How people call the user (API.md User `name`); empty when none was given. */
  name: string;
  /** Roles as given by the back office; "All Users" is implied and always present. */
  roles: string[];
  admin: boolean;
  /** A disabled user cannot sign in and holds no session (API.md "Account administration"). */
  disabled: boolean;
  /**
   * Bumped by every change of roles, admin or disabled: a seat write is conditioned on the version its
   * decision read, so a decision made on an old copy of the user never lands (docs/seat-protocol.md).
   */
  profileVersion: number;
  /** ISO time the user was created; null for users stored before the portal recorded it. */
  createdAt: string | null;
}

/**
 * Whether the user counts toward the account's enabled administrators (API.md "The account always keeps one
 * enabled administrator once it has one"): an administrator who is not disabled.
 */
export function isEnabledAdmin(user: Pick<User, 'admin' | 'disabled'>): boolean {
  return user.admin && !user.disabled;
}

/** The roles a user is in, "All Users" first and each once. */
export function effectiveRoles(roles: readonly string[]): string[] {
  return [ALL_USERS_ROLE, ...new Set(roles.filter((role) => role !== ALL_USERS_ROLE))];
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
