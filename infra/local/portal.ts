// Starts the whole portal on one machine: DynamoDB Local, the table, the API Gateway stand-in and the hourly timer.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { hashPassword } from '../../functions/identity/passwords.js';
import { resetConfig } from '../../functions/runtime/config.js';
import { LOCAL_DEPLOYMENT, useDeployment } from '../../functions/runtime/deployment.js';
import { tableContext } from '../../functions/store/client.js';
import { createPrincipalStore } from '../../functions/store/principals.js';
import { type DynamoLocal, freePort, startDynamoLocal } from './dynamo.js';
import { createGateway, listen, stopGateway } from './gateway.js';
import type { Site } from '../../web/build.js';
import { ensureTable } from './table.js';

export const DEFAULT_TABLE = 'license-portal';

export interface PortalOptions {
  port: number;
  host?: string;
  /** Folder for data (DynamoDB files, signing key, token secret); omitted: all in memory. */
  dataDir?: string;
  /** An already running engine (tests share one); when given, no engine is started. */
  dynamoEndpoint?: string;
  dynamoPort?: number;
  tableName?: string;
  /**
   * The built-in operator, written to the table at every start (API.md: "the built-in operator is a stored user
   * too"; username `operator`, password `operator`, both overridable by env). Default: OPERATOR_USERNAME and
   * OPERATOR_PASSWORD, else operator / operator.
   */
  operator?: { username: string; password: string };
  /** The built dashboard (web/build.ts) to serve at `/`; without it only the API is served. */
  site?: Site;
}

export interface RunningPortal {
  url: string;
  port: number;
  tableName: string;
  endpoint: string;
  server: Server;
  /** Stops gracefully: no new connections, requests in flight finished (at most STOP_GRACE_MS), then the engine. */
  stop(): Promise<void>;
}

/** Folders of the data folder: owner only (README: "the data folder is private"). */
const PRIVATE_DIR = 0o700;
/** Files of the data folder: owner read/write only. */
const PRIVATE_FILE = 0o600;

/**
 * Makes `dir` and everything under it private (folders 0700, files 0600), also what an earlier version or
 * DynamoDB Local created more open; symbolic links are left alone (chmod would follow them out of the folder).
 */
export function makePrivate(dir: string): void {
  chmodSync(dir, PRIVATE_DIR);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makePrivate(path);
    else if (lstatSync(path).isFile()) chmodSync(path, PRIVATE_FILE);
  }
}

/** A secret kept in the data folder (mode 0600) so that tokens and keys survive restarts. */
export function persistentSecret(dataDir: string | undefined, fileName: string): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, fileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: PRIVATE_FILE });
  return secret;
}

export async function startPortal(options: PortalOptions): Promise<RunningPortal> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) {
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true, mode: PRIVATE_DIR });
    makePrivate(dataDir);
  }
  let engine: DynamoLocal | null = null;
  let endpoint = options.dynamoEndpoint;
  if (!endpoint) {
    engine = await startDynamoLocal({
      port: options.dynamoPort ?? (await freePort()),
      ...(dataDir ? { dbPath: join(dataDir, 'dynamodb') } : {}),
      // The portal stops its own engine after its requests in flight: terminal signals must not reach Java.
      ownProcessGroup: true,
    });
    endpoint = engine.endpoint;
  }
  const tableName = options.tableName ?? DEFAULT_TABLE;
  try {
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.AWS_REGION ??= 'us-east-1';
    useDeployment(LOCAL_DEPLOYMENT);
    process.env.LOCAL_JWT_SECRET = persistentSecret(dataDir, 'token-secret');
    process.env.PAGE_TOKEN_SECRET = persistentSecret(dataDir, 'page-token-key');
    // Hashes server credentials' secrets and signs server tokens (functions/identity/server-keys.ts).
    process.env.SERVER_CREDENTIAL_SECRET = persistentSecret(dataDir, 'server-credential-key');
    if (dataDir) process.env.LOCAL_SIGNING_KEY_FILE = join(dataDir, 'signing-key.json');
    resetConfig();

    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client, tableName);
    client.destroy();
    const operator = options.operator ?? {
      username: process.env.OPERATOR_USERNAME || 'operator',
      password: process.env.OPERATOR_PASSWORD || 'operator',
    };
    await createPrincipalStore(tableContext()).putOperator({
      userId: operator.username,
      passwordHash: await hashPassword(operator.password),
    });
    // DynamoDB Local has created its database by now; whatever it made is private too.
    if (dataDir) makePrivate(dataDir);

    const server = createGateway({
      jwtSecret: process.env.LOCAL_JWT_SECRET,
      ...(options.site ? { site: options.site } : {}),
    });
    const port = await listen(server, options.port, options.host ?? '127.0.0.1');
    const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
    return {
      url,
      port,
      tableName,
      endpoint,
      server,
      stop: async () => {
        try {
          await stopGateway(server);
        } finally {
          await engine?.stop();
        }
      },
    };
  } catch (error) {
    await engine?.stop();
    throw error;
  }
}
