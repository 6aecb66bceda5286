// Users of an account as account administration writes them: each change of a user is ONE transaction with the
// account's enabled-administrator counter (when it moves) and its audit record, its conditions named; reads of
// one user and pages of the account's users. Decides nothing: domain/users.ts does (docs/users.md).
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { User } from '../../domain/account.js';
import type { AuditRecord } from '../../domain/audit.js';
import type { Condition } from '../../domain/conditions.js';
import { EmailTakenError, NotFoundError } from '../../domain/errors.js';
import {
  type AdminDelta,
  adminCounterCondition,
  adminCounterMissing,
  DELETED_AT,
  ENABLED_ADMINS,
  userAsStored,
  userBeingDeleted,
} from '../../domain/users.js';
import { userFromItem } from './accounts.js';
import { auditPut } from './audit.js';
import type { TableContext } from './client.js';
import { isConditionFailed } from './errors.js';
import { compileCondition, ExpressionNames } from './expressions.js';
import { keys } from './keys.js';
import { type NamedItem, transactNamed } from './named-transaction.js';
import type { Page, PageRequest } from './paging.js';
import { filteredPage, queryAll } from './query.js';

/** The user was changed (or is being deleted) since it was read: read it again and decide again. */
export class UserChangedError extends Error {}
/** The account's enabled-administrator counter refused the move: the last enabled administrator would go. */
export class AdminCounterRefusedError extends Error {}

/** A user as stored, and whether its deletion has begun (such a user is gone for everyone but its deletion). */
export interface StoredAccountUser {
  user: User;
  beingDeleted: boolean;
}

/** The User item of `user`: its key, its email on gsi1 (USERS#<acc> / <email>) and its fields. */
export function userItem(user: User): Record<string, unknown> {
  return {
    ...keys.user(user.accountId, user.userId),
    ...keys.usersByEmail(user.accountId, user.email),
    entity: 'User',
    ...user,
  };
}

/** Filter of a user listing: a case-insensitive part of the email. */
export interface UserFilter {
  email?: string | undefined;
}

/**
 * The user repository of a table. Writes throw EmailTakenError (409), NotFoundError (account), UserChangedError
 * (re-read and retry) and AdminCounterRefusedError (the use case answers 409 last_admin); a conflict with another
 * transaction or throttling is thrown as DynamoDB's error, for the caller's retry (functions/store/retry.ts).
 */
export function createUserStore({ doc, table }: TableContext) {
  const transact = (named: readonly NamedItem[]) => transactNamed(doc, named);

  /** The ConditionExpression of `condition` with its placeholders. */
  const compiled = (condition: Condition) => {
    const names = new ExpressionNames();
    const expression = compileCondition(condition, names);
    return { names, expression };
  };

  /** The account item's part of a change: the counter moved by `delta` under its condition, or a check it exists. */
  const accountPart = (accountId: string, delta: AdminDelta): NamedItem => {
    const Key = keys.account(accountId);
    if (delta === 0) {
      return [
        'account',
        { ConditionCheck: { TableName: table, Key, ConditionExpression: 'attribute_exists(pk)' } },
      ];
    }
    const { names, expression } = compiled(adminCounterCondition(delta));
    return [
      'account',
      {
        Update: {
          TableName: table,
          Key,
          UpdateExpression: `ADD ${names.name(ENABLED_ADMINS)} ${names.value(delta)}`,
          ConditionExpression: expression,
          ...names.attributes(),
        },
      },
    ];
  };

  /** The user's part of a change: SET `values`, only while the user is as `before` was read (userAsStored). */
  const userChange = (before: User, values: Record<string, unknown>): NamedItem => {
    const { names, expression } = compiled(userAsStored(before.profileVersion));
    const sets = Object.entries(values).map(
      ([attribute, v]) => `${names.name(attribute)} = ${names.value(v)}`,
    );
    return [
      'user',
      {
        Update: {
          TableName: table,
          Key: keys.user(before.accountId, before.userId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: expression,
          ...names.attributes(),
        },
      },
    ];
  };

  /**
   * What a failed change of an existing user means: the counter refused to go down (the last enabled
   * administrator), the account is gone (so is the user), or the user changed since it was read.
   */
  const changeRefused = (failed: string[], delta: AdminDelta): never => {
    if (failed.includes('account')) {
      if (delta < 0) throw new AdminCounterRefusedError();
      throw new NotFoundError('user');
    }
    throw new UserChangedError();
  };

  return {
    /** The user of the account (strongly consistent), its deletion begun or not; null when there is none. */
    async get(accountId: string, userId: string): Promise<StoredAccountUser | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.user(accountId, userId), ConsistentRead: true }),
      );
      if (Item?.entity !== 'User') return null;
      return { user: userFromItem(Item), beingDeleted: typeof Item[DELETED_AT] === 'string' };
    },

    /**
     * A page of the account's users (strongly consistent, in user-id order), those being deleted left out;
     * `filter.email` keeps those whose email contains it (emails are stored lower-case).
     */
    async list(accountId: string, filter: UserFilter, page: PageRequest): Promise<Page<User>> {
      const prefix = keys.usersPrefix(accountId);
      const values: Record<string, unknown> = { ':pk': prefix.pk, ':sk': prefix.sk };
      const conditions = [`attribute_not_exists(${DELETED_AT})`];
      if (filter.email) {
        conditions.push('contains(email, :email)');
        values[':email'] = filter.email.toLowerCase();
      }
      return filteredPage(
        doc,
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          FilterExpression: conditions.join(' AND '),
          ExpressionAttributeValues: values,
          ConsistentRead: true,
        },
        page,
        { partition: prefix.pk, sortPrefix: prefix.sk },
        userFromItem,
      );
    },

    /** Every user of the account as stored now, those being deleted included (strongly consistent). */
    async all(accountId: string): Promise<User[]> {
      const prefix = keys.usersPrefix(accountId);
      const items = await queryAll(doc, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
        ConsistentRead: true,
      });
      return items.filter((item) => item.entity === 'User').map(userFromItem);
    },

    /**
     * The account's counter of enabled administrators: null when the account exists without it (stored before
     * the counter did). NotFoundError when there is no such account.
     */
    async enabledAdmins(accountId: string): Promise<number | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.account(accountId), ConsistentRead: true }),
      );
      if (!Item) throw new NotFoundError('account');
      return typeof Item[ENABLED_ADMINS] === 'number' ? Item[ENABLED_ADMINS] : null;
    },

    /** Writes the counter's first value, unless somebody wrote one first (then false: read it again). */
    async startEnabledAdmins(accountId: string, count: number): Promise<boolean> {
      const { names, expression } = compiled(adminCounterMissing);
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.account(accountId),
            UpdateExpression: `SET ${names.name(ENABLED_ADMINS)} = ${names.value(count)}`,
            ConditionExpression: expression,
            ...names.attributes(),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    /**
     * Creates the user, claims its email in every account (EmailLogin, with the local password hash when the
     * identity provider keeps none itself), moves the counter by `delta` (1 for an administrator) and writes the
     * audit record, all or nothing.
     */
    async create(
      user: User,
      passwordHash: string | undefined,
      delta: 0 | 1,
      audit: AuditRecord,
    ): Promise<void> {
      const login = {
        ...keys.emailLogin(user.email),
        entity: 'EmailLogin',
        email: user.email,
        accountId: user.accountId,
        userId: user.userId,
        ...(passwordHash ? { passwordHash } : {}),
      };
      const failed = await transact([
        accountPart(user.accountId, delta),
        [
          'email',
          { Put: { TableName: table, Item: login, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
        [
          'user',
          {
            Put: { TableName: table, Item: userItem(user), ConditionExpression: 'attribute_not_exists(pk)' },
          },
        ],
        ['audit', auditPut(table, audit)],
      ]);
      if (failed.includes('account')) throw new NotFoundError('account');
      if (failed.includes('email')) throw new EmailTakenError();
      if (failed.length) throw new Error(`creating user ${user.userId} failed on ${failed.join(', ')}`);
    },

    /**
     * Writes `after` over `before` (same user), only while the user is as read (profileVersion) and not being
     * deleted, with the counter move and the audit record.
     */
    async update(before: User, after: User, delta: AdminDelta, audit: AuditRecord): Promise<void> {
      const { name, roles, admin, disabled, profileVersion } = after;
      const failed = await transact([
        accountPart(before.accountId, delta),
        userChange(before, { name, roles, admin, disabled, profileVersion }),
        ['audit', auditPut(table, audit)],
      ]);
      if (failed.length) changeRefused(failed, delta);
    },

    /**
     * The first write of a deletion: the user becomes `marked` (disabled, profileVersion on) and DELETED_AT `at`,
     * only while it is as read, with the counter move. From here the user is gone for every read but its deletion.
     */
    async markDeleted(before: User, marked: User, delta: AdminDelta, at: Date): Promise<void> {
      const failed = await transact([
        accountPart(before.accountId, delta),
        userChange(before, {
          disabled: marked.disabled,
          profileVersion: marked.profileVersion,
          [DELETED_AT]: at.toISOString(),
        }),
      ]);
      if (failed.length) changeRefused(failed, delta);
    },

    /**
     * The last write of a deletion: removes the user (only once its deletion has begun) and its email claim,
     * so the email may be used again, with the audit record. false when another deletion removed it first.
     */
    async remove(user: User, audit: AuditRecord): Promise<boolean> {
      const { names, expression } = compiled(userBeingDeleted);
      const failed = await transact([
        [
          'user',
          {
            Delete: {
              TableName: table,
              Key: keys.user(user.accountId, user.userId),
              ConditionExpression: expression,
              ...names.attributes(),
            },
          },
        ],
        [
          'email',
          {
            Delete: {
              TableName: table,
              Key: keys.emailLogin(user.email),
              // Never another user's claim of the same email.
              ConditionExpression: 'attribute_not_exists(pk) OR userId = :userId',
              ExpressionAttributeValues: { ':userId': user.userId },
            },
          },
        ],
        ['audit', auditPut(table, audit)],
      ]);
      if (failed.includes('user')) return false;
      if (failed.length) throw new Error(`removing user ${user.userId} failed on ${failed.join(', ')}`);
      return true;
    },
  };
}

/** The user repository of a table (createUserStore). */
export type UserStore = ReturnType<typeof createUserStore>;
