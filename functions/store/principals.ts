// The identity read of every request (a user with its account, or an operator), and the stored operators.
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BusyError } from '../../domain/errors.js';
import type { StoredOperator, StoredServerPrincipal, StoredUser } from '../../domain/identity.js';
import { type TableContext, tableContext } from './client.js';
import { type Key, keys } from './keys.js';

/** BatchGetItem may leave keys unprocessed under load; this many tries, then 503 busy. */
const BATCH_ATTEMPTS = 3;

/** A back-office operator as written by the local runtime (with a scrypt hash) or by a deployer in AWS (none). */
export interface OperatorRecord {
  userId: string;
  /** Local identity provider only: scrypt hash of the operator's password. In AWS, Cognito keeps it. */
  passwordHash?: string;
}

const isTrue = (value: unknown) => value === true;
/** `deletedAt` (ISO time) marks a soft-deleted item; the account-administration issue writes it. */
const isDeleted = (item: Record<string, unknown>) => typeof item.deletedAt === 'string';

/** An account as the identity rules read it; null when missing. */
function storedAccount(item: Record<string, unknown> | undefined): StoredUser['account'] {
  if (!item) return null;
  return { accountId: String(item.accountId), disabled: isTrue(item.disabled), deleted: isDeleted(item) };
}

/**
 * The identity reads on `table`: user(accountId, userId) and operator(userId) give what the store holds for
 * the domain's identity rules (domain/identity.ts) to decide on; operatorLogin and putOperator serve the local
 * sign-in and the built-in operator. Throws BusyError (503) when DynamoDB keeps keys unprocessed.
 */
export function createPrincipalStore({ doc, table }: TableContext) {
  /**
   * The items at `wanted` keys with strongly consistent reads, so a change that has answered is seen by the next
   * request (API.md "a change to a user takes effect at that user's next request"). One request, retried only
   * for keys DynamoDB left unprocessed; throws BusyError (503) when they stay unprocessed.
   */
  const readConsistent = async (wanted: Key[]): Promise<Map<string, Record<string, unknown>>> => {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Key[] = wanted;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > BATCH_ATTEMPTS) throw new BusyError();
      const result = await doc.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[table] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = (result.UnprocessedKeys?.[table]?.Keys as Key[] | undefined) ?? [];
    }
    return found;
  };
  const at = (items: Map<string, Record<string, unknown>>, key: Key) => items.get(`${key.pk}|${key.sk}`);

  return {
    /** The user and its account, read together in one BatchGetItem (consistent); null parts are missing items. */
    async user(accountId: string, userId: string): Promise<StoredUser> {
      const userKey = keys.user(accountId, userId);
      const accountKey = keys.account(accountId);
      const items = await readConsistent([userKey, accountKey]);
      const user = at(items, userKey);
      const account = at(items, accountKey);
      return {
        user: user
          ? {
              userId: String(user.userId),
              accountId: String(user.accountId),
              admin: isTrue(user.admin),
              disabled: isTrue(user.disabled),
              deleted: isDeleted(user),
            }
          : null,
        account: storedAccount(account),
      };
    },

    /**
     * What a NEXUS server's own token names: its credential, the server and the account, read together in one
     * BatchGetItem (consistent), so a revocation or a server deletion that has answered is seen by the token's
     * next request. Null parts are missing items; a server being removed counts as `removing`.
     */
    async server(accountId: string, serverId: string, credentialId: string): Promise<StoredServerPrincipal> {
      const credentialKey = keys.credential(credentialId);
      const serverKey = keys.server(accountId, serverId);
      const accountKey = keys.account(accountId);
      const items = await readConsistent([credentialKey, serverKey, accountKey]);
      const credential = at(items, credentialKey);
      const server = at(items, serverKey);
      const account = at(items, accountKey);
      return {
        credential: credential
          ? {
              credentialId: String(credential.credentialId),
              accountId: String(credential.accountId),
              serverId: String(credential.serverId),
              revoked: typeof credential.revokedAt === 'string',
            }
          : null,
        server: server
          ? {
              serverId: String(server.serverId),
              accountId: String(server.accountId),
              removing: typeof server.removing === 'string',
            }
          : null,
        account: storedAccount(account),
      };
    },

    /** The operator of that id (consistent read); null part when there is none. */
    async operator(userId: string): Promise<StoredOperator> {
      const key = keys.operator(userId);
      const item = at(await readConsistent([key]), key);
      return {
        operator: item ? { userId: String(item.userId), disabled: isTrue(item.disabled) } : null,
      };
    },

    /** The operator's sign-in record (local sign-in reads its hash); null when there is none. */
    async operatorLogin(userId: string): Promise<OperatorRecord | null> {
      const key = keys.operator(userId);
      const item = at(await readConsistent([key]), key);
      if (!item) return null;
      return {
        userId: String(item.userId),
        ...(typeof item.passwordHash === 'string' ? { passwordHash: item.passwordHash } : {}),
      };
    },

    /**
     * Writes (or replaces) a stored operator: the local runtime's built-in operator at every start, so that
     * OPERATOR_USERNAME / OPERATOR_PASSWORD always apply. Source: API.md "the built-in operator is a stored user too".
     */
    async putOperator(operator: OperatorRecord): Promise<void> {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...keys.operator(operator.userId), entity: 'Operator', ...operator },
        }),
      );
    },
  };
}

/** The identity reads of one table (createPrincipalStore). */
export type PrincipalStore = ReturnType<typeof createPrincipalStore>;

/** The principal store of this process's table: where the group handlers read each request's caller from. */
export const storedPrincipals = (): PrincipalStore => createPrincipalStore(tableContext());
