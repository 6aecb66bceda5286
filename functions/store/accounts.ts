// Accounts, their users and the email index.
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Account, User } from '../../domain/account.js';
import { EmailTakenError, NotFoundError } from '../../domain/errors.js';
import type { TableContext } from './client.js';
import { cancellationReasons } from './errors.js';
import { keys } from './keys.js';
import { queryAll } from './query.js';

export interface EmailLogin {
  email: string;
  accountId: string;
  userId: string;
  admin: boolean;
  /** Local identity provider only: scrypt hash. In AWS, Cognito keeps the password. */
  passwordHash?: string;
}

/** A user from its item (items written before profileVersion and disabled existed read as 0 and false). */
export function userFromItem(item: Record<string, unknown>): User {
  return {
    userId: item.userId as string,
    accountId: item.accountId as string,
    email: item.email as string,
    roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
    admin: item.admin === true,
    disabled: item.disabled === true,
    profileVersion: typeof item.profileVersion === 'number' ? item.profileVersion : 0,
  };
}

export function createAccountStore({ doc, table }: TableContext) {
  return {
    async create(account: Account): Promise<void> {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...keys.account(account.accountId), entity: 'Account', ...account },
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

    /** Creates the user and claims its email in one transaction; the account must exist. */
    async createUser(user: User, passwordHash: string | undefined): Promise<void> {
      const login: EmailLogin = {
        email: user.email,
        accountId: user.accountId,
        userId: user.userId,
        admin: user.admin,
        ...(passwordHash ? { passwordHash } : {}),
      };
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: table,
                  Key: keys.account(user.accountId),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { ...keys.emailLogin(user.email), entity: 'EmailLogin', ...login },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.user(user.accountId, user.userId),
                    ...keys.usersByEmail(user.accountId, user.email),
                    entity: 'User',
                    ...user,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[0] === 'ConditionalCheckFailed') throw new NotFoundError('account');
        if (reasons?.[1] === 'ConditionalCheckFailed') throw new EmailTakenError();
        throw error;
      }
    },

    /** Undoes createUser (when the identity provider refused the user after the table accepted it). */
    async deleteUser(user: User): Promise<void> {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: table, Key: keys.emailLogin(user.email) } },
            { Delete: { TableName: table, Key: keys.user(user.accountId, user.userId) } },
          ],
        }),
      );
    },

    /** The user as stored now (strongly consistent: a change is seen by the next request), or null. */
    async getUser(accountId: string, userId: string): Promise<User | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.user(accountId, userId), ConsistentRead: true }),
      );
      return Item ? userFromItem(Item) : null;
    },

    async listUsers(accountId: string): Promise<User[]> {
      const prefix = keys.usersPrefix(accountId);
      const items = await queryAll(doc, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
      });
      return items.map(userFromItem);
    },

    async getLogin(email: string): Promise<EmailLogin | null> {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.emailLogin(email) }));
      if (!Item) return null;
      return {
        email: Item.email,
        accountId: Item.accountId,
        userId: Item.userId,
        admin: Item.admin === true,
        passwordHash: Item.passwordHash,
      };
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
