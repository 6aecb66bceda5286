// Account administration decided (API.md "Account administration"): a new user, what a change or a deletion of a
// user does (its profile version, the enabled-administrator counter, whether its sessions end), the last
// administrator rule, and what the audit log says about users. Pure: the store and the use case carry it out.
import { effectiveRoles, isEnabledAdmin, normalizeEmail, type User } from './account.js';
import { and, attr, type Condition, compare, exists, itemExists, missing, value } from './conditions.js';
import { LastAdminError } from './errors.js';
import { counterEquals } from './seat-rules.js';

/** API.md: "a password under 12 characters → 400"; the Cognito user pool's policy says the same (infra/stack.ts). */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest password the portal takes (Cognito's own limit is 256). */
export const MAX_PASSWORD_LENGTH = 128;

/**
 * The attribute of the Account item that counts its enabled administrators (isEnabledAdmin). Every change that
 * makes a user an enabled administrator or stops it being one moves it in the same transaction as the user, so
 * two racing changes cannot both take the last one away (lastAdminRefusal, adminCounterCondition).
 */
export const ENABLED_ADMINS = 'enabledAdmins';
/** The attribute that marks a user whose deletion has begun (its sessions are being ended); such a user is gone. */
export const DELETED_AT = 'deletedAt';

/** What a new user is made of: POST /v1/users, or the back office's POST /v1/accounts/{accountId}/users. */
export interface NewUserInput {
  email: string;
  name?: string | undefined;
  roles?: readonly string[] | undefined;
  admin?: boolean | undefined;
}

/** The user `input` creates in `accountId` with id `userId` at `now`: email lower-cased, `All Users` added, enabled. */
export function newUser(input: NewUserInput, ids: { accountId: string; userId: string }, now: Date): User {
  return {
    userId: ids.userId,
    accountId: ids.accountId,
    email: normalizeEmail(input.email),
    name: input.name ?? '',
    roles: effectiveRoles(input.roles ?? []),
    admin: input.admin ?? false,
    disabled: false,
    profileVersion: 0,
    createdAt: now.toISOString(),
  };
}

/** PATCH /v1/users/{userId}: the fields to set; absent ones stay as they are. */
export interface UserPatch {
  name?: string | undefined;
  roles?: readonly string[] | undefined;
  admin?: boolean | undefined;
  disabled?: boolean | undefined;
}

/** The fields of a user that a patch may change. */
export type PatchedField = 'name' | 'roles' | 'admin' | 'disabled';

/** How the enabled-administrator counter moves: one down, none, one up. */
export type AdminDelta = -1 | 0 | 1;

/** A change of a user as a plan: what to write and what follows from it. */
export type UserChangePlan =
  | { kind: 'unchanged'; user: User }
  | {
      kind: 'change';
      before: User;
      /** The user as written: the patch applied and profileVersion one higher. */
      after: User;
      /** The move of the account's enabled administrators (ENABLED_ADMINS). */
      adminDelta: AdminDelta;
      /** The user becomes disabled: its sessions end once the write has landed (API.md). */
      endsSessions: boolean;
      /** The fields whose value changes, before and after (for the audit record). */
      changes: Partial<Record<PatchedField, { from: unknown; to: unknown }>>;
    };

/** How a change from `before` to `after` (null: no user) moves the count of enabled administrators. */
export function adminDeltaOf(before: User | null, after: User | null): AdminDelta {
  const was = before !== null && isEnabledAdmin(before);
  const is = after !== null && isEnabledAdmin(after);
  return was === is ? 0 : is ? 1 : -1;
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role, i) => role === b[i]);
}

/**
 * What PATCH /v1/users/{userId} does to `before`: the named fields replace the stored ones (`roles` as given, with
 * `All Users` added), every real change raises profileVersion (a seat grant decided on the old copy of the user
 * then fails its condition and reads the user again, docs/seat-protocol.md), and a patch that changes nothing
 * is `unchanged` (nothing is written or logged). Rules: API.md "Account administration".
 */
export function planUserChange(before: User, patch: UserPatch): UserChangePlan {
  const next: Pick<User, PatchedField> = {
    name: patch.name ?? before.name,
    roles: patch.roles ? effectiveRoles(patch.roles) : before.roles,
    admin: patch.admin ?? before.admin,
    disabled: patch.disabled ?? before.disabled,
  };
  const changes: Partial<Record<PatchedField, { from: unknown; to: unknown }>> = {};
  if (next.name !== before.name) changes.name = { from: before.name, to: next.name };
  if (!sameRoles(next.roles, before.roles)) changes.roles = { from: before.roles, to: next.roles };
  if (next.admin !== before.admin) changes.admin = { from: before.admin, to: next.admin };
  if (next.disabled !== before.disabled) changes.disabled = { from: before.disabled, to: next.disabled };
  if (Object.keys(changes).length === 0) return { kind: 'unchanged', user: before };
  const after: User = { ...before, ...next, profileVersion: before.profileVersion + 1 };
  return {
    kind: 'change',
    before,
    after,
    adminDelta: adminDeltaOf(before, after),
    endsSessions: !before.disabled && after.disabled,
    changes,
  };
}

/**
 * The user as its deletion's first write leaves it: disabled (every later seat grant fails its condition, and
 * its token answers 401) and one profileVersion on; the store marks it DELETED_AT in the same write. Its
 * sessions end next; then the user is removed (API.md "a deleted user's id → 404 everywhere").
 */
export function deletionMark(user: User): User {
  return { ...user, disabled: true, profileVersion: user.profileVersion + 1 };
}

const LAST_ADMIN_MESSAGE =
  'This is the last enabled administrator of the account; make another user an administrator first.';

/**
 * Refusal of a change that takes an enabled administrator away (`delta` -1) while the account has
 * `enabledAdmins` of them: the last one stays (API.md: "removing `admin` from, disabling or deleting the last
 * one → 409 `last_admin`"). null when the change may go ahead; the write's condition (adminCounterCondition)
 * decides again when changes race.
 */
export function lastAdminRefusal(delta: AdminDelta, enabledAdmins: number): LastAdminError | null {
  return delta < 0 && enabledAdmins <= 1 ? new LastAdminError(LAST_ADMIN_MESSAGE) : null;
}

/** The 409 of a change whose counter condition failed: another change took the other administrator away first. */
export function lastAdminError(): LastAdminError {
  return new LastAdminError(LAST_ADMIN_MESSAGE);
}

/**
 * The condition on the Account item when a change moves its enabled administrators by `delta`: going down needs
 * at least two now (so one stays), going up needs the counter to be there (adminCounterStart put it there).
 */
export function adminCounterCondition(delta: -1 | 1): Condition {
  return delta < 0
    ? and(itemExists, compare(attr(ENABLED_ADMINS), '>', value(1)))
    : and(itemExists, exists(ENABLED_ADMINS));
}

/**
 * The counter's first value on an account stored before it existed: its enabled administrators, counted from
 * every user as stored (users being deleted are not counted: their first write disabled them).
 */
export function countEnabledAdmins(users: readonly User[]): number {
  return users.filter(isEnabledAdmin).length;
}

/** The condition under which the counter's first value is written: nobody has written it yet. */
export const adminCounterMissing: Condition = and(itemExists, missing(ENABLED_ADMINS));

/** A user as read: present, not being deleted, with the profileVersion it had (every change raises it). */
export function userAsStored(profileVersion: number): Condition {
  return and(itemExists, missing(DELETED_AT), counterEquals('profileVersion', profileVersion));
}

/** A user whose deletion has begun (deletionMark was written): only then is it removed. */
export const userBeingDeleted: Condition = and(itemExists, exists(DELETED_AT));

/** What the audit log says about a user (API.md "`details` never holds a secret or a password"). */
export function userDetails(user: User): Record<string, unknown> {
  return {
    email: user.email,
    name: user.name,
    roles: user.roles,
    admin: user.admin,
    disabled: user.disabled,
  };
}

/** A user as API.md shows it: `{"userId","email","name","roles","admin","disabled","createdAt"}`. */
export function userView(user: User) {
  return {
    userId: user.userId,
    email: user.email,
    name: user.name,
    roles: user.roles,
    admin: user.admin,
    disabled: user.disabled,
    createdAt: user.createdAt,
  };
}
