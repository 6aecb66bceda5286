// A NEXUS server's day through `npm run nexus` (the script run by tsx as a child process, as a user runs it)
// against the local runtime in this process, whose clock the test moves: an administrator registers the server,
// the server signs in with its own credential, lists and acquires licenses, watches its install folder, two
// users hold seats with heartbeats and sign out, a third is refused, and the Server license runs out a minute
// after it was acquired. Every answer the command line gets passes through a proxy that checks it against the
// committed OpenAPI document.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/runtime/clock.js';
import { type CheckingProxy, startCheckingProxy } from '../support/checking-proxy.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';
import { auditRecords } from '../support/servers.js';

const root = mkdtempSync(join(tmpdir(), 'nexus-cli-'));
const statePath = join(root, 'state', 'nexus.json');
let portal: TestPortal;
let proxy: CheckingProxy;
let acme: TestAccount;
let licenses: { server: any; cal: any; oldCal: any; design: any };
const day: { serverId?: string; secret?: string } = {};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a command: this test's state file and portal (through the proxy), no inherited secrets. */
function envOf(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const {
    NEXUS_PASSWORD: _p,
    NEXUS_SERVER_SECRET: _s,
    NEXUS_PORTAL_URL: _u,
    NEXUS_STATE: _st,
    ...env
  } = process.env;
  return { ...env, NEXUS_STATE: statePath, NEXUS_PORTAL_URL: proxy.url, ...extra };
}

function launch(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'infra/cli/nexus.ts', ...args], {
    env: envOf(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs a command to its end; `input` is its standard input. */
function nexus(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const child = launch(args, options.env ?? {});
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin?.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A long-running command (watch, signin) in --json mode: its events as they come, and a Ctrl-C. */
function background(args: string[]) {
  const child = launch([...args, '--json'], {});
  const events: any[] = [];
  let stderr = '';
  let buffered = '';
  const waiting: {
    test: (event: any) => boolean;
    resolve: (event: any) => void;
    reject: (error: Error) => void;
  }[] = [];
  child.stdout?.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line);
      events.push(event);
      for (const wait of [...waiting]) {
        if (wait.test(event)) {
          waiting.splice(waiting.indexOf(wait), 1);
          wait.resolve(event);
        }
      }
    }
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin?.end();
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (exitCode) => {
      code = exitCode;
      // Whatever is still awaited will not come: fail with what the program said.
      for (const wait of waiting.splice(0)) wait.reject(new Error(`exited ${exitCode}: ${stderr}`));
      resolve(exitCode);
    }),
  );
  return {
    events,
    /** The first event (seen or to come) that passes `test`; rejects when the program ends without it. */
    next(test: (event: any) => boolean): Promise<any> {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      if (code !== undefined) return Promise.reject(new Error(`exited ${code}: ${stderr}`));
      return new Promise((resolve, reject) => waiting.push({ test, resolve, reject }));
    },
    /** Ctrl-C, and the exit code. */
    interrupt(): Promise<number | null> {
      child.kill('SIGINT');
      return exited;
    },
  };
}

beforeAll(async () => {
  portal = await startTestPortal();
  proxy = await startCheckingProxy(portal.url);
  acme = await portal.createAccount('Day Co');
  const past = new Date(Date.now() - 2 * 365 * 24 * 3600_000).toISOString();
  licenses = {
    // One month long: the test moves the portal's clock to its last minute before acquiring it.
    server: await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 1, { termMonths: 1 }),
    cal: await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 2),
    oldCal: await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 5, {
      validFrom: past,
      termMonths: 12,
    }),
    design: await portal.issueLicense(acme.accountId, 'Altium NEXUS', 3),
  };
});

afterAll(async () => {
  setClock(null);
  await proxy?.close();
  await portal?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('a NEXUS server’s day through npm run nexus', () => {
  it('an administrator signs in (password from NEXUS_PASSWORD) and registers the server; its secret is printed once and not kept', async () => {
    const login = await nexus(['login', '--user', acme.admin.email], {
      env: { NEXUS_PASSWORD: acme.admin.password },
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Signed in as ${acme.admin.email}`);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(statePath, 'utf8')).not.toContain(acme.admin.password);

    const registered = await nexus(['register', 'nexus-day.example', '--json']);
    expect(registered.code, registered.stderr).toBe(0);
    const server = JSON.parse(registered.stdout);
    expect(server).toMatchObject({ hostName: 'nexus-day.example', serverId: expect.stringMatching(/^srv_/) });
    expect(server.secret.startsWith(`${server.credentialId}.`)).toBe(true);
    expect(readFileSync(statePath, 'utf8')).not.toContain(server.secret);
    day.serverId = server.serverId;
    day.secret = server.secret;
  });

  it('the server exchanges its secret (standard input) for its own token and lists licenses with the filters', async () => {
    const login = await nexus(['login', '--secret'], { input: `${day.secret}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Server ${day.serverId} signed in with its own credential`);
    const state = readFileSync(statePath, 'utf8');
    expect(state).not.toContain(day.secret);
    expect(JSON.parse(state).serverToken.serverId).toBe(day.serverId);

    const all = await nexus(['licenses', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const ids = JSON.parse(all.stdout).licenses.map((l: any) => l.licenseId);
    expect(ids.sort()).toEqual(
      Object.values(licenses)
        .map((l) => l.licenseId)
        .sort(),
    );

    // The Add Licenses window with Product Name "cal" and Show valid only: the valid CAL, not the old one.
    const cals = await nexus(['licenses', '--product', 'cal', '--valid-only']);
    expect(cals.code, cals.stderr).toBe(0);
    const [header, ...rows] = cals.stdout.split('\n');
    expect(header).toMatch(
      /^LICENSE +PRODUCT +KIND +SEATS +USED +VALID UNTIL \(UTC\) +STATUS +ACTIVATION CODE$/,
    );
    expect(rows[0]).toMatch(
      new RegExp(
        `^${licenses.cal.licenseId} +Altium NEXUS Server CAL +cal +2 +0 .* valid +${licenses.cal.activationCode}$`,
      ),
    );
    expect(cals.stdout).not.toContain(licenses.oldCal.licenseId);
    expect(cals.stdout).toContain('1 license (product "cal", valid only)');
  });

  it('acquires the Server license in its last minute and writes its .alf file by the seed’s name', async () => {
    // From now on the portal lives in the Server license's last minute; its clock stops short of the end until
    // the last test moves it past (so that no slow step lets the license run out early).
    const untilMs = Date.parse(licenses.server.validUntil);
    const offset = untilMs - 60_000 - Date.now();
    setClock(() => new Date(Math.min(Date.now() + offset, untilMs - 1000)));

    const dir = join(root, 'acquired');
    const acquired = await nexus(['acquire', licenses.server.licenseId, '--dir', dir]);
    expect(acquired.code, acquired.stderr).toBe(0);
    const fileName = `Altium Nexus Server License ${licenses.server.activationCode} R10 Primary.alf`;
    expect(readdirSync(dir)).toEqual([fileName]);
    expect(readFileSync(join(dir, fileName), 'utf8')).toContain(`License: ${licenses.server.licenseId}\n`);
    expect(acquired.stdout).toContain(`Acquired for server ${day.serverId}`);

    // From file: the same license again is already held (200), and the portal says so.
    const again = await nexus(['import', join(dir, fileName)]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Already held ${join(dir, fileName)}: Altium NEXUS Server (server)`);

    // The server acted with its own token, not the administrator's.
    const records = await auditRecords(portal, acme.accountId);
    const acquisition = records.find((r) => r.action === 'license.acquired');
    expect(acquisition?.actor).toEqual({ type: 'server', id: day.serverId });
  });

  it('watches its install folder: a license file dropped there is imported, and the check prints the state', async () => {
    const folder = join(root, 'install');
    mkdirSync(folder);
    const activation = await portal.call('POST', `/v1/licenses/${licenses.cal.licenseId}/activations`, {
      token: acme.admin.token,
      body: { hostId: 'nexus-day.example' },
    });
    expect(activation.status, activation.text).toBe(201);

    const watch = background(['watch', folder, '--every', '1']);
    const first = await watch.next((e) => e.event === 'checked');
    expect(first.status).toMatchObject({ serverId: day.serverId, state: 'licensed' });
    expect(first.files).toEqual([]);

    // Dropped in as a copy does it: written elsewhere, then moved in.
    const temporary = join(root, 'download.tmp');
    writeFileSync(temporary, activation.body.alf);
    renameSync(temporary, join(folder, activation.body.fileName));
    const imported = await watch.next((e) => e.event === 'imported');
    expect(imported).toMatchObject({
      file: activation.body.fileName,
      licenseId: licenses.cal.licenseId,
      kind: 'cal',
    });
    const checked = await watch.next((e) => e.event === 'checked' && e.files.length === 1);
    expect(checked.files[0].verdict).toMatch(/^valid until .*Altium NEXUS Server CAL/);

    expect(await watch.interrupt()).toBe(0);
    expect(watch.events.at(-1)).toMatchObject({ event: 'stopped', folder });
    const records = await auditRecords(portal, acme.accountId);
    expect(records.find((r) => r.action === 'license.imported')?.actor).toEqual({
      type: 'server',
      id: day.serverId,
    });
  });

  it('two users hold seats with heartbeats until Ctrl-C signs them out; a third is refused with the portal’s message', async () => {
    const third = await portal.createUser(acme.accountId, { roles: ['Designers'] });
    const admin = background(['signin', acme.admin.userId, 'PC-ADMIN', '--heartbeat', '1']);
    const member = background([
      'signin',
      acme.member.userId,
      'PC-042',
      '--client',
      'design_client',
      '--heartbeat',
      '1',
    ]);
    const [adminSession, memberSession] = await Promise.all([
      admin.next((e) => e.event === 'signed_in'),
      member.next((e) => e.event === 'signed_in'),
    ]);
    expect(memberSession).toMatchObject({ userId: acme.member.userId, clients: ['design_client'] });
    await Promise.all([
      admin.next((e) => e.event === 'heartbeat'),
      member.next((e) => e.event === 'heartbeat'),
    ]);

    const held = await portal.call('GET', `/v1/sessions?serverId=${day.serverId}`, {
      token: acme.admin.token,
    });
    expect(held.body.sessions.map((s: any) => s.sessionId).sort()).toEqual(
      [adminSession.sessionId, memberSession.sessionId].sort(),
    );

    // Both CAL seats are taken: the third user is refused, with the portal's own words and exit code 1.
    const refused = await nexus(['signin', third.userId, 'PC-099']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*\(seats_exhausted, HTTP 409\)$/m);

    expect(await admin.interrupt()).toBe(0);
    expect(await member.interrupt()).toBe(0);
    expect(admin.events.at(-1)).toMatchObject({ event: 'signed_out', sessionId: adminSession.sessionId });
    expect(member.events.at(-1)).toMatchObject({ event: 'signed_out', sessionId: memberSession.sessionId });
    const after = await portal.call('GET', `/v1/sessions?serverId=${day.serverId}`, {
      token: acme.admin.token,
    });
    expect(after.body.sessions).toEqual([]);
  });

  it('after the Server license has ended, status says the server has lapsed and what it rests on', async () => {
    const untilMs = Date.parse(licenses.server.validUntil);
    const offset = untilMs + 60_000 - Date.now();
    setClock(() => new Date(Date.now() + offset));

    const text = await nexus(['status']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Server ${day.serverId} (nexus-day.example): lapsed`);
    expect(text.stdout).toContain('one administrative connection at a time');

    const json = await nexus(['status', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ serverId: day.serverId, state: 'lapsed' });
    expect(report.serverLicenses).toEqual([
      expect.objectContaining({ licenseId: licenses.server.licenseId, status: 'expired' }),
    ]);
    expect(report.validCals.map((l: any) => l.licenseId)).toEqual([licenses.cal.licenseId]);
  });
});
