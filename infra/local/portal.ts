// Starts the whole portal on one machine: DynamoDB Local, the table, the API Gateway stand-in and the hourly timer.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resetConfig } from '../../functions/runtime/config.js';
import { type DynamoLocal, freePort, startDynamoLocal } from './dynamo.js';
import { createGateway, listen } from './gateway.js';
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
}

export interface RunningPortal {
  url: string;
  port: number;
  tableName: string;
  endpoint: string;
  server: Server;
  stop(): Promise<void>;
}

/** A secret kept in the data folder (mode 0600) so that tokens and keys survive restarts. */
export function persistentSecret(dataDir: string | undefined, fileName: string): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, fileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export async function startPortal(options: PortalOptions): Promise<RunningPortal> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  let engine: DynamoLocal | null = null;
  let endpoint = options.dynamoEndpoint;
  if (!endpoint) {
    engine = await startDynamoLocal({
      port: options.dynamoPort ?? (await freePort()),
      ...(dataDir ? { dbPath: join(dataDir, 'dynamodb') } : {}),
    });
    endpoint = engine.endpoint;
  }
  const tableName = options.tableName ?? DEFAULT_TABLE;
  try {
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.PORTAL_LOCAL = 'true';
    process.env.LOCAL_JWT_SECRET = persistentSecret(dataDir, 'token-secret');
    if (dataDir) process.env.LOCAL_SIGNING_KEY_FILE = join(dataDir, 'signing-key.json');
    resetConfig();

    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client, tableName);
    client.destroy();

    const server = createGateway({ jwtSecret: process.env.LOCAL_JWT_SECRET, webRoot: resolve('web') });
    const port = await listen(server, options.port, options.host ?? '127.0.0.1');
    const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
    return {
      url,
      port,
      tableName,
      endpoint,
      server,
      stop: async () => {
        await new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        });
        await engine?.stop();
      },
    };
  } catch (error) {
    await engine?.stop();
    throw error;
  }
}
