// `npm run invoke -- <function> events/<source>/<variant>.json`: runs one Lambda handler with a sample event
// against the local engine, as `sam local invoke` does; prints the handler's result as JSON on stdout.
import { lambdaContext } from './lambda-context.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { GROUPS, type Group } from '../../functions/api/routes.js';
import { TOKEN_LIFETIME_SECONDS } from '../../domain/identity.js';
import { resetConfig } from '../../functions/runtime/config.js';
import { tableContext } from '../../functions/store/client.js';
import { createPrincipalStore } from '../../functions/store/principals.js';
import { type DynamoLocal, freePort, LocalRuntimeError, startDynamoLocal } from './dynamo.js';
import { handlerModules } from './handlers.js';
import { DEFAULT_TABLE } from './portal.js';
import { ensureTable } from './table.js';

export const FUNCTIONS = [...GROUPS, 'scheduled', 'authorizer'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

// biome-ignore lint/suspicious/noExplicitAny: each function takes its own event type (HTTP or EventBridge)
export type AnyHandler = (event: any, context: Context) => Promise<unknown>;

/** Settings that would reach real AWS (Cognito, KMS); a local invoke never uses them. */
const AWS_ONLY_VARIABLES = ['USER_POOL_ID', 'SIGNING_KMS_KEY_ID', 'PUBLIC_KMS_KEY_IDS'];

export function isFunctionName(name: string): name is FunctionName {
  return (FUNCTIONS as readonly string[]).includes(name);
}

export async function loadFunction(name: FunctionName): Promise<AnyHandler> {
  if (name === 'scheduled') return (await import('../../functions/handlers/scheduled.js')).handler;
  if (name === 'authorizer') return (await import('../../functions/handlers/authorizer.js')).handler;
  return (await handlerModules[name as Group]()).handler as AnyHandler;
}

export { lambdaContext };

/** The ids written in the sample events (events/http); --seed creates data and puts its real ids in their place. */
export const EXAMPLE_IDS = {
  account: 'acc_exampleaccount00000000',
  admin: 'usr_exampleadmin000000000',
  member: 'usr_examplemember00000000',
  serverLicense: 'lic_exampleserver00000000',
  calLicense: 'lic_examplecal00000000000',
  clientLicense: 'lic_exampleclient00000000',
  server: 'srv_exampleserver00000000',
  session: 'ses_examplesession0000000',
  assignment: 'asg_exampleassignment0000',
  activation: 'act_exampleactivation0000',
  // Before `credential`, whose id begins it: a secret is replaced whole.
  credentialSecret: 'crd_examplecredential0000.q3XoN9bq1y7dT2mVf5gKc8jR0wLh4sPz6uEa1iYb3nQ',
  credential: 'crd_examplecredential0000',
} as const;
export type ExampleIds = Record<keyof typeof EXAMPLE_IDS, string>;

/** The operator the sample events' operator claims name (cognito:username); invoke stores it as the portal would. */
export const SAMPLE_OPERATOR = 'operator';

/**
 * The event with its token times (iat, auth_time, exp) moved to `now`, as a token issued just now would carry
 * them: the captured ones expired long ago, and the portal refuses expired tokens (domain/identity.ts).
 */
export function withFreshTokenTimes<T>(event: T, now: Date = new Date()): T {
  const authorizer = (
    event as {
      requestContext?: {
        authorizer?: { jwt?: { claims?: Record<string, string> }; lambda?: Record<string, string> };
      };
    }
  ).requestContext?.authorizer;
  // Samples of the Lambda authorizer carry the claims as its context; older ones as the JWT authorizer's claims.
  const claims = authorizer?.lambda ?? authorizer?.jwt?.claims;
  if (claims) {
    const issued = Math.floor(now.getTime() / 1000);
    claims.iat = String(issued);
    claims.auth_time = String(issued);
    claims.exp = String(issued + TOKEN_LIFETIME_SECONDS);
  }
  return event;
}

/** The sample event, with the example ids replaced by real ones and fresh token times. */
export function sampleEvent(file: string, ids: Partial<ExampleIds> = {}): unknown {
  let text = readFileSync(resolve(file), 'utf8');
  for (const [key, placeholder] of Object.entries(EXAMPLE_IDS)) {
    const real = ids[key as keyof ExampleIds];
    if (real) text = text.replaceAll(placeholder, real);
  }
  return withFreshTokenTimes(JSON.parse(text));
}

/** Stores the sample operator, as the back office's first operator is stored in AWS (docs/deploy.md). */
export async function storeSampleOperator(): Promise<void> {
  await createPrincipalStore(tableContext()).putOperator({ userId: SAMPLE_OPERATOR });
}

/**
 * Creates, through the handlers themselves, the data the sample events refer to: an account with an
 * administrator and a Designers member, a Server, a CAL and a design-software license, a server holding the
 * Server license, an activation, a roaming assignment, a member's session and a credential of the server (its
 * secret too, so that the server-token sample exchanges it). Returns the real ids.
 */
export async function seedExamples(): Promise<ExampleIds> {
  const ids: Partial<ExampleIds> = {};
  const call = async (group: Group, name: string, change: (event: { body?: string }) => void = () => {}) => {
    const event = sampleEvent(`events/http/${name}.json`, ids) as { body?: string };
    change(event);
    const handler = await loadFunction(group);
    const result = (await handler(event, lambdaContext(group))) as { statusCode: number; body?: string };
    if (result.statusCode >= 300)
      throw new Error(`seeding with ${name} answered ${result.statusCode}: ${result.body}`);
    return JSON.parse(result.body ?? '{}');
  };
  const unique = randomBytes(4).toString('hex');
  await storeSampleOperator();
  ids.account = (await call('backoffice', 'createAccount')).accountId;
  ids.admin = (
    await call('backoffice', 'createUser', (event) => {
      event.body = JSON.stringify({
        email: `ada.${unique}@customer.example`,
        password: 'correct-horse-battery',
        roles: ['Administrators'],
        admin: true,
      });
    })
  ).userId;
  ids.member = (
    await call('backoffice', 'createUser', (event) => {
      event.body = event.body?.replace('bob@customer.example', `bob.${unique}@customer.example`);
    })
  ).userId;
  const license = async (product: string, seats: number) =>
    (
      await call('backoffice', 'issueLicense', (event) => {
        event.body = JSON.stringify({ product, seats });
      })
    ).licenseId;
  ids.serverLicense = await license('Altium NEXUS Server', 2);
  ids.calLicense = await license('Altium NEXUS Server CAL', 10);
  ids.clientLicense = await license('Altium NEXUS', 5);
  ids.server = (await call('servers', 'registerServer')).serverId;
  await call('servers', 'acquireLicenses');
  ids.activation = (await call('activations', 'activateLicense')).activationId;
  ids.assignment = (await call('assignments', 'createAssignment')).assignmentId;
  ids.session = (await call('sessions', 'signIn')).sessionId;
  const credential = await call('credentials', 'createCredential');
  ids.credential = credential.credentialId;
  ids.credentialSecret = credential.secret;
  return ids as ExampleIds;
}

const USAGE = `Usage: npm run invoke -- <function> <event.json> [--seed]
  <function>: ${FUNCTIONS.join(', ')}
  <event.json>: e.g. events/http/health.json or events/scheduled/hourly.json
Runs on a fresh in-memory DynamoDB Local, or on DYNAMODB_ENDPOINT (table TABLE_NAME, default ${DEFAULT_TABLE}).
--seed first creates the account, licenses, server, session ... the sample events name, and runs the event
with their real ids in place of the example ones.`;

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const seed = argv.includes('--seed');
  const [name, eventFile] = argv.filter((arg) => arg !== '--seed');
  if (!name || !eventFile) usage('Name a function and an event file.');
  if (!isFunctionName(name)) usage(`"${name}" is not a function of the portal.`);
  try {
    sampleEvent(eventFile);
  } catch (error) {
    usage(`Cannot read the event ${eventFile}: ${(error as Error).message}`);
  }

  for (const variable of AWS_ONLY_VARIABLES) {
    if (process.env[variable])
      console.error(`[invoke] ignoring ${variable}: a local invoke never calls AWS.`);
    delete process.env[variable];
  }
  let engine: DynamoLocal | null = null;
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    console.error('[invoke] starting DynamoDB Local in memory ...');
    engine = await startDynamoLocal({ port: await freePort() });
    endpoint = engine.endpoint;
  }
  try {
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.TABLE_NAME ||= DEFAULT_TABLE;
    process.env.AWS_REGION ||= 'us-east-1';
    // Only the local-only token route reads it; a fresh secret per invoke is enough to issue a token.
    process.env.LOCAL_JWT_SECRET ||= randomBytes(32).toString('base64url');
    process.env.PAGE_TOKEN_SECRET ||= randomBytes(32).toString('base64url');
    process.env.SERVER_CREDENTIAL_SECRET ||= randomBytes(32).toString('base64url');
    // The authorizer's Cognito side: a pool that does not exist; only its server-token side can pass locally.
    process.env.COGNITO_ISSUER ||= 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local';
    process.env.COGNITO_CLIENT_ID ||= 'local-client';
    resetConfig();
    const client = new DynamoDBClient({
      endpoint,
      region: process.env.AWS_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await ensureTable(client, process.env.TABLE_NAME);
    } finally {
      client.destroy();
    }

    await storeSampleOperator();
    let ids: Partial<ExampleIds> = {};
    if (seed) {
      ids = await quietly(() => seedExamples());
      console.error(`[invoke] seeded: ${JSON.stringify(ids)}`);
    }
    const event = sampleEvent(eventFile, ids);
    const handler = await loadFunction(name);
    const started = performance.now();
    // The function's logs go to stderr, as sam local invoke does, so stdout is only the result (pipe it to jq).
    const stdoutWrite = process.stdout.write;
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    try {
      const result = await handler(event, lambdaContext(name));
      process.stdout.write = stdoutWrite;
      const took = (performance.now() - started).toFixed(1);
      const status = (result as { statusCode?: number } | null)?.statusCode;
      console.error(`[invoke] ${name} answered${status ? ` ${status}` : ''} in ${took} ms`);
      console.log(JSON.stringify(result ?? null, null, 2));
      return 0;
    } catch (error) {
      process.stdout.write = stdoutWrite;
      // Lambda would report the function error; so do we, with its stack, and fail.
      console.error(`[invoke] ${name} threw:`, error);
      console.log(
        JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }, null, 2),
      );
      return 1;
    }
  } finally {
    await engine?.stop();
  }
}

/** Runs fn with its stdout (the functions' logs) sent to stderr. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const stdoutWrite = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = stdoutWrite;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error) => {
      console.error(error instanceof LocalRuntimeError ? error.message : error);
      process.exit(1);
    });
}
