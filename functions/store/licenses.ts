// Licenses of an account: issue (with a unique activation code and the default assignment), read, list, renew.
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Assignment } from '../../domain/assignments.js';
import type { AuditRecord } from '../../domain/audit.js';
import { NotFoundError } from '../../domain/errors.js';
import type { License } from '../../domain/license.js';
import { auditPut } from './audit.js';
import type { TableContext } from './client.js';
import { failedConditions } from './errors.js';
import { dueAttributes, keys } from './keys.js';
import { transactNamed } from './named-transaction.js';
import { decodeToken, encodeToken, internalPage, type Page, type PageRequest } from './paging.js';

export class ActivationCodeTakenError extends Error {}

export function licenseFromItem(item: Record<string, unknown>): License {
  return {
    licenseId: item.licenseId as string,
    accountId: item.accountId as string,
    product: item.product as License['product'],
    kind: item.kind as License['kind'],
    seats: item.seats as number,
    used: (item.used as number | undefined) ?? 0,
    activationCode: item.activationCode as string,
    validFrom: item.validFrom as string,
    validUntil: item.validUntil as string,
  };
}

export function assignmentItem(accountId: string, assignment: Assignment) {
  return {
    ...keys.assignment(accountId, assignment.licenseId, assignment.assignmentId),
    entity: 'Assignment',
    accountId,
    ...assignment,
  };
}

export interface LicenseFilter {
  /** Case-insensitive substring of the product name. */
  product?: string | undefined;
  /** Only licenses valid at this time. */
  validAt?: Date | undefined;
}

export function createLicenseStore({ doc, table }: TableContext) {
  return {
    /**
     * Writes the license, claims its activation code, adds the initial assignments and writes the audit record
     * (`license.issued`), all or nothing.
     */
    async create(license: License, assignments: Assignment[], audit: AuditRecord): Promise<void> {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: table,
                  Key: keys.account(license.accountId),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.codeLock(license.activationCode),
                    entity: 'CodeLock',
                    licenseId: license.licenseId,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.license(license.accountId, license.licenseId),
                    ...dueAttributes('LICENSE', license.licenseId, license.validUntil),
                    entity: 'License',
                    productLower: license.product.toLowerCase(),
                    ...license,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...assignments.map((assignment) => ({
                Put: { TableName: table, Item: assignmentItem(license.accountId, assignment) },
              })),
              auditPut(table, audit),
            ],
          }),
        );
      } catch (error) {
        const failed = failedConditions(error, ['account', 'codeLock', 'license']);
        if (failed?.includes('account')) throw new NotFoundError('account');
        if (failed?.includes('codeLock')) throw new ActivationCodeTakenError();
        throw error;
      }
    },

    async get(accountId: string, licenseId: string): Promise<License | null> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.license(accountId, licenseId), ConsistentRead: true }),
      );
      return Item ? licenseFromItem(Item) : null;
    },

    async require(accountId: string, licenseId: string): Promise<License> {
      const license = await this.get(accountId, licenseId);
      if (!license) throw new NotFoundError('license');
      return license;
    },

    /** A page of the account's licenses, filtered in the query; each page reads at most `limit` items. */
    async list(accountId: string, filter: LicenseFilter, page: PageRequest): Promise<Page<License>> {
      const prefix = keys.licensesPrefix(accountId);
      const conditions: string[] = [];
      const values: Record<string, unknown> = { ':pk': prefix.pk, ':sk': prefix.sk };
      if (filter.product) {
        conditions.push('contains(productLower, :product)');
        values[':product'] = filter.product.toLowerCase();
      }
      if (filter.validAt) {
        conditions.push('validFrom <= :now AND validUntil > :now');
        values[':now'] = filter.validAt.toISOString();
      }
      const items: License[] = [];
      let start = decodeToken(page, { partition: prefix.pk, sortPrefix: prefix.sk });
      do {
        const result = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
            ExpressionAttributeValues: values,
            ExclusiveStartKey: start,
            Limit: page.limit - items.length,
          }),
        );
        for (const item of result.Items ?? []) items.push(licenseFromItem(item));
        start = result.LastEvaluatedKey;
      } while (start && items.length < page.limit);
      return { items, nextToken: encodeToken(page, start) };
    },

    /** Every license of the account (the seat picker and reports need them all; accounts hold few). */
    async listAll(accountId: string): Promise<License[]> {
      const all: License[] = [];
      let token: string | null = null;
      do {
        const page = await this.list(accountId, {}, internalPage(100, token));
        all.push(...page.items);
        token = page.nextToken;
      } while (token);
      return all;
    },

    /**
     * Counts a license expired once, with its audit record: sets expiredAt and takes it off the due index, only
     * while its end has passed (a renewal in between wins) and it was not counted before. True when THIS call
     * counted it.
     */
    async markExpired(accountId: string, licenseId: string, at: Date, audit: AuditRecord): Promise<boolean> {
      const failed = await transactNamed(doc, [
        [
          'license',
          {
            Update: {
              TableName: table,
              Key: keys.license(accountId, licenseId),
              UpdateExpression: 'SET expiredAt = :at REMOVE duePk, dueSk',
              ConditionExpression: 'validUntil <= :at AND attribute_not_exists(expiredAt)',
              ExpressionAttributeValues: { ':at': at.toISOString() },
            },
          },
        ],
        ['audit', auditPut(table, audit)],
      ]);
      return !failed.includes('license');
    },

    /**
     * Sets the license's new end `validUntil`, only if its end is still the one read (two renewals at once both
     * count, one after the other, instead of one overwriting the other), with the audit record
     * (`license.renewed`); the license is due for the hourly check again at that end. The renewed license, or
     * null when another change of its end came first (read it again).
     */
    async renew(license: License, validUntil: string, audit: AuditRecord): Promise<License | null> {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: keys.license(license.accountId, license.licenseId),
                  UpdateExpression:
                    'SET validUntil = :until, duePk = :duePk, dueSk = :dueSk REMOVE expiredAt',
                  ConditionExpression: 'validUntil = :previous',
                  ExpressionAttributeValues: {
                    ':until': validUntil,
                    ':previous': license.validUntil,
                    ...Object.fromEntries(
                      Object.entries(dueAttributes('LICENSE', license.licenseId, validUntil)).map(
                        ([k, v]) => [`:${k}`, v],
                      ),
                    ),
                  },
                },
              },
              auditPut(table, audit),
            ],
          }),
        );
        return { ...license, validUntil };
      } catch (error) {
        if (failedConditions(error, ['license', 'audit'])?.includes('license')) return null;
        throw error;
      }
    },
  };
}

export type LicenseStore = ReturnType<typeof createLicenseStore>;
