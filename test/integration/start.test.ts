// `npm start` as a user runs it: the portal with demo data on a private data folder kept across restarts, a
// graceful stop that answers requests in flight, and clear messages (exit 1) when the port is taken or Java is
// missing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamo.js';
import { checkedFetch } from '../support/contract.js';

const root = mkdtempSync(join(tmpdir(), 'portal-start-'));
/** Not there yet: the first start creates it. */
const dataDir = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every folder and file under `dir` (itself included) whose mode is not 0700 (folders) or 0600 (files). */
function notPrivate(dir: string): string[] {
  const wrong: string[] = [];
  const visit = (path: string) => {
    const stat = statSync(path);
    const mode = stat.mode & 0o777;
    if (stat.isDirectory()) {
      if (mode !== 0o700) wrong.push(`${path} ${mode.toString(8)}`);
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (mode !== 0o600) wrong.push(`${path} ${mode.toString(8)}`);
  };
  visit(dir);
  return wrong;
}

/** A sign-in whose body is only half sent: the request is in flight until `finish` sends the rest. */
function halfSentSignIn(port: number): Promise<{ finish: () => void; response: Promise<string> }> {
  const body = JSON.stringify({ username: 'admin@demo.example', password: 'demo-admin-pass' });
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /v1/auth/token HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
      );
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk;
      });
      const response = new Promise<string>((done) => socket.on('close', () => done(received)));
      resolve({ finish: () => socket.write(body.slice(10)), response });
    });
    socket.once('error', reject);
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  // Its own process group, so that a signal reaches npm and the portal as Ctrl-C in a terminal does.
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(started: Started, text: string, timeoutMs = 90_000, mayExit = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for "${text}"; output:\n${started.output()}`);
    if (!mayExit && started.child.exitCode !== null) throw new Error(`exited early:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Whether DynamoDB Local for this data folder still runs, after giving it up to 15 s to exit. */
async function javaRunningFor(folder: string): Promise<boolean> {
  for (let i = 0; i < 75; i++) {
    if (spawnSync('pgrep', ['-f', `dbPath ${folder}`]).status !== 0) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

async function signIn(base: string, username: string, password: string) {
  const res = await checkedFetch(`${base}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * The demo NEXUS server `npm start` printed: its secret exchanged as the printed curl line does, and its status
 * read with the server token (licensed: the demo Server license is acquired for it).
 */
async function demoServerWorks(base: string, output: string): Promise<{ serverId: string; secret: string }> {
  const found = /Demo NEXUS server (srv_\w+) .*\n\s+secret (crd_\S+)/.exec(output);
  expect(found, output).not.toBeNull();
  const [, serverId = '', secret = ''] = found ?? [];
  expect(output).toContain(`curl -s -XPOST ${base}/v1/auth/server-token`);
  const exchanged = await checkedFetch(`${base}/v1/auth/server-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret }),
  });
  expect(exchanged.status).toBe(200);
  const { accessToken } = (await exchanged.json()) as { accessToken: string };
  const status = await checkedFetch(`${base}/v1/servers/${serverId}/status`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(((await status.json()) as { state: string }).state).toBe('licensed');
  return { serverId, secret };
}

describe('npm start', () => {
  it('serves the portal with printed demo credentials, keeps data private across restarts and stops gracefully', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = start({ PORT: String(port), DATA_DIR: dataDir });
    await waitFor(first, 'Press Ctrl-C to stop.');
    expect(first.output()).toContain(base);
    expect(first.output()).toContain('admin@demo.example / demo-admin-pass');
    expect(first.output()).toContain('operator / operator');

    const admin = await signIn(base, 'admin@demo.example', 'demo-admin-pass');
    expect(admin.status).toBe(200);
    const list = await checkedFetch(`${base}/v1/licenses`, {
      headers: { authorization: `Bearer ${admin.body.accessToken}` },
    });
    const licenses = ((await list.json()) as any).licenses as any[];
    expect(licenses.map((l) => l.kind).sort()).toEqual(['cal', 'client', 'server']);
    // The demo NEXUS server's own credential, printed with the curl lines that use it.
    const demo = await demoServerWorks(base, first.output());
    // A new folder: everything in it, DynamoDB Local's database included, is the user's alone.
    expect(notPrivate(dataDir)).toEqual([]);
    expect(readdirSync(join(dataDir, 'dynamodb')).length).toBeGreaterThan(0);

    const inFlight = await halfSentSignIn(port);
    // Let the request reach the portal before the signal (sequencing only; nothing is timed).
    await new Promise((r) => setTimeout(r, 500));
    process.kill(-(first.child.pid as number), 'SIGTERM');
    // npm itself exits on the signal at once; the portal says it is stopping, takes no new connections, answers
    // the request in flight, then stops the engine and says so.
    await waitFor(first, 'stopping the portal and DynamoDB Local', 30_000, true);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    inFlight.finish();
    const answer = await inFlight.response;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"accessToken"');
    await waitFor(first, 'Portal stopped.', 30_000, true);
    expect(await javaRunningFor(dataDir)).toBe(false);

    // An existing folder made readable by others (an older version, a copy, a umask): the next start closes it.
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'dynamodb'), 0o755);
    for (const name of readdirSync(join(dataDir, 'dynamodb')))
      chmodSync(join(dataDir, 'dynamodb', name), 0o644);
    chmodSync(join(dataDir, 'token-secret'), 0o644);
    writeFileSync(join(dataDir, 'notes.txt'), 'left here by hand', { mode: 0o644 });
    expect(notPrivate(dataDir).length).toBeGreaterThan(0);

    const second = start({ PORT: String(port), DATA_DIR: dataDir });
    await waitFor(second, 'Press Ctrl-C to stop.');
    expect(second.output()).not.toContain('demo data created now');
    const again = await signIn(base, 'admin@demo.example', 'demo-admin-pass');
    const relist = await checkedFetch(`${base}/v1/licenses`, {
      headers: { authorization: `Bearer ${again.body.accessToken}` },
    });
    const ids = (((await relist.json()) as any).licenses as any[]).map((l) => l.licenseId).sort();
    expect(ids).toEqual(licenses.map((l) => l.licenseId).sort());
    // The demo server was registered once: the same server and credential, and no second server.
    expect(await demoServerWorks(base, second.output())).toEqual(demo);
    const servers = await checkedFetch(`${base}/v1/servers`, {
      headers: { authorization: `Bearer ${again.body.accessToken}` },
    });
    expect((((await servers.json()) as any).servers as any[]).map((s) => s.serverId)).toEqual([
      demo.serverId,
    ]);
    // A token issued before the restart is still good: the token secret lives in the data folder.
    const old = await checkedFetch(`${base}/v1/licenses`, {
      headers: { authorization: `Bearer ${admin.body.accessToken}` },
    });
    expect(old.status).toBe(200);
    expect(notPrivate(dataDir)).toEqual([]);
    // A service manager's stop: SIGTERM to npm alone (not its group) reaches the portal too (the start script
    // execs it), which stops the engine and says so.
    process.kill(second.child.pid as number, 'SIGTERM');
    await second.exited;
    await waitFor(second, 'Portal stopped.', 30_000, true);
    expect(await javaRunningFor(dataDir)).toBe(false);
  }, 240_000);

  it('says the port is taken and exits 1', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as any).port)),
    );
    try {
      const started = start({ PORT: String(port), DATA_DIR: join(root, 'other') });
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain(`port ${port}`);
      expect(started.output()).toContain('already in use');
      expect(started.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('says Java is missing and how to install it, and exits 1, where it cannot install it', async () => {
    // A PATH with the shell tools npm needs, node and npm, but no java and no apt-get to install it with.
    const bin = mkdtempSync(join(tmpdir(), 'nojava-bin-'));
    for (const tool of ['sh', 'bash', 'env', 'npm', 'node']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(found, join(bin, tool));
    }
    const port = await freePort();
    const started = start({ PORT: String(port), DATA_DIR: join(root, 'nojava'), PATH: bin });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('java was not found (DynamoDB Local runs on Java 17+)');
    expect(started.output()).toContain('install openjdk-17-jre-headless');
    expect(started.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
