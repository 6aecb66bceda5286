// Accounts, reads of their users and the email index (account administration writes users: ./users.ts).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Account, User } from '../../domain/account.js';
import { NotFoundError } from '../../domain/errors.js';
import { ENABLED_ADMINS } from '../../domain/users.js';
import type { TableContext } from './client.js';
import { keys } from './keys.js';

export interface EmailLogin {
  email: string;
  accountId: string;
  userId: string;
  /** Local identity provider only: scrypt hash. In AWS, Cognito keeps the password. */
  passwordHash?: string;
}

/**
 * A user from its item (items written before profileVersion, disabled, name and createdAt existed read as 0,
 * false, '' and null).
 */
export function userFromItem(item: Record<string, unknown>): User {
  return {
    userId: item.userId as string,
    accountId: item.accountId as string,
    email: item.email as string,
    name: typeof item.name === 'string' ? item.name : '',
    roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
    admin: item.admin === true,
    disabled: item.disabled === true,
    profileVersion: typeof item.profileVersion === 'number' ? item.profileVersion : 0,
    createdAt: typeof item.createdAt === 'string' ? item.createdAt : null,
  };
}

export function createAccountStore({ doc, table }: TableContext) {
  return {
    async create(account: Account): Promise<void> {
      await doc.send(
        new PutCommand({
          TableName: table,
          // A new account counts its enabled administrators from the start (domain/users.ts ENABLED_ADMINS).
          Item: { ...keys.account(account.accountId), entity: 'Account', ...account, [ENABLED_ADMINS]: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async get(accountId: string): Promise<Account | null> {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.account(accountId) }));
      if (!Item) return null;
      return { accountId: Item.accountId, name: Item.name };
    },

    async require(accountId: string): Promise<Account> {
      const account = await this.get(accountId);
      if (!account) throw new NotFoundError('account');
      return account;
    },

    /**
     * The user as stored now (strongly consistent: a change is seen by the next request), or null (also for a
     * user being deleted).
     */
    async getUser(accountId: string, userId: string): Promise<User | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.user(accountId, userId), ConsistentRead: true }),
      );
      // A user whose deletion has begun is gone (API.md "a deleted user's id → 404 everywhere").
      return Item && typeof Item.deletedAt !== 'string' ? userFromItem(Item) : null;
    },

    async getLogin(email: string): Promise<EmailLogin | null> {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.emailLogin(email) }));
      if (!Item) return null;
      return {
        email: Item.email,
        accountId: Item.accountId,
        userId: Item.userId,
        passwordHash: Item.passwordHash,
      };
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
