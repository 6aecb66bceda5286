// Account administration (API.md "Account administration"): create, read, list, change and delete users. Reads,
// decides (domain/users.ts), writes one guarded transaction, then does what follows from it: ends the user's
// sessions through seat leasing's one path and brings the identity provider in line.
//
// Order of writes, so that a failure leaves no half-made user (docs/users.md):
// - create: the provider's identity first, then the table (user, email claim, counter, audit record in one
//   transaction); when the table refuses or fails, the identity is removed again. The table write is the commit:
//   before it nobody can use the user (every request reads the user from the table), after it the user is whole.
// - change: the table first (its conditions decide last_admin and racing changes), then the user's sessions end
//   (disabling), then the provider; the provider's calls follow the stored user and are idempotent, so when one
//   fails (5xx) the same request again finds the table done and finishes the rest.
// - delete: mark the user deleted and disabled (later seat grants fail, its tokens answer 401), end its sessions,
//   delete the identity, then remove the user and its email claim with the audit record; a retry of a failed
//   deletion continues from the mark.
import type { User } from '../../domain/account.js';
import type { AuditActor, AuditRecord } from '../../domain/audit.js';
import { BusyError, NotFoundError } from '../../domain/errors.js';
import {
  adminDeltaOf,
  countEnabledAdmins,
  deletionMark,
  lastAdminError,
  lastAdminRefusal,
  type NewUserInput,
  newUser,
  planUserChange,
  type UserPatch,
  userDetails,
} from '../../domain/users.js';
import type { IdentityProvider } from '../identity/provider.js';
import { logger } from '../runtime/logger.js';
import type { Page, PageRequest } from '../store/paging.js';
import { backoffMs, type RetryPolicy, SEAT_RETRY, sleep, withRetry } from '../store/retry.js';
import {
  AdminCounterRefusedError,
  type UserFilter,
  type UserStore,
  UserChangedError,
} from '../store/users.js';

/** Re-reads of a user changed by another request meanwhile, before answering 503 busy. */
const CHANGE_ATTEMPTS = 8;
/** Tries to find or write the first value of an account's administrator counter (two at most are needed). */
const COUNTER_ATTEMPTS = 3;

/** What creating, reading and listing users need. */
export interface UserDirectoryPorts {
  users: Pick<UserStore, 'get' | 'list' | 'all' | 'enabledAdmins' | 'startEnabledAdmins' | 'create'>;
  identity: IdentityProvider;
  newId(prefix: string): string;
  retry?: RetryPolicy;
}

/** What changing and deleting users need besides: the store's writes and seat leasing's one path that ends sessions. */
export interface UserAdministrationPorts extends UserDirectoryPorts {
  users: UserDirectoryPorts['users'] & Pick<UserStore, 'update' | 'markDeleted' | 'remove'>;
  sessions: {
    endSessionsOfUser(
      accountId: string,
      userId: string,
      reason: 'user_disabled' | 'user_deleted',
      now: Date,
    ): Promise<number>;
  };
}

/** POST /v1/users and the back office's POST /v1/accounts/{accountId}/users: a new user and its password. */
export interface CreateUserInput extends NewUserInput {
  password: string;
}

/**
 * Creating, reading and listing users (what the back office needs too; without seat leasing, so its function
 * stays small). Errors: NotFoundError (account, user), EmailTakenError, InvalidRequestError (a password the
 * provider refuses), BusyError.
 */
export function createUserDirectory(ports: UserDirectoryPorts) {
  const { users, identity } = ports;
  const policy = ports.retry ?? SEAT_RETRY;

  /**
   * The account's enabled administrators as its counter says, writing the counter's first value from the stored
   * users when the account was stored before the counter existed. NotFoundError when there is no such account.
   */
  async function enabledAdmins(accountId: string): Promise<number> {
    for (let attempt = 0; attempt < COUNTER_ATTEMPTS; attempt++) {
      const counted = await users.enabledAdmins(accountId);
      if (counted !== null) return counted;
      // Every change that moves the count writes the counter first, so no change lands between this count and
      // the conditional write of its value without making that write fail (then it is read again).
      await users.startEnabledAdmins(accountId, countEnabledAdmins(await users.all(accountId)));
    }
    throw new BusyError(policy.retryAfterSeconds);
  }

  return {
    enabledAdmins,

    /**
     * Creates a user of `accountId` for `actor` at `now` (API.md: an email taken in any account → 409
     * `email_taken`), with its `user.created` audit record. The identity first, then the table; a table that
     * refuses removes the identity again.
     */
    async create(accountId: string, input: CreateUserInput, actor: AuditActor, now: Date): Promise<User> {
      const user = newUser(input, { accountId, userId: ports.newId('usr') }, now);
      // The account exists and its counter is there before anything is written.
      await enabledAdmins(accountId);
      const passwordHash = await identity.passwordHashFor(input.password);
      const audit: AuditRecord = {
        eventId: ports.newId('evt'),
        accountId,
        at: now.toISOString(),
        actor,
        action: 'user.created',
        targetId: user.userId,
        details: userDetails(user),
      };
      await identity.createIdentity(user, input.password);
      try {
        await withRetry(() => users.create(user, passwordHash, user.admin ? 1 : 0, audit), policy);
      } catch (error) {
        await identity.deleteIdentity(user).catch((cleanup: unknown) =>
          logger.error('could not remove the identity of a user the table refused', {
            userId: user.userId,
            error: cleanup as Error,
          }),
        );
        throw error;
      }
      return user;
    },

    /** The user, or NotFoundError (missing, another account's, or being deleted). */
    async get(accountId: string, userId: string): Promise<User> {
      const stored = await users.get(accountId, userId);
      if (!stored || stored.beingDeleted) throw new NotFoundError('user');
      return stored.user;
    },

    /** A page of the account's users (GET /v1/users, GET /v1/accounts/{accountId}/users). */
    list(accountId: string, filter: UserFilter, page: PageRequest): Promise<Page<User>> {
      return users.list(accountId, filter, page);
    },
  };
}

/** Whether a patch names what the identity provider keeps (the administrator flag, enabled or disabled). */
function touchesIdentity(patch: UserPatch): boolean {
  return patch.admin !== undefined || patch.disabled !== undefined;
}

/**
 * Account administration over the given ports: the directory plus changing and deleting users. Errors besides
 * the directory's: LastAdminError (409 `last_admin`), BusyError when other changes of the same user outlast the
 * retries.
 */
export function createUserAdministration(ports: UserAdministrationPorts) {
  const directory = createUserDirectory(ports);
  const { users, identity, sessions } = ports;
  const policy = ports.retry ?? SEAT_RETRY;

  /** Refuses (409 last_admin) a change that would take away the account's last enabled administrator. */
  async function refuseLastAdmin(accountId: string, delta: -1 | 0 | 1): Promise<void> {
    if (delta === 0) return;
    const refusal = lastAdminRefusal(delta, await directory.enabledAdmins(accountId));
    if (refusal) throw refusal;
  }

  /** The record of a change of `user` by `actor`. */
  const record = (
    user: User,
    action: 'user.updated' | 'user.deleted',
    actor: AuditActor,
    now: Date,
    details: Record<string, unknown>,
  ): AuditRecord => ({
    eventId: ports.newId('evt'),
    accountId: user.accountId,
    at: now.toISOString(),
    actor,
    action,
    targetId: user.userId,
    details,
  });

  return {
    ...directory,

    /**
     * PATCH /v1/users/{userId}: the named fields change (API.md). Disabling ends all the user's sessions before
     * it answers; a change that would leave no enabled administrator → LastAdminError, decided again by the
     * write's condition when changes race. A patch that changes nothing writes and logs nothing.
     */
    async update(
      accountId: string,
      userId: string,
      patch: UserPatch,
      actor: AuditActor,
      now: Date,
    ): Promise<User> {
      for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
        const stored = await directory.get(accountId, userId);
        const plan = planUserChange(stored, patch);
        let user = stored;
        if (plan.kind === 'change') {
          await refuseLastAdmin(accountId, plan.adminDelta);
          const audit = record(plan.after, 'user.updated', actor, now, {
            email: stored.email,
            changes: plan.changes,
          });
          try {
            await withRetry(() => users.update(plan.before, plan.after, plan.adminDelta, audit), policy);
          } catch (error) {
            if (error instanceof AdminCounterRefusedError) throw lastAdminError();
            if (!(error instanceof UserChangedError)) throw error;
            await sleep(backoffMs(policy, attempt));
            continue;
          }
          user = plan.after;
        }
        // Also when the user was disabled already: a retry of a disabling that failed midway finishes it.
        if (patch.disabled === true) {
          await sessions.endSessionsOfUser(accountId, userId, 'user_disabled', now);
        }
        if (touchesIdentity(patch)) await identity.updateIdentity(user);
        return user;
      }
      throw new BusyError(policy.retryAfterSeconds);
    },

    /**
     * DELETE /v1/users/{userId}: the user is gone (404 everywhere, its tokens 401) and its sessions ended when it
     * answers; its email may be used again. The last enabled administrator → LastAdminError. NotFoundError when
     * there is no such user (or another deletion finished first).
     */
    async remove(accountId: string, userId: string, actor: AuditActor, now: Date): Promise<void> {
      for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
        const stored = await users.get(accountId, userId);
        if (!stored) throw new NotFoundError('user');
        let user = stored.user;
        if (!stored.beingDeleted) {
          const delta = adminDeltaOf(user, null);
          await refuseLastAdmin(accountId, delta);
          const marked = deletionMark(user);
          try {
            await withRetry(() => users.markDeleted(stored.user, marked, delta, now), policy);
          } catch (error) {
            if (error instanceof AdminCounterRefusedError) throw lastAdminError();
            if (!(error instanceof UserChangedError)) throw error;
            await sleep(backoffMs(policy, attempt));
            continue;
          }
          user = marked;
        }
        await sessions.endSessionsOfUser(accountId, userId, 'user_deleted', now);
        await identity.deleteIdentity(user);
        const audit = record(user, 'user.deleted', actor, now, { email: user.email });
        if (!(await withRetry(() => users.remove(user, audit), policy))) throw new NotFoundError('user');
        return;
      }
      throw new BusyError(policy.retryAfterSeconds);
    },
  };
}

/** Account administration of one set of ports (createUserAdministration). */
export type UserAdministration = ReturnType<typeof createUserAdministration>;
