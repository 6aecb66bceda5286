// `npm start`: the whole portal on http://127.0.0.1:9780 with DynamoDB Local, demo data and printed credentials.
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { killAllDynamoLocal, LocalRuntimeError } from './dynamo.js';
import { type RunningPortal, startPortal } from './portal.js';
import { startHourlyTimer } from './scheduler.js';
import { DEMO, seedDemo } from './seed.js';

function fail(message: string): never {
  console.error(`\nCannot start the portal: ${message}`);
  process.exit(1);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 9780;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`PORT=${value} is not a port number (1-65535).`);
  return port;
}

function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () =>
      fail(
        `port ${port} on ${host} is already in use. Stop the program using it, or run with PORT=<another port>.`,
      ),
    );
    probe.listen(port, host, () => probe.close(() => done()));
  });
}

async function main() {
  const host = '127.0.0.1';
  const port = parsePort(process.env.PORT);
  const dataDir = resolve(process.env.DATA_DIR || '.data');
  const operator = {
    username: process.env.OPERATOR_USERNAME || 'operator',
    password: process.env.OPERATOR_PASSWORD || 'operator',
  };
  let portal: RunningPortal | null = null;
  let timer: { stop(): void } | null = null;
  let stopping = false;
  // Registered before anything starts, so a signal during start-up also stops the Java child.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the portal and DynamoDB Local ...`);
    timer?.stop();
    if (portal) await portal.stop();
    else killAllDynamoLocal();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await assertPortFree(port, host);
  console.log(`Starting DynamoDB Local with data in ${dataDir} ...`);
  portal = await startPortal({ port, host, dataDir });
  timer = startHourlyTimer();

  const { seed, created } = await seedDemo(portal.url, portal, operator);
  console.log(`
NEXUS license portal is running at ${portal.url}  (dashboard: ${portal.url}/ , API: ${portal.url}/openapi.json)
Data folder: ${dataDir}${created ? ' (demo data created now)' : ''}

Sign in (POST ${portal.url}/v1/auth/token with {"username","password"}):
  operator (back office)   ${operator.username} / ${operator.password}
  account administrator    ${DEMO.admin.email} / ${DEMO.admin.password}
  account member           ${DEMO.member.email} / ${DEMO.member.password}
Demo account ${seed.accountId}: Server license ${seed.licenseIds.server}, CAL ${seed.licenseIds.cal}, design license ${seed.licenseIds.client}

Press Ctrl-C to stop.`);
}

main().catch((error) => {
  if (error instanceof LocalRuntimeError) fail(error.message);
  console.error(error);
  fail('an unexpected error happened (above). Check that the data folder is writable, then try again.');
});
