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

describe('createUser', () => {
  it('claims the email and writes the user in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const res = await handler(
      event('POST /v1/accounts/{accountId}/users', { accountId: 'acc_1' }, newUser),
      context,
    );
    expect(res.statusCode).toBe(201);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((item) => Object.keys(item)[0])).toEqual(['ConditionCheck', 'Put', 'Put']);
    expect(JSON.stringify(items)).not.toContain('secret-password-1');
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
    const withToken = event('POST /v1/accounts/{accountId}/users', { accountId: 'acc_1' }, newUser);
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
    [['None', 'ConditionalCheckFailed', 'None'], 409, 'email_taken'],
    [['ConditionalCheckFailed', 'None', 'None'], 404, 'not_found'],
  ])('maps cancellation reasons %j to %i %s', async (reasons, status, code) => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: reasons.map((Code) => ({ Code })),
      }),
    );
    const res = await handler(
      event('POST /v1/accounts/{accountId}/users', { accountId: 'acc_1' }, newUser),
      context,
    );
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error.code).toBe(code);
  });
});

describe('an identity provider that refuses the user', () => {
  it('leaves no user behind in the table', async () => {
    const select = await import('../../functions/identity/select.js');
    const provider = await select.identityProvider();
    const refuse = vi.spyOn(provider, 'createIdentity').mockRejectedValue(new Error('cognito down'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    ddb.on(TransactWriteCommand).resolves({});
    const res = await handler(
      event('POST /v1/accounts/{accountId}/users', { accountId: 'acc_1' }, newUser),
      context,
    );
    expect(refuse).toHaveBeenCalledOnce();
    expect(res.statusCode).toBe(500);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    const undo = calls[1]?.args[0].input.TransactItems ?? [];
    expect(undo.map((item) => Object.keys(item)[0])).toEqual(['Delete', 'Delete']);
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
