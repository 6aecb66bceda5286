// Bundling once, as the stack does (the stack tests skip it): the minified ESM bundles load and answer sample
// events on DynamoDB Local, and Lambda's environment credentials replace the SDK's full provider chain.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { entryOf } from '../../infra/constructs/access.js';
import { esbuildOptions } from '../../infra/constructs/bundling.js';
import { defaultProvider } from '../../infra/constructs/lambda-credentials.js';
import { EXAMPLE_IDS, lambdaContext, withFreshTokenTimes } from '../../infra/local/invoke.js';
import { ensureTable } from '../../infra/local/table.js';

let out: string;
const bundles: Record<string, { file: string; inputs: string[] }> = {};

async function bundle(name: 'public' | 'licenses') {
  const file = join(out, name, 'index.mjs');
  const result = await build(esbuildOptions(entryOf(name), file));
  bundles[name] = { file, inputs: Object.keys(result.metafile?.inputs ?? {}) };
}

function sample(name: string) {
  return JSON.parse(readFileSync(join('events', 'http', `${name}.json`), 'utf8'));
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'portal-bundle-test-'));
  await Promise.all([bundle('public'), bundle('licenses')]);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  it('answers GET /health from the public bundle', async () => {
    const { handler } = await import(pathToFileURL(bundles.public!.file).href);
    const result = await handler(sample('health'), lambdaContext('public'));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
  });

  it('runs the licenses bundle (its own bundled SDK) against DynamoDB Local, reading its caller from the store', async () => {
    const endpoint = inject('dynamoEndpoint');
    const table = `bundle-${Date.now()}`;
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client, table);
    client.destroy();
    process.env.TABLE_NAME = table;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.PAGE_TOKEN_SECRET = 'bundle-test-page-key';
    const { handler } = await import(pathToFileURL(bundles.licenses!.file).href);
    const event = withFreshTokenTimes(sample('listLicenses'));
    // The sample's member is not stored yet: the bundle reads its caller from the table and refuses.
    const unknown = await handler(event, lambdaContext('licenses'));
    expect(unknown.statusCode).toBe(401);
    const doc = createDocumentClient(endpoint, 'us-east-1');
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...keys.account(EXAMPLE_IDS.account), accountId: EXAMPLE_IDS.account },
      }),
    );
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...keys.user(EXAMPLE_IDS.account, EXAMPLE_IDS.member),
          userId: EXAMPLE_IDS.member,
          accountId: EXAMPLE_IDS.account,
          admin: false,
        },
      }),
    );
    doc.destroy();
    const result = await handler(event, lambdaContext('licenses'));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ licenses: [], nextToken: null });
  });

  it("leaves out the SDK's default credential chain (INI, SSO, STS web identity) for Lambda's own", () => {
    const inputs = bundles.licenses!.inputs;
    expect(inputs.some((path) => path.includes('credential-provider-node'))).toBe(false);
    expect(inputs.some((path) => path.includes('credential-provider-sso'))).toBe(false);
    expect(inputs.some((path) => path.endsWith('lambda-credentials.ts'))).toBe(true);
  });
});

describe('Lambda credentials in the bundles', () => {
  const saved = { ...process.env };
  afterAll(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('reads the role credentials Lambda puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    expect(await defaultProvider()()).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('says what is missing outside Lambda', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/AWS_ACCESS_KEY_ID/);
  });
});
