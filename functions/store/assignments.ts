// Role assignments of a license: list, create, replace, delete, each keeping the license's sum of caps exact.
//
// The license item carries `assignedSeats`, the sum of its assignments' numbered caps. Every change of a cap
// moves it in the same transaction as the assignment, conditioned so that it never passes the license's seats:
// two administrators adding caps at once cannot overcommit between them. A deleted assignment stays as a
// tombstone (deletedAt) so that sessions granted through it can still give their seat back to its counter.
import { GetCommand, QueryCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  type Assignment,
  assignedSeatsLimit,
  numberedSeats,
  overcommittedError,
} from '../../domain/assignments.js';
import type { AuditRecord } from '../../domain/audit.js';
import { NotFoundError } from '../../domain/errors.js';
import type { License } from '../../domain/license.js';
import type { TableContext } from './client.js';
import { auditPut } from './audit.js';
import { keys } from './keys.js';
import { type NamedItem, transactNamed } from './named-transaction.js';
import { assignmentItem } from './licenses.js';
import { decodeToken, encodeToken, internalPage, type Page, type PageRequest } from './paging.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function assignmentFromItem(item: Record<string, unknown>): Assignment {
  return {
    assignmentId: item.assignmentId as string,
    licenseId: item.licenseId as string,
    role: item.role as string,
    seats: item.seats === 'all' ? 'all' : (item.seats as number),
    used: Math.max(0, (item.used as number | undefined) ?? 0),
    automaticLeasing: item.automaticLeasing !== false,
    allowRoaming: item.allowRoaming === true,
  };
}

/** Another change of the same assignment landed between our read and our write: read again and retry. */
export class AssignmentChangedError extends Error {}

export function createAssignmentStore({ doc, table }: TableContext) {
  /** Moves the license's sum of numbered caps by delta; an increase must keep it within the license's seats. */
  const licenseSum = (accountId: string, license: License, delta: number): TransactItem => ({
    Update: {
      TableName: table,
      Key: keys.license(accountId, license.licenseId),
      UpdateExpression: 'SET assignedSeats = if_not_exists(assignedSeats, :zero) + :delta',
      ConditionExpression:
        delta > 0
          ? 'attribute_exists(pk) AND ((attribute_not_exists(assignedSeats) AND :delta <= seats) OR assignedSeats <= :limit)'
          : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':zero': 0,
        ':delta': delta,
        ...(delta > 0 ? { ':limit': assignedSeatsLimit(license.seats, delta) } : {}),
      },
    },
  });

  const transact = (named: readonly NamedItem[]) => transactNamed(doc, named);

  const query = async (
    accountId: string,
    licenseId: string | undefined,
    page: PageRequest,
  ): Promise<Page<Assignment>> => {
    const prefix = keys.assignmentsPrefix(accountId, licenseId);
    const items: Assignment[] = [];
    let start = decodeToken(page, { partition: prefix.pk, sortPrefix: prefix.sk });
    do {
      const result = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          FilterExpression: 'attribute_not_exists(deletedAt)',
          ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
          ExclusiveStartKey: start,
          Limit: page.limit - items.length,
          ConsistentRead: true,
        }),
      );
      for (const item of result.Items ?? []) items.push(assignmentFromItem(item));
      start = result.LastEvaluatedKey;
    } while (start && items.length < page.limit);
    return { items, nextToken: encodeToken(page, start) };
  };

  return {
    list: (accountId: string, licenseId: string, page: PageRequest) => query(accountId, licenseId, page),

    /** Every live assignment of the account (one query; the seat picker and /v1/roles need them all). */
    async listAll(accountId: string): Promise<Assignment[]> {
      const all: Assignment[] = [];
      let token: string | null = null;
      do {
        const page = await query(accountId, undefined, internalPage(1000, token));
        all.push(...page.items);
        token = page.nextToken;
      } while (token);
      return all;
    },

    async get(accountId: string, licenseId: string, assignmentId: string): Promise<Assignment | null> {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: table,
          Key: keys.assignment(accountId, licenseId, assignmentId),
          ConsistentRead: true,
        }),
      );
      return Item && !Item.deletedAt ? assignmentFromItem(Item) : null;
    },

    /** Creates the assignment, its cap added to the license's sum, with its audit record (`assignment.created`). */
    async create(
      accountId: string,
      license: License,
      assignment: Assignment,
      audit: AuditRecord,
    ): Promise<void> {
      const seats = numberedSeats(assignment.seats);
      const failed = await transact([
        [
          'assignment',
          {
            Put: {
              TableName: table,
              Item: assignmentItem(accountId, assignment),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        ...(seats > 0 ? [['license', licenseSum(accountId, license, seats)] as const] : []),
        ['audit', auditPut(table, audit)],
      ]);
      if (failed.includes('license')) throw overcommittedError(license);
      if (failed.length) throw new Error(`creating assignment failed on ${failed.join(', ')}`);
    },

    /**
     * Replaces role, cap and options, keeping `used`; only if the assignment is still as it was read; with its
     * audit record (`assignment.updated`).
     */
    async replace(
      accountId: string,
      license: License,
      before: Assignment,
      after: Assignment,
      audit: AuditRecord,
    ): Promise<void> {
      const delta = numberedSeats(after.seats) - numberedSeats(before.seats);
      const failed = await transact([
        [
          'assignment',
          {
            Update: {
              TableName: table,
              Key: keys.assignment(accountId, license.licenseId, before.assignmentId),
              UpdateExpression:
                'SET #role = :role, seats = :seats, automaticLeasing = :leasing, allowRoaming = :roaming',
              ConditionExpression:
                'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND seats = :before',
              ExpressionAttributeNames: { '#role': 'role' },
              ExpressionAttributeValues: {
                ':role': after.role,
                ':seats': after.seats,
                ':leasing': after.automaticLeasing,
                ':roaming': after.allowRoaming,
                ':before': before.seats,
              },
            },
          },
        ],
        ...(delta !== 0 ? [['license', licenseSum(accountId, license, delta)] as const] : []),
        ['audit', auditPut(table, audit)],
      ]);
      if (failed.includes('assignment')) throw new AssignmentChangedError();
      if (failed.includes('license')) throw overcommittedError(license);
      if (failed.length) throw new Error(`replacing assignment failed on ${failed.join(', ')}`);
    },

    /**
     * Marks the assignment deleted (ends no session) and gives its cap back to the license's sum, with its audit
     * record (`assignment.deleted`).
     */
    async delete(
      accountId: string,
      license: License,
      before: Assignment,
      now: Date,
      audit: AuditRecord,
    ): Promise<void> {
      const seats = numberedSeats(before.seats);
      const failed = await transact([
        [
          'assignment',
          {
            Update: {
              TableName: table,
              Key: keys.assignment(accountId, license.licenseId, before.assignmentId),
              UpdateExpression: 'SET deletedAt = :at',
              ConditionExpression:
                'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND seats = :before',
              ExpressionAttributeValues: { ':at': now.toISOString(), ':before': before.seats },
            },
          },
        ],
        ...(seats > 0 ? [['license', licenseSum(accountId, license, -seats)] as const] : []),
        ['audit', auditPut(table, audit)],
      ]);
      if (failed.includes('assignment')) throw new AssignmentChangedError();
      if (failed.length) throw new Error(`deleting assignment failed on ${failed.join(', ')}`);
    },
  };
}

export function requireAssignment(assignment: Assignment | null): Assignment {
  if (!assignment) throw new NotFoundError('assignment');
  return assignment;
}

export type AssignmentStore = ReturnType<typeof createAssignmentStore>;
