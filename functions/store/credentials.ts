// NEXUS servers' credentials: created and revoked with their audit records, listed per server, found by id when a
// secret is exchanged. Only a hash of each secret is stored (functions/identity/credential-secrets.ts).
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/audit.js';
import type { Credential } from '../../domain/credentials.js';
import { NotFoundError } from '../../domain/errors.js';
import { auditPut } from './audit.js';
import type { TableContext } from './client.js';
import { failedConditions, isConditionFailed } from './errors.js';
import { keys } from './keys.js';
import type { Page, PageRequest } from './paging.js';
import { indexPartitionPage, queryAll } from './query.js';

/** A credential as stored, with the hash of its secret (never the secret). */
export interface StoredCredential extends Credential {
  /** HMAC-SHA-256 of the secret under the server-side hash key, base64url. */
  secretHash: string;
}

function credentialFromItem(item: Record<string, unknown>): StoredCredential {
  return {
    credentialId: item.credentialId as string,
    accountId: item.accountId as string,
    serverId: item.serverId as string,
    createdAt: item.createdAt as string,
    lastUsedAt: typeof item.lastUsedAt === 'string' ? item.lastUsedAt : null,
    revokedAt: typeof item.revokedAt === 'string' ? item.revokedAt : null,
    secretHash: item.secretHash as string,
  };
}

/** Leaves the hash out: lists and answers never carry it. */
function withoutHash({ secretHash: _hash, ...credential }: StoredCredential): Credential {
  return credential;
}

/**
 * The credentials of `table`. Creation and revocation write their audit record in the same transaction
 * (API.md "Audit log"); NotFoundError for a server or credential that is missing, being removed, revoked, or of
 * another account or server, exactly as for one that never existed.
 */
export function createCredentialStore({ doc, table }: TableContext) {
  /**
   * Revokes one credential with its audit record in one transaction: true when THIS call revoked it, false when
   * it is missing, revoked already or (with `of`) of another account or server.
   */
  async function revokeWithAudit(
    credentialId: string,
    at: Date,
    audit: AuditRecord,
    of?: { accountId: string; serverId: string },
  ): Promise<boolean> {
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: keys.credential(credentialId),
                UpdateExpression: 'SET revokedAt = :at REMOVE gsi1pk, gsi1sk',
                ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(revokedAt)${
                  of ? ' AND accountId = :account AND serverId = :server' : ''
                }`,
                ExpressionAttributeValues: {
                  ':at': at.toISOString(),
                  ...(of ? { ':account': of.accountId, ':server': of.serverId } : {}),
                },
              },
            },
            auditPut(table, audit),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (failedConditions(error, ['credential', 'audit'])?.includes('credential')) return false;
      throw error;
    }
  }

  return {
    /**
     * Stores a new credential of a server that exists and is not being removed (ConditionCheck on the server in
     * the same transaction, so a deletion that has begun takes no new credential), with its audit record.
     * NotFoundError('server') otherwise.
     */
    async create(credential: Credential, secretHash: string, audit: AuditRecord): Promise<void> {
      const { accountId, serverId, credentialId, createdAt } = credential;
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: table,
                  Key: keys.server(accountId, serverId),
                  ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(removing)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.credential(credentialId),
                    ...keys.credentialsOfServer(accountId, serverId, createdAt, credentialId),
                    entity: 'Credential',
                    credentialId,
                    accountId,
                    serverId,
                    createdAt,
                    secretHash,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              auditPut(table, audit),
            ],
          }),
        );
      } catch (error) {
        if (failedConditions(error, ['server', 'credential', 'audit'])?.includes('server')) {
          throw new NotFoundError('server');
        }
        throw error;
      }
    },

    /** The credential of that id, revoked or not (consistent read); null when there is none. */
    async get(credentialId: string): Promise<StoredCredential | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.credential(credentialId), ConsistentRead: true }),
      );
      return Item && Item.entity === 'Credential' ? credentialFromItem(Item) : null;
    },

    /** A page of a server's credentials that are not revoked, oldest first (gsi1). */
    async listOfServer(accountId: string, serverId: string, page: PageRequest): Promise<Page<Credential>> {
      const partition = keys.credentialsOfServerPk(accountId, serverId);
      const found = await indexPartitionPage(doc, table, page, { index: 'gsi1', partition });
      return {
        items: found.items.map((item) => withoutHash(credentialFromItem(item))),
        nextToken: found.nextToken,
      };
    },

    /**
     * Revokes a credential of the account's server, with its audit record: its secret and its tokens answer 401
     * from then on (the identity read sees revokedAt), and it leaves the server's list. NotFoundError('credential')
     * when it is missing, revoked already, or of another account or server.
     */
    async revoke(
      accountId: string,
      serverId: string,
      credentialId: string,
      at: Date,
      audit: AuditRecord,
    ): Promise<void> {
      if (!(await revokeWithAudit(credentialId, at, audit, { accountId, serverId })))
        throw new NotFoundError('credential');
    },

    /**
     * Revokes every credential of a server that is being deleted, each with its own audit record (`auditOf` the
     * credential id; API.md: the server's credentials are revoked, and `credential.revoked` is in the log). Its
     * tokens fail from the server's removal on anyway; this makes the secrets unusable for good and empties the
     * list. Returns how many THIS call revoked (one revoked meanwhile by another request is skipped).
     */
    async revokeAllOfServer(
      accountId: string,
      serverId: string,
      at: Date,
      auditOf: (credentialId: string) => AuditRecord,
    ): Promise<number> {
      const items = await queryAll(doc, {
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.credentialsOfServerPk(accountId, serverId) },
      });
      let revoked = 0;
      for (const item of items) {
        const credentialId = item.credentialId as string;
        if (await revokeWithAudit(credentialId, at, auditOf(credentialId))) revoked++;
      }
      return revoked;
    },

    /** Records a successful exchange (lastUsedAt), unless the credential was revoked meanwhile or a later one won. */
    async markUsed(credentialId: string, at: Date): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.credential(credentialId),
            UpdateExpression: 'SET lastUsedAt = :at',
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :at)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    },
  };
}

/** The credentials of one table (createCredentialStore). */
export type CredentialStore = ReturnType<typeof createCredentialStore>;
