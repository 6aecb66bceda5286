// `npm start` as a user runs it: the portal with demo data on a data folder kept across restarts, clean stop,
// and clear messages (exit 1) when the port is taken or Java is missing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamo.js';
import { checkedFetch } from '../support/contract.js';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

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

describe('npm start', () => {
  it('serves the portal with printed demo credentials, keeps data across restarts and stops cleanly', async () => {
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

    process.kill(-(first.child.pid as number), 'SIGTERM');
    // npm itself exits on the signal at once; the portal says it is stopping and then stops the engine.
    await waitFor(first, 'stopping the portal and DynamoDB Local', 30_000, true);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(await javaRunningFor(dataDir)).toBe(false);

    const second = start({ PORT: String(port), DATA_DIR: dataDir });
    await waitFor(second, 'Press Ctrl-C to stop.');
    expect(second.output()).not.toContain('demo data created now');
    const again = await signIn(base, 'admin@demo.example', 'demo-admin-pass');
    const relist = await checkedFetch(`${base}/v1/licenses`, {
      headers: { authorization: `Bearer ${again.body.accessToken}` },
    });
    const ids = (((await relist.json()) as any).licenses as any[]).map((l) => l.licenseId).sort();
    expect(ids).toEqual(licenses.map((l) => l.licenseId).sort());
    // A token issued before the restart is still good: the token secret lives in the data folder.
    const old = await checkedFetch(`${base}/v1/licenses`, {
      headers: { authorization: `Bearer ${admin.body.accessToken}` },
    });
    expect(old.status).toBe(200);
    process.kill(-(second.child.pid as number), 'SIGINT');
    await second.exited;
    expect(await javaRunningFor(dataDir)).toBe(false);
  }, 240_000);

  it('says the port is taken and exits 1', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as any).port)),
    );
    try {
      const started = start({ PORT: String(port), DATA_DIR: join(dataDir, 'other') });
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain(`port ${port}`);
      expect(started.output()).toContain('already in use');
      expect(started.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('says Java is missing and how to install it, and exits 1', async () => {
    // A PATH with the shell tools npm needs, node and npm, but no java.
    const bin = mkdtempSync(join(tmpdir(), 'nojava-bin-'));
    for (const tool of ['sh', 'env', 'npm', 'node']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(found, join(bin, tool));
    }
    const port = await freePort();
    const started = start({ PORT: String(port), DATA_DIR: join(dataDir, 'nojava'), PATH: bin });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('Java was not found');
    expect(started.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
