// NEXUS servers of an account and their holdings (acquired licenses; a Server license's System seat).
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BusyError, NotFoundError, SeatsExhaustedError } from '../../domain/errors.js';
import { acquisitionRefusal, type License } from '../../domain/license.js';
import type { TableContext } from './client.js';
import { cancellationReasons } from './errors.js';
import { keys } from './keys.js';
import { queryAll } from './query.js';

export interface Server {
  serverId: string;
  accountId: string;
  hostName: string;
  createdAt: string;
}

/** A license a server acquired (From cloud or From file). Kept after the license expires: "lapsed" needs it. */
export interface Holding {
  accountId: string;
  serverId: string;
  licenseId: string;
  kind: License['kind'];
  product: License['product'];
  /** Copied from the license at acquisition; renewals are read from the license itself. */
  validFrom: string;
  validUntil: string;
  acquiredAt: string;
  /** True when this holding took the license's System seat (Server licenses only). */
  takesSeat: boolean;
  /** Set when the holding's seat was given back (server deleted); the record stays for history. */
  releasedAt?: string;
}

export function serverFromItem(item: Record<string, unknown>): Server {
  return {
    serverId: item.serverId as string,
    accountId: item.accountId as string,
    hostName: item.hostName as string,
    createdAt: item.createdAt as string,
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

/** Why one item of an acquisition transaction was refused. */
export type AcquireRefusal = 'server_missing' | 'license_missing' | 'expired' | 'seats_exhausted';

export function createServerStore({ doc, table }: TableContext) {
  return {
    async create(server: Server): Promise<void> {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...keys.server(server.accountId, server.serverId), entity: 'Server', ...server },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async get(accountId: string, serverId: string): Promise<Server | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.server(accountId, serverId), ConsistentRead: true }),
      );
      return Item ? serverFromItem(Item) : null;
    },

    async require(accountId: string, serverId: string): Promise<Server> {
      const server = await this.get(accountId, serverId);
      if (!server) throw new NotFoundError('server');
      return server;
    },

    /** Every holding of a server, released ones included. */
    async holdings(accountId: string, serverId: string): Promise<Holding[]> {
      const prefix = keys.holdingsPrefix(accountId, serverId);
      const items = await queryAll(doc, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
        ConsistentRead: true,
      });
      return items.map(holdingFromItem);
    },

    /**
     * Acquires licenses for a server in ONE transaction: a holding per license (attribute_not_exists) and,
     * for a Server license, its System seat (used < seats AND valid at now). The server must exist.
     * Licenses the server already holds must be left out by the caller (a repeat takes nothing).
     * Any refusal cancels the whole transaction; the first refusal is thrown as a domain error.
     */
    async acquire(accountId: string, serverId: string, licenses: License[], now: Date): Promise<Holding[]> {
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
      // Transaction layout: [server check, then per license: holding put, license update/check].
      const items: TransactItems = [
        {
          // Bumping the server's holdings version makes a concurrent delete, which read the holdings before this
          // commit, fail its condition and read again, so it never leaves a seat taken by a deleted server.
          Update: {
            TableName: table,
            Key: keys.server(accountId, serverId),
            UpdateExpression: 'SET holdingsVersion = if_not_exists(holdingsVersion, :zero) + :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
          },
        },
      ];
      for (const holding of holdings) {
        items.push({
          Put: {
            TableName: table,
            Item: { ...keys.holding(accountId, serverId, holding.licenseId), entity: 'Holding', ...holding },
            // A released holding (seat given back) may be taken again: the put replaces it whole.
            ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(releasedAt)',
          },
        });
        if (holding.takesSeat) {
          items.push({
            Update: {
              TableName: table,
              Key: keys.license(accountId, holding.licenseId),
              UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one',
              ConditionExpression:
                'attribute_exists(pk) AND validFrom <= :now AND validUntil > :now AND (attribute_not_exists(used) OR used < seats)',
              ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':now': at },
            },
          });
        } else {
          items.push({
            ConditionCheck: {
              TableName: table,
              Key: keys.license(accountId, holding.licenseId),
              ConditionExpression: 'attribute_exists(pk) AND validFrom <= :now AND validUntil > :now',
              ExpressionAttributeValues: { ':now': at },
            },
          });
        }
      }
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        return holdings;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (reasons[0] === 'ConditionalCheckFailed') throw new NotFoundError('server');
        for (const [i, license] of licenses.entries()) {
          if (reasons[1 + 2 * i] === 'ConditionalCheckFailed') {
            // Another request of this server acquired it meanwhile: the caller reads again and retries.
            throw new HoldingExistsError(license.licenseId);
          }
          if (reasons[2 + 2 * i] === 'ConditionalCheckFailed') throw refusalError(license, now);
        }
        throw error;
      }
    },

    /**
     * Removes the server and gives back the System seats its holdings took, in one transaction conditioned on
     * the holdings not having changed since they were read (the server's holdingsVersion). Holdings stay,
     * marked released, so that history can see them.
     */
    async delete(accountId: string, serverId: string, now: Date): Promise<void> {
      for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
        const { Item } = await doc.send(
          new GetCommand({ TableName: table, Key: keys.server(accountId, serverId), ConsistentRead: true }),
        );
        if (!Item) throw new NotFoundError('server');
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
              ConditionExpression:
                version === null
                  ? 'attribute_exists(pk) AND attribute_not_exists(holdingsVersion)'
                  : 'attribute_exists(pk) AND holdingsVersion = :version',
              ...(version === null ? {} : { ExpressionAttributeValues: { ':version': version } }),
            },
          },
        ];
        for (const holding of seated) items.push(...releaseItems(table, holding, at));
        try {
          await doc.send(new TransactWriteCommand({ TransactItems: items }));
          return;
        } catch (error) {
          // Something changed between the read and the write (an acquisition, a release): read again.
          if (!cancellationReasons(error)?.includes('ConditionalCheckFailed')) throw error;
        }
      }
      throw new BusyError();
    },

    /**
     * Gives back one holding's System seat and marks it released, in one transaction; false when it was
     * already released or is missing. For the hourly check, should it free the seats of expired licenses.
     */
    async releaseHolding(holding: Holding, now: Date): Promise<boolean> {
      if (!holding.takesSeat) return false;
      try {
        await doc.send(
          new TransactWriteCommand({ TransactItems: releaseItems(table, holding, now.toISOString()) }),
        );
        return true;
      } catch (error) {
        if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
  };
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

const DELETE_ATTEMPTS = 5;

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
