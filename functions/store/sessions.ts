// Reading sessions: one by id, a license's live sessions (paged), the live holders of a server or a user
// (strongly consistent, from the Expiry items). Sessions change only through the seat ledger.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SeatHolder, Session } from '../../domain/sessions.js';
import type { TableContext } from './client.js';
import { keys } from './keys.js';
import type { Page, PageRequest } from './paging.js';
import { indexPartitionPage, queryAll, queryPage } from './query.js';
import { holderFromItem, sessionFromItem } from './seat-items.js';

export { sessionFromItem } from './seat-items.js';

export function createSessionStore({ doc, table }: TableContext) {
  return {
    /** The session (live or ended) of the account, or null when missing (another account's: null). */
    async get(accountId: string, sessionId: string): Promise<Session | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.session(accountId, sessionId), ConsistentRead: true }),
      );
      return Item && Item.entity === 'Session' ? sessionFromItem(Item) : null;
    },

    /** A page of a license's live sessions that hold its seats (gsi1), oldest first. */
    async listOfLicense(licenseId: string, page: PageRequest): Promise<Page<Session>> {
      const partition = keys.sessionsOfLicensePk(licenseId);
      const found = await indexPartitionPage(doc, table, page, { index: 'gsi1', partition });
      return { items: found.items.map(sessionFromItem), nextToken: found.nextToken };
    },

    /**
     * A page of the account's live sessions, newest first (gsi2 LIVE_SESSIONS, by start time), optionally only
     * those of a server, a user or a license (a filter after the read: a page may hold fewer than `limit`).
     */
    async listLiveOfAccount(
      accountId: string,
      only: { serverId?: string | undefined; userId?: string | undefined; licenseId?: string | undefined },
      page: PageRequest,
    ): Promise<Page<Session>> {
      const pk = keys.liveSessionsOfAccountPk(accountId);
      const filters: string[] = [];
      const values: Record<string, unknown> = { ':pk': pk };
      for (const name of ['serverId', 'userId', 'licenseId'] as const) {
        const value = only[name];
        if (value === undefined) continue;
        filters.push(`${name} = :${name}`);
        values[`:${name}`] = value;
      }
      const found = await queryPage(
        doc,
        {
          TableName: table,
          KeyConditionExpression: 'gsi2pk = :pk',
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
        },
        page,
        { index: 'gsi2', partition: pk },
      );
      return { items: found.items.map(sessionFromItem), nextToken: found.nextToken };
    },

    /**
     * The holders of the account's live sessions, optionally only a server's or a user's: every Expiry item,
     * strongly consistent (a session granted before this read began is in it). For removals and restrictions,
     * which must not miss a session that an index has not caught up with yet.
     */
    async liveHolders(
      accountId: string,
      only: { serverId?: string; userId?: string } = {},
    ): Promise<SeatHolder[]> {
      const prefix = keys.expiryPrefix(accountId);
      const filters: string[] = [];
      const values: Record<string, unknown> = { ':pk': prefix.pk, ':sk': prefix.sk };
      if (only.serverId) {
        filters.push('serverId = :server');
        values[':server'] = only.serverId;
      }
      if (only.userId) {
        filters.push('userId = :user');
        values[':user'] = only.userId;
      }
      const items = await queryAll(doc, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeValues: values,
        ConsistentRead: true,
      });
      return items.map(holderFromItem);
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
