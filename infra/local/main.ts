// `npm start`: the whole portal on http://127.0.0.1:9780 with DynamoDB Local, demo data and printed credentials.
//
// Only node: modules are imported up front, so the stop handlers are in place before anything else loads: a
// signal at any moment stops whatever has started and always prints the stop lines.
import { writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

type Runtime = {
  dynamo: typeof import('./dynamo.js');
  portal: typeof import('./portal.js');
  scheduler: typeof import('./scheduler.js');
  seed: typeof import('./seed.js');
  web: typeof import('../../web/build.js');
};

/** Writes a line at once (not through a stream buffer), so it is out even when the process exits right after. */
function say(line: string, fd = 1): void {
  writeSync(fd, `${line}\n`);
}

function fail(message: string): never {
  say(`\nCannot start the portal: ${message}`, 2);
  process.exit(1);
}

// Everything the portal and its Java child create in the data folder is for this user only (0700/0600):
// password hashes, emails and keys live there. startPortal also tightens what already exists.
process.umask(0o077);

const runtime: Partial<Runtime> = {};
let portal: import('./portal.js').RunningPortal | null = null;
let timer: { stop(): void } | null = null;
let stopping = false;

const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  say(`\n${signal}: stopping the portal and DynamoDB Local ...`);
  let code = 0;
  try {
    timer?.stop();
    // Graceful: no new connections, requests in flight answered (at most 10 s), then Java.
    if (portal) await portal.stop();
    else runtime.dynamo?.killAllDynamoLocal();
  } catch (error) {
    code = 1;
    say(`Stopping failed: ${(error as Error).message}`, 2);
  } finally {
    say('Portal stopped.');
    process.exit(code);
  }
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

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

/** How a newcomer tries the demo NEXUS server's own credential with curl (README "NEXUS servers' own credentials"). */
function demoServerLines(url: string, server: import('./seed.js').DemoServer | undefined): string {
  if (!server) return '';
  return `
Demo NEXUS server ${server.serverId} (${server.hostName}) and its own credential (demo only: a real secret is shown once):
  secret ${server.secret}
  SERVER_TOKEN=$(curl -s -XPOST ${url}/v1/auth/server-token -H 'content-type: application/json' \\
    -d '{"secret":"${server.secret}"}' | node -pe 'JSON.parse(fs.readFileSync(0)).accessToken')
  curl -s ${url}/v1/servers/${server.serverId}/status -H "authorization: Bearer $SERVER_TOKEN"
`;
}

async function main() {
  const host = '127.0.0.1';
  const port = parsePort(process.env.PORT);
  const dataDir = resolve(process.env.DATA_DIR || '.data');
  const operator = {
    username: process.env.OPERATOR_USERNAME || 'operator',
    password: process.env.OPERATOR_PASSWORD || 'operator',
  };
  runtime.dynamo = await import('./dynamo.js');
  runtime.portal = await import('./portal.js');
  runtime.scheduler = await import('./scheduler.js');
  runtime.seed = await import('./seed.js');
  runtime.web = await import('../../web/build.js');
  const { startPortal } = runtime.portal;
  const { DEMO, seedDemo } = runtime.seed;

  await assertPortFree(port, host);
  // The dashboard is built from web/src on every start (about a second), so what is served is what is checked out.
  const site = await runtime.web.buildSite();
  say(`Starting DynamoDB Local with data in ${dataDir} ...`);
  portal = await startPortal({ port, host, dataDir, operator, site });
  if (stopping) return;
  timer = runtime.scheduler.startHourlyTimer();

  const { seed, created } = await seedDemo(portal.url, portal, operator);
  say(`
NEXUS license portal is running at ${portal.url}  (dashboard: ${portal.url}/ , API: ${portal.url}/openapi.json)
Data folder: ${dataDir}${created ? ' (demo data created now)' : ''}

Sign in (POST ${portal.url}/v1/auth/token with {"username","password"}):
  operator (back office)   ${operator.username} / ${operator.password}
  account administrator    ${DEMO.admin.email} / ${DEMO.admin.password}
  account member           ${DEMO.member.email} / ${DEMO.member.password}
Demo account ${seed.accountId}: Server license ${seed.licenseIds.server}, CAL ${seed.licenseIds.cal}, design license ${seed.licenseIds.client}
${demoServerLines(portal.url, seed.server)}
Press Ctrl-C to stop.`);
}

main().catch((error) => {
  if (stopping) return;
  if (runtime.dynamo && error instanceof runtime.dynamo.LocalRuntimeError) fail(error.message);
  console.error(error);
  fail('an unexpected error happened (above). Check that the data folder is writable, then try again.');
});
