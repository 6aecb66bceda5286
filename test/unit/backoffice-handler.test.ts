// The back-office handler with a mocked DynamoDB: condition failures become the documented answers,
// and a failure of the store becomes a 500 that shows nothing internal.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshClaims, storeKnows } from '../support/identity.js';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<any>;

function event(routeKey: string, path: Record<string, string>, body: unknown): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: path,
    requestContext: {
      requestId: 'req-1',
      authorizer: {
        jwt: { claims: freshClaims({ sub: 'operator', operator: 'true', admin: 'false' }), scopes: null },
      },
    } as any,
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const context = {} as Context;
const newUser = { email: 'a@b.example', password: 'secret-password-1', roles: ['Designers'], admin: false };

beforeAll(async () => {
  process.env.TABLE_NAME = 'unit';
  ({ handler } = await import('../../functions/handlers/backoffice.js'));
});
beforeEach(() => {
  ddb.reset();
  storeKnows(ddb, 'unit', [{ operator: 'operator' }]);
});
afterEach(() => vi.restoreAllMocks());

/** The account's item as the counter read finds it: `enabledAdmins` enabled administrators. */
function accountHas(enabledAdmins: number) {
  ddb
    .on(GetCommand)
    .callsFake((input: { Key: { sk: string } }) =>
      input.Key.sk === 'ACCOUNT'
        ? { Item: { pk: 'ACCOUNT#acc_1', sk: 'ACCOUNT', accountId: 'acc_1', enabledAdmins } }
        : {},
    );
}

const createUserEvent = (body: unknown = newUser) =>
  event('POST /v1/accounts/{accountId}/users', { accountId: 'acc_1' }, body);

describe('createUser', () => {
  beforeEach(() => accountHas(1));

  it('claims the email and writes the user and its audit record in one transaction, no password in it', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const res = await handler(createUserEvent(), context);
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ email: 'a@b.example', admin: false, disabled: false });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // A member leaves the administrator counter alone: the account is only checked.
    expect(items.map((item) => Object.keys(item)[0])).toEqual(['ConditionCheck', 'Put', 'Put', 'Put']);
    expect(items[3]?.Put?.Item).toMatchObject({
      entity: 'AuditEvent',
      action: 'user.created',
      actor: { type: 'operator', id: 'operator' },
    });
    expect(JSON.stringify(items)).not.toContain('secret-password-1');
  });

  it("counts a new administrator on the account's counter in the same transaction", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const res = await handler(createUserEvent({ ...newUser, admin: true }), context);
    expect(res.statusCode).toBe(201);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update?.UpdateExpression).toMatch(/^ADD /);
    expect(Object.values(items[0]?.Update?.ExpressionAttributeNames ?? {})).toContain('enabledAdmins');
  });

  it('logs the request without its body, password or bearer token', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const { logger } = await import('../../functions/runtime/logger.js');
    logger.setLogLevel('INFO');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      written.push(String(chunk));
      return true;
    });
    const withToken = createUserEvent();
    withToken.headers.authorization = 'Bearer eyJhbGciOiJIUzI1NiJ9.secret-token';
    const res = await handler(withToken, context);
    vi.restoreAllMocks();
    logger.setLogLevel('ERROR');
    expect(res.statusCode).toBe(201);
    const logs = written.join('');
    expect(logs).toContain('POST /v1/accounts/{accountId}/users');
    expect(logs).not.toContain('secret-password-1');
    expect(logs).not.toContain('secret-token');
  });

  it.each([
    [['None', 'ConditionalCheckFailed', 'None', 'None'], 409, 'email_taken'],
    [['ConditionalCheckFailed', 'None', 'None', 'None'], 404, 'not_found'],
  ])('maps cancellation reasons %j to %i %s', async (reasons, status, code) => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: reasons.map((Code) => ({ Code })),
      }),
    );
    const res = await handler(createUserEvent(), context);
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error.code).toBe(code);
  });

  it('answers 404 for an unknown account before anything is written', async () => {
    ddb.on(GetCommand).resolves({});
    const res = await handler(createUserEvent(), context);
    expect(res.statusCode).toBe(404);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
  });
});

describe('the identity provider and the table', () => {
  beforeEach(() => accountHas(1));

  it('writes nothing to the table when the identity provider refuses the user', async () => {
    const select = await import('../../functions/identity/select.js');
    const provider = await select.identityProvider();
    const refuse = vi.spyOn(provider, 'createIdentity').mockRejectedValue(new Error('cognito down'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    ddb.on(TransactWriteCommand).resolves({});
    const res = await handler(createUserEvent(), context);
    expect(refuse).toHaveBeenCalledOnce();
    expect(res.statusCode).toBe(500);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
  });

  it('removes the new identity again when the table refuses the user (email taken)', async () => {
    const select = await import('../../functions/identity/select.js');
    const provider = await select.identityProvider();
    const remove = vi.spyOn(provider, 'deleteIdentity');
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: ['None', 'ConditionalCheckFailed', 'None', 'None'].map((Code) => ({ Code })),
      }),
    );
    const res = await handler(createUserEvent(), context);
    expect(res.statusCode).toBe(409);
    expect(remove).toHaveBeenCalledOnce();
    expect(remove.mock.calls[0]?.[0]).toMatchObject({ email: 'a@b.example' });
  });
});

describe('failures of the store', () => {
  it('answer 500 with a generic message and no internals', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    ddb.on(GetCommand).rejects(new Error('socket hang up at 10.0.0.1 table=secret-table'));
    const res = await handler(
      event(
        'POST /v1/accounts/{accountId}/licenses',
        { accountId: 'acc_1' },
        { product: 'Altium NEXUS', seats: 1 },
      ),
      context,
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/socket|10\.0\.0\.1|secret-table|stack/i);
    expect(JSON.parse(res.body).error.code).toBe('internal_error');
  });
});
