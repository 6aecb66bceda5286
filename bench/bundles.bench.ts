// Lambda bundles as the stack builds them: size and module-init time (cold-start proxy) per function, and the
// in-process handler overhead per request with the DynamoDB client mocked (no I/O).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { DEPLOYED_GROUPS, entryOf, type FunctionName } from '../infra/constructs/access.js';
import { esbuildOptions } from '../infra/constructs/bundling.js';
import { lambdaContext, loadFunction, withFreshTokenTimes } from '../infra/local/invoke.js';

const SIZE_TARGET_KB = 450;
const INIT_TARGET_MS = 150;
const INIT_RUNS = 5;
const WARMUP = 200;
const REQUESTS = 2000;

/** The sample event each function is measured with (events/), chosen to run without stored data. */
const SAMPLE: Record<FunctionName, string> = {
  public: 'http/health',
  auth: 'http/issueToken',
  backoffice: 'http/createAccount',
  ops: 'http/hourlyCheck',
  licenses: 'http/listLicenses',
  keys: 'http/listKeys',
  activations: 'http/downloadAlf',
  servers: 'http/serverStatus',
  sessions: 'http/heartbeat',
  assignments: 'http/listRoles',
  reports: 'http/usageReport',
  credentials: 'http/issueServerToken',
  authorizer: 'authorizer/server-token',
  users: 'http/listUsers',
  audit: 'http/listAudit',
  scheduled: 'scheduled/hourly',
};

const LAMBDA_ENV = {
  TABLE_NAME: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // In Lambda the key comes from Secrets Manager once per cold start; here it is given, as locally.
  PAGE_TOKEN_SECRET: 'bench-page-token-key',
  SERVER_CREDENTIAL_SECRET: 'bench-server-credential-key',
  COGNITO_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench',
  COGNITO_CLIENT_ID: 'bench-client',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Imports the bundle in a fresh Node process, as a Lambda cold start does, and returns the import time. */
function initTime(bundle: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(String(performance.now() - t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...LAMBDA_ENV },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`importing ${bundle} failed: ${child.stderr}`);
  return Number(child.stdout);
}

async function overhead(name: FunctionName): Promise<{ microseconds: number; status: string }> {
  const event = withFreshTokenTimes(JSON.parse(readFileSync(join('events', `${SAMPLE[name]}.json`), 'utf8')));
  const handler = await loadFunction(name);
  const context = lambdaContext(name);
  let status = '-';
  const once = async () => {
    const result = (await handler(structuredClone(event), context)) as { statusCode?: number } | undefined;
    status = result?.statusCode ? String(result.statusCode) : 'ok';
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) await once();
  return { microseconds: ((performance.now() - started) * 1000) / REQUESTS, status };
}

export async function run(): Promise<void> {
  Object.assign(process.env, LAMBDA_ENV);
  delete process.env.DYNAMODB_ENDPOINT;
  // Every store call answers at once with nothing found: what is left is the handler's own cost.
  const documents = mockClient(DynamoDBDocumentClient);
  const raw = mockClient(DynamoDBClient);
  for (const mock of [documents, raw]) mock.onAnyCommand().resolves({ Items: [], Count: 0 });
  // ... except the identity read of each request: the store vouches for every caller (an administrator).
  documents
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: Record<string, string>[] }> }) => {
      const [table, { Keys }] = Object.entries(input.RequestItems)[0] as [
        string,
        { Keys: Record<string, string>[] },
      ];
      const items = Keys.map((key) => {
        const id = (value = '') => value.slice(value.indexOf('#') + 1);
        if (key.sk?.startsWith('USER#'))
          return { ...key, userId: id(key.sk), accountId: id(key.pk), admin: true };
        if (key.sk === 'OPERATOR') return { ...key, userId: id(key.pk) };
        return { ...key, accountId: id(key.pk) };
      });
      return { Responses: { [table]: items } };
    });

  const out = mkdtempSync(join(tmpdir(), 'portal-bundles-'));
  const names: FunctionName[] = [...DEPLOYED_GROUPS, 'authorizer', 'scheduled'];
  const rows: string[][] = [];
  let failures = 0;
  try {
    for (const name of names) {
      const outfile = join(out, name, 'index.mjs');
      await build(esbuildOptions(entryOf(name), outfile));
      const sizeKb = statSync(outfile).size / 1024;
      const inits = Array.from({ length: INIT_RUNS }, () => initTime(outfile));
      const initMs = median(inits);
      const { microseconds, status } = await overhead(name);
      const ok = sizeKb <= SIZE_TARGET_KB && initMs <= INIT_TARGET_MS;
      if (!ok) failures++;
      rows.push([
        name,
        sizeKb.toFixed(0),
        initMs.toFixed(0),
        microseconds.toFixed(0),
        `${SAMPLE[name]} → ${status}`,
        ok ? 'yes' : 'NO',
      ]);
    }
  } finally {
    documents.restore();
    raw.restore();
    rmSync(out, { recursive: true, force: true });
  }

  const header = [
    'function',
    'bundle KB',
    'init ms',
    'µs/request',
    'measured with',
    `≤${SIZE_TARGET_KB} KB & ≤${INIT_TARGET_MS} ms`,
  ];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(
    `esbuild minified ESM bundles (SDK bundled), init = median of ${INIT_RUNS} fresh imports on node ${process.version}`,
  );
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
  console.log(
    `${failures === 0 ? 'All' : `${rows.length - failures} of ${rows.length}`} functions within the targets.`,
  );
}
