// NEXUS servers of an account and their holdings (acquired licenses; a Server license's System seat).
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/audit.js';
import { NotFoundError, SeatsExhaustedError } from '../../domain/errors.js';
import { acquisitionRefusal, type License } from '../../domain/license.js';
import type { Holding, Server } from '../../domain/server-status.js';
import { auditPut } from './audit.js';
import type { TableContext } from './client.js';
import { cancellationReasons, isConditionFailed } from './errors.js';
import { keys } from './keys.js';
import { type NamedItem, transactNamed } from './named-transaction.js';
import type { Page, PageRequest } from './paging.js';
import { queryAll, queryPage } from './query.js';

export type { Holding, Server } from '../../domain/server-status.js';

export function serverFromItem(item: Record<string, unknown>): Server {
  return {
    serverId: item.serverId as string,
    accountId: item.accountId as string,
    hostName: item.hostName as string,
    createdAt: item.createdAt as string,
    live: typeof item.live === 'number' ? item.live : 0,
    connections: typeof item.connections === 'number' ? item.connections : 0,
    adminConnection: typeof item.adminConnection === 'string' ? item.adminConnection : null,
    removing: typeof item.removing === 'string' ? item.removing : null,
    restrictedAt: typeof item.restrictedAt === 'string' ? item.restrictedAt : null,
  };
}

export function holdingFromItem(item: Record<string, unknown>): Holding {
  return {
    accountId: item.accountId as string,
    serverId: item.serverId as string,
    licenseId: item.licenseId as string,
    kind: item.kind as Holding['kind'],
    product: item.product as Holding['product'],
    validFrom: item.validFrom as string,
    validUntil: item.validUntil as string,
    acquiredAt: item.acquiredAt as string,
    takesSeat: item.takesSeat === true,
    ...(typeof item.releasedAt === 'string' ? { releasedAt: item.releasedAt } : {}),
  };
}

/**
 * Licenses one acquisition transaction may take: DynamoDB's 100 items hold the server's check plus, per license,
 * its holding, its license check or seat and its audit record.
 */
export const MAX_LICENSES_PER_ACQUISITION = 33;

/** Why one item of an acquisition transaction was refused. */
export type AcquireRefusal = 'server_missing' | 'license_missing' | 'expired' | 'seats_exhausted';

export function createServerStore({ doc, table }: TableContext) {
  const holdingsUnder = async (prefix: { pk: string; sk: string }): Promise<Holding[]> => {
    const items = await queryAll(doc, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
      ConsistentRead: true,
    });
    return items.map(holdingFromItem);
  };
  return {
    /**
     * Registers a server (no sessions, no administrative connection) with its audit record (`server.registered`),
     * in one transaction.
     */
    async create(
      server: Pick<Server, 'serverId' | 'accountId' | 'hostName' | 'createdAt'>,
      audit: AuditRecord,
    ): Promise<void> {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: {
                  ...keys.server(server.accountId, server.serverId),
                  entity: 'Server',
                  ...server,
                  live: 0,
                  connections: 0,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            auditPut(table, audit),
          ],
        }),
      );
    },

    /** A page of the account's servers in server id order, those being removed left out (a page may be short). */
    async listPage(accountId: string, page: PageRequest): Promise<Page<Server>> {
      const prefix = keys.serversPrefix(accountId);
      const found = await queryPage(
        doc,
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          FilterExpression: 'attribute_not_exists(removing)',
          ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
          ConsistentRead: true,
        },
        page,
        { partition: prefix.pk, sortPrefix: prefix.sk },
      );
      return { items: found.items.map(serverFromItem), nextToken: found.nextToken };
    },

    /** The server as stored, a removing one included (null when missing). */
    async get(accountId: string, serverId: string): Promise<Server | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.server(accountId, serverId), ConsistentRead: true }),
      );
      return Item ? serverFromItem(Item) : null;
    },

    /** The server, or NotFoundError('server') when missing or being removed (gone for every reader). */
    async require(accountId: string, serverId: string): Promise<Server> {
      const server = await this.get(accountId, serverId);
      if (!server || server.removing) throw new NotFoundError('server');
      return server;
    },

    /**
     * Marks the server as being removed (API.md DELETE): from this write on, every grant's server condition
     * fails. Idempotent; NotFoundError when the server does not exist.
     */
    async markRemoving(accountId: string, serverId: string, at: Date): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.server(accountId, serverId),
            UpdateExpression: 'SET removing = if_not_exists(removing, :at)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        );
      } catch (error) {
        if (isConditionFailed(error)) throw new NotFoundError('server');
        throw error;
      }
    },

    /** Every holding of a server, released ones included. */
    async holdings(accountId: string, serverId: string): Promise<Holding[]> {
      return holdingsUnder(keys.holdingsPrefix(accountId, serverId));
    },

    /** Every holding of every server of the account, released ones included (the server list's states). */
    async allHoldings(accountId: string): Promise<Holding[]> {
      return holdingsUnder(keys.allHoldingsPrefix(accountId));
    },

    /**
     * Acquires licenses for a server in ONE transaction: a holding per license (attribute_not_exists) and,
     * for a Server license, its System seat (used < seats AND valid at now), with `audits(license)`'s record
     * of each (`license.acquired` or `license.imported`). The server must exist. Licenses the server already
     * holds must be left out by the caller (a repeat takes nothing). Any refusal cancels the whole transaction;
     * the first refusal is thrown as a domain error. At most MAX_LICENSES_PER_ACQUISITION licenses.
     */
    async acquire(
      accountId: string,
      serverId: string,
      licenses: License[],
      now: Date,
      audit: (license: License) => AuditRecord,
    ): Promise<Holding[]> {
      if (licenses.length === 0) return [];
      const at = now.toISOString();
      const holdings: Holding[] = licenses.map((license) => ({
        accountId,
        serverId,
        licenseId: license.licenseId,
        kind: license.kind,
        product: license.product,
        validFrom: license.validFrom,
        validUntil: license.validUntil,
        acquiredAt: at,
        takesSeat: license.kind === 'server',
      }));
      const named: NamedItem[] = [
        [
          'server',
          {
            // Bumping the server's holdings version makes a concurrent delete, which read the holdings before
            // this commit, fail its condition and read again, so it never leaves a seat taken by a deleted server.
            Update: {
              TableName: table,
              Key: keys.server(accountId, serverId),
              UpdateExpression: 'SET holdingsVersion = if_not_exists(holdingsVersion, :zero) + :one',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(removing)',
              ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
            },
          },
        ],
      ];
      for (const holding of holdings) {
        named.push([
          `holding:${holding.licenseId}`,
          {
            Put: {
              TableName: table,
              Item: {
                ...keys.holding(accountId, serverId, holding.licenseId),
                entity: 'Holding',
                ...holding,
              },
              // A released holding (seat given back) may be taken again: the put replaces it whole.
              ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(releasedAt)',
            },
          },
        ]);
        named.push([
          `license:${holding.licenseId}`,
          holding.takesSeat
            ? {
                Update: {
                  TableName: table,
                  Key: keys.license(accountId, holding.licenseId),
                  UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one',
                  ConditionExpression:
                    'attribute_exists(pk) AND validFrom <= :now AND validUntil > :now AND (attribute_not_exists(used) OR used < seats)',
                  ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':now': at },
                },
              }
            : {
                ConditionCheck: {
                  TableName: table,
                  Key: keys.license(accountId, holding.licenseId),
                  ConditionExpression: 'attribute_exists(pk) AND validFrom <= :now AND validUntil > :now',
                  ExpressionAttributeValues: { ':now': at },
                },
              },
        ]);
      }
      for (const license of licenses)
        named.push([`audit:${license.licenseId}`, auditPut(table, audit(license))]);
      const failed = new Set(await transactNamed(doc, named));
      if (failed.size === 0) return holdings;
      if (failed.has('server')) throw new NotFoundError('server');
      for (const license of licenses) {
        // Another request of this server acquired it meanwhile: the caller reads again and retries.
        if (failed.has(`holding:${license.licenseId}`)) throw new HoldingExistsError(license.licenseId);
        if (failed.has(`license:${license.licenseId}`)) throw refusalError(license, now);
      }
      throw new Error(`acquisition refused by ${[...failed].join(', ')}`);
    },

    /**
     * Removes a server that is being removed and has no live session: deletes it and gives back the System seats
     * its holdings took, with the audit record, in one transaction conditioned on `live = 0` and on the holdings
     * not having changed since they were read (holdingsVersion). false when a condition failed: read again.
     */
    async remove(accountId: string, serverId: string, now: Date, audit: AuditRecord): Promise<boolean> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.server(accountId, serverId), ConsistentRead: true }),
      );
      if (!Item) return true;
      const version = typeof Item.holdingsVersion === 'number' ? Item.holdingsVersion : null;
      const holdings = await this.holdings(accountId, serverId);
      const seated = holdings.filter((h) => h.takesSeat && !h.releasedAt);
      const at = now.toISOString();
      // DynamoDB caps a transaction at 100 items; a server holds a handful of licenses.
      const items: TransactItems = [
        {
          Delete: {
            TableName: table,
            Key: keys.server(accountId, serverId),
            ConditionExpression: `attribute_exists(pk) AND attribute_exists(removing) AND (attribute_not_exists(live) OR live = :zero) AND ${
              version === null ? 'attribute_not_exists(holdingsVersion)' : 'holdingsVersion = :version'
            }`,
            ExpressionAttributeValues: { ':zero': 0, ...(version === null ? {} : { ':version': version }) },
          },
        },
        auditPut(table, audit),
      ];
      for (const holding of seated) items.push(...releaseItems(table, holding, at));
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        return true;
      } catch (error) {
        if (!cancellationReasons(error)?.includes('ConditionalCheckFailed')) throw error;
        return false;
      }
    },

    /** Every server of the account, removing ones included (the caller filters). */
    async listAll(accountId: string): Promise<Server[]> {
      const prefix = keys.serversPrefix(accountId);
      const items = await queryAll(doc, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
        ConsistentRead: true,
      });
      return items.map(serverFromItem);
    },

    /**
     * Marks the server restricted to one connection as of `at` (admin_only or lapsed; only moves forward), before
     * the hourly check looks at its connections: from this write on, a grant decided before `at` fails its
     * server condition (domain/seat-rules.ts serverTakesSessions).
     */
    async markRestricted(accountId: string, serverId: string, at: Date): Promise<void> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.server(accountId, serverId),
            UpdateExpression: 'SET restrictedAt = :at',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(restrictedAt) OR restrictedAt < :at)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        );
      } catch (error) {
        // Already restricted as of this time or later, or gone: nothing to move.
        if (!isConditionFailed(error)) throw error;
      }
    },

    /**
     * Counts a server lapsed once per lapse (lapsedAsOf = the latest end of its Server licenses, so after a
     * renewal and a second expiry it counts again), with its audit record. True when THIS call marked it.
     */
    async markLapsed(
      accountId: string,
      serverId: string,
      asOf: string,
      at: Date,
      audit: AuditRecord,
    ): Promise<boolean> {
      const failed = await transactNamed(doc, [
        [
          'server',
          {
            Update: {
              TableName: table,
              Key: keys.server(accountId, serverId),
              UpdateExpression: 'SET lapsedAt = :at, lapsedAsOf = :asOf',
              ConditionExpression:
                'attribute_exists(pk) AND (attribute_not_exists(lapsedAsOf) OR lapsedAsOf < :asOf)',
              ExpressionAttributeValues: { ':at': at.toISOString(), ':asOf': asOf },
            },
          },
        ],
        ['audit', auditPut(table, audit)],
      ]);
      return !failed.includes('server');
    },

    /**
     * Gives back one holding's System seat and marks it released, in one transaction; false when it was
     * already released or is missing. For the hourly check, should it free the seats of expired licenses.
     */
    async releaseHolding(holding: Holding, now: Date): Promise<boolean> {
      if (!holding.takesSeat) return false;
      const [release, seat] = releaseItems(table, holding, now.toISOString());
      if (!release || !seat) return false;
      const failed = await transactNamed(doc, [
        ['holding', release],
        ['license', seat],
      ]);
      return !failed.includes('holding');
    },
  };
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** Marks a holding released and frees its license's System seat (both or neither). */
function releaseItems(table: string, holding: Holding, at: string): TransactItems {
  return [
    {
      Update: {
        TableName: table,
        Key: keys.holding(holding.accountId, holding.serverId, holding.licenseId),
        UpdateExpression: 'SET releasedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(releasedAt)',
        ExpressionAttributeValues: { ':at': at },
      },
    },
    {
      Update: {
        TableName: table,
        Key: keys.license(holding.accountId, holding.licenseId),
        UpdateExpression: 'SET used = used - :one',
        ConditionExpression: 'attribute_exists(pk) AND used > :zero',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      },
    },
  ];
}

export class HoldingExistsError extends Error {
  constructor(readonly licenseId: string) {
    super(`server already holds license ${licenseId}`);
  }
}

/** Why a license's condition failed: it is not valid at `now` (the term was read just before), else it is full. */
function refusalError(license: License, now: Date): Error {
  const refusal = acquisitionRefusal(license, now);
  if (refusal) return refusal;
  return new SeatsExhaustedError(
    `License ${license.licenseId} has no free System seat: every seat is held by another server; delete a server that no longer needs it, or ask for more seats.`,
  );
}

export type ServerStore = ReturnType<typeof createServerStore>;
