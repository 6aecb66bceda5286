// The seat rules are written once as Condition trees: the domain evaluates them (holds) and the store compiles
// them for DynamoDB (compileCondition). This property test checks, against the real engine, that both give the
// same verdict for random items and conditions, so a decision and its guarded write can never disagree.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { type Condition, holds } from '../../domain/conditions.js';
import {
  assignmentHasFreeSeat,
  licenseHasFreeSeat,
  serverAdmitsAdminConnection,
  serverTakesSessions,
  sessionExpiredAt,
  userAsRead,
} from '../../domain/seat-rules.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { compileCondition, ExpressionNames } from '../../functions/store/expressions.js';
import { ensureTable } from '../../infra/local/table.js';

const RUNS = Number(process.env.FC_RUNS ?? 60);
const table = `conditions-${randomUUID()}`;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  await ensureTable(client, table);
  client.destroy();
  doc = createDocumentClient(endpoint, 'us-east-1');
});
afterAll(() => doc?.destroy());

/** DynamoDB's verdict: the item (or none) under a no-op conditional update. */
async function engineHolds(item: Record<string, unknown> | null, condition: Condition): Promise<boolean> {
  const key = { pk: `T#${randomUUID()}`, sk: 'ITEM' };
  if (item) await doc.send(new PutCommand({ TableName: table, Item: { ...item, ...key } }));
  const names = new ExpressionNames();
  const expression = compileCondition(condition, names);
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `SET ${names.name('probe')} = ${names.value(1)}`,
        ConditionExpression: expression,
        ...names.attributes(),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    // Keep a failure readable: the SDK error carries the whole HTTP response.
    throw new Error(`${(error as Error).name}: ${(error as Error).message} (${expression})`);
  }
}

const attributeValue = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom('2026-06-01T12:00:00.000Z', '2026-06-01T12:00:00.001Z', 'all', 'a', 'b'),
  fc.boolean(),
);
const item = fc.option(
  fc.record({
    used: attributeValue,
    seats: attributeValue,
    role: attributeValue,
    flag: attributeValue,
    at: attributeValue,
  }),
  { nil: null },
);
const names = ['used', 'seats', 'role', 'flag', 'at'] as const;
const operand = fc.oneof(
  fc.constantFrom(...names).map((attr) => ({ attr })),
  fc
    .oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom('all', 'a', '2026-06-01T12:00:00.000Z'),
      fc.boolean(),
    )
    .map((value) => ({ value })),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Condition>({ kind: 'present' }),
    fc.constant<Condition>({ kind: 'absent' }),
    fc.constantFrom(...names).map((attr): Condition => ({ kind: 'exists', attr })),
    fc.constantFrom(...names).map((attr): Condition => ({ kind: 'missing', attr })),
    fc
      .record({
        left: operand,
        op: fc.constantFrom('=', '<>', '<', '<=', '>', '>=' as const),
        right: operand,
      })
      // DynamoDB refuses a comparison of an attribute with itself, of two constants, and an ordering of a
      // boolean constant: the seat rules never write these.
      .filter(
        (c) =>
          ('attr' in c.left || 'attr' in c.right) &&
          !('attr' in c.left && 'attr' in c.right && c.left.attr === c.right.attr),
      )
      .filter(
        (c) =>
          c.op === '=' ||
          c.op === '<>' ||
          !(
            ('value' in c.left && typeof c.left.value === 'boolean') ||
            ('value' in c.right && typeof c.right.value === 'boolean')
          ),
      )
      .map((c): Condition => ({ kind: 'compare', ...c })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all): Condition => ({ kind: 'and', all })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any): Condition => ({ kind: 'or', any })),
    tie('node').map((inner): Condition => ({ kind: 'not', inner })),
  ),
})).node;

function plain(value: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!value) return null;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

describe('a Condition means the same to the domain and to DynamoDB', () => {
  it('for random items and random condition trees', async () => {
    await fc.assert(
      fc.asyncProperty(item, condition, async (raw, cond) => {
        const it = plain(raw);
        expect(await engineHolds(it, cond)).toBe(holds(cond, it));
      }),
      { numRuns: RUNS },
    );
  });

  it('for the seat rules on the items they guard', async () => {
    const now = new Date('2026-06-01T12:00:00.000Z');
    const cases: [Condition, Record<string, unknown> | null][] = [
      [
        licenseHasFreeSeat(now),
        { seats: 2, used: 1, validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' },
      ],
      [
        licenseHasFreeSeat(now),
        { seats: 2, used: 2, validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' },
      ],
      [
        licenseHasFreeSeat(now),
        { seats: 2, validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2026-06-01T12:00:00.000Z' },
      ],
      [licenseHasFreeSeat(now), null],
      [assignmentHasFreeSeat('Eng', true), { role: 'Eng', seats: 1, used: 0, automaticLeasing: true }],
      [assignmentHasFreeSeat('Eng', true), { role: 'Eng', seats: 1, used: 1, automaticLeasing: true }],
      [assignmentHasFreeSeat('Eng', true), { role: 'Eng', seats: 'all', used: 7, automaticLeasing: true }],
      [assignmentHasFreeSeat('Eng', true), { role: 'Eng', seats: 'all', used: 7, automaticLeasing: false }],
      [
        assignmentHasFreeSeat('Eng', false),
        { role: 'Eng', seats: 'all', automaticLeasing: false, deletedAt: 'x' },
      ],
      [serverAdmitsAdminConnection([], now), { live: 0 }],
      [serverAdmitsAdminConnection([], now), {}],
      [serverAdmitsAdminConnection([], now), { connections: 1 }],
      [serverAdmitsAdminConnection(['ses_a'], now), { connections: 1, adminConnection: 'ses_a' }],
      [serverAdmitsAdminConnection(['ses_a'], now), { connections: 1, adminConnection: 'ses_b' }],
      [serverAdmitsAdminConnection([], now), { connections: 0, removing: '2026-06-01T00:00:00.000Z' }],
      [serverTakesSessions(now), { live: 3, restrictedAt: '2026-06-01T12:00:00.000Z' }],
      [serverTakesSessions(now), { live: 3, restrictedAt: '2026-06-01T12:00:00.001Z' }],
      [serverTakesSessions(now), { live: 3 }],
      [userAsRead(0), {}],
      [userAsRead(0), { disabled: true }],
      [userAsRead(2), { profileVersion: 2, disabled: false }],
      [userAsRead(2), { profileVersion: 3 }],
      [sessionExpiredAt(now), { expiresAt: '2026-06-01T12:00:00.000Z' }],
      [
        sessionExpiredAt(now),
        { expiresAt: '2026-06-01T11:00:00.000Z', roamingUntil: '2026-06-02T00:00:00.000Z' },
      ],
    ];
    for (const [cond, it] of cases) {
      expect(await engineHolds(it, cond), JSON.stringify(it)).toBe(holds(cond, it));
    }
  });
});
