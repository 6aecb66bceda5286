// `npm run nexus`: the command line's parsing (secrets never taken from it nor echoed), its exit codes (0 done,
// 1 refused or unreachable, 2 bad usage), the state file, and token renewal, against a fake portal.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVERY_SECONDS, DEFAULT_LICENSE_DIR, parseCommandLine } from '../../infra/cli/nexus/args.js';
import { safeFileName } from '../../infra/cli/nexus/commands.js';
import { main } from '../../infra/cli/nexus/main.js';
import { type Io, table } from '../../infra/cli/nexus/output.js';
import { nextHeartbeatMs } from '../../infra/cli/nexus/signin.js';
import { applyKeys } from '../../infra/cli/nexus/terminal.js';
import { isLicenseFileName } from '../../infra/cli/nexus/watch.js';

const dir = mkdtempSync(join(tmpdir(), 'nexus-unit-'));
let files = 0;
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const URL_ = 'http://portal.test:9780';
const env = { HOME: '/home/nexus' };

function parse(...argv: string[]) {
  return parseCommandLine(argv, env);
}

function problem(...argv: string[]): string {
  const parsed = parse(...argv);
  if (parsed.ok) throw new Error(`${argv.join(' ')} parsed`);
  return parsed.message;
}

describe('parsing the command line', () => {
  it('reads each command with its options, wherever the global ones stand', () => {
    expect(parse('licenses', '--product', 'cal', '--valid-only')).toEqual({
      ok: true,
      command: { name: 'licenses', product: 'cal', validOnly: true },
      global: {
        url: undefined,
        statePath: '/home/nexus/.local/state/nexus-license-portal/nexus.json',
        json: false,
      },
    });
    const parsed = parse('--url', 'http://x.test:1', 'acquire', 'lic_a', 'lic_b', 'lic_a', '--json');
    expect(parsed).toMatchObject({
      ok: true,
      command: { name: 'acquire', licenseIds: ['lic_a', 'lic_b'], dir: DEFAULT_LICENSE_DIR },
      global: { url: 'http://x.test:1', json: true },
    });
    expect(parse('watch', 'folder')).toMatchObject({
      command: { name: 'watch', folder: 'folder', everySeconds: DEFAULT_EVERY_SECONDS },
    });
    expect(parse('watch', 'folder', '--every', '0.5')).toMatchObject({ command: { everySeconds: 0.5 } });
    expect(parse('signin', 'usr_1', 'PC-1')).toMatchObject({
      command: {
        name: 'signin',
        userId: 'usr_1',
        machineId: 'PC-1',
        client: 'browser',
        heartbeatSeconds: undefined,
      },
    });
    expect(parse('signin', 'usr_1', 'PC-1', '--client', 'design_client', '--heartbeat', '30')).toMatchObject({
      command: { client: 'design_client', heartbeatSeconds: 30 },
    });
    expect(parse('login', '--user', 'admin@example.com')).toMatchObject({
      command: { name: 'login-user', email: 'admin@example.com' },
    });
    expect(parse('login', '--secret', '--save-secret')).toMatchObject({
      command: { name: 'login-secret', saveSecret: true },
    });
    expect(parse('--help')).toMatchObject({ ok: true, command: { name: 'help' } });
    expect(parse('status', '--help')).toMatchObject({ ok: true, command: { name: 'help' } });
  });

  it('takes the portal and the state file from the environment, the options first', () => {
    const fromEnv = { ...env, NEXUS_PORTAL_URL: 'http://env.test', NEXUS_STATE: '/tmp/s.json' };
    expect(parseCommandLine(['status'], fromEnv)).toMatchObject({
      global: { url: 'http://env.test', statePath: '/tmp/s.json' },
    });
    expect(
      parseCommandLine(['status', '--url', 'http://opt.test', '--state', '/tmp/o.json'], fromEnv),
    ).toMatchObject({ global: { url: 'http://opt.test', statePath: '/tmp/o.json' } });
    expect(parseCommandLine(['status'], { HOME: '/h', XDG_STATE_HOME: '/x' })).toMatchObject({
      global: { statePath: '/x/nexus-license-portal/nexus.json' },
    });
  });

  it('refuses what is wrong, saying what is expected', () => {
    expect(problem()).toContain('a command is missing');
    expect(problem('lisences')).toContain('there is no command "lisences"');
    expect(problem('licenses', '--produkt', 'x')).toContain('licenses has no option --produkt');
    expect(problem('licenses', '--product')).toContain('--product needs a value');
    expect(problem('register')).toContain('register needs <hostName>');
    expect(problem('signin', 'usr_1')).toContain('signin needs <userId> <machineId>');
    expect(problem('signin', 'usr_1', 'PC', '--client', 'phone')).toContain(
      '--client is browser or design_client',
    );
    expect(problem('signin', 'usr_1', 'PC', '--heartbeat', '0')).toContain('--heartbeat needs a number');
    expect(problem('watch', 'f', '--every', '0')).toContain('--every needs a number of seconds');
    expect(problem('watch', 'f', '--every', 'hourly')).toContain('--every needs a number of seconds');
    expect(problem('login')).toContain('exactly one of --user <email> or --secret');
    expect(problem('login', '--user', 'a@b.c', '--secret')).toContain('exactly one of');
    expect(problem('login', '--user', 'admin')).toContain('administrator’s email');
    expect(problem('status', '--url', 'ftp://x')).toContain('--url must be an http(s) URL');
  });

  it('never takes a secret or a password from the command line, nor repeats one typed there', () => {
    for (const argv of [
      ['login', '--secret', 'crd_1.s3cr3t-value'],
      ['login', '--secret=crd_1.s3cr3t-value'],
      ['login', '--user', 'a@b.c', '--password', 's3cr3t-value'],
      ['login', '--user', 'a@b.c', '--password=s3cr3t-value'],
      ['register', 'host', 's3cr3t-value'],
    ]) {
      const message = problem(...argv);
      expect(message).not.toContain('s3cr3t');
      if (argv[0] === 'login') expect(message).toMatch(/never (read )?from the command line/);
    }
  });
});

interface Fake {
  io: Io;
  out: string[];
  err: string[];
  requests: { method: string; path: string; body: string; authorization: string | null }[];
  statePath: string;
}

/** A command line against a fake portal: `answer` gives each request's status and JSON body. */
function fake(
  answer: (method: string, path: string, body: string) => { status: number; body?: unknown } | Error,
  extraEnv: Record<string, string> = {},
): Fake {
  const statePath = join(dir, `state-${++files}`, 'nexus.json');
  const out: string[] = [];
  const err: string[] = [];
  const requests: Fake['requests'] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { ...env, NEXUS_STATE: statePath, NEXUS_PORTAL_URL: URL_, ...extraEnv },
    async fetch(request) {
      const url = new URL(request.url);
      const body = await request.text();
      requests.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        body,
        authorization: request.headers.get('authorization'),
      });
      const result = answer(request.method, url.pathname, body);
      if (result instanceof Error) throw result;
      return new Response(result.body === undefined ? null : JSON.stringify(result.body), {
        status: result.status,
        headers: { 'content-type': 'application/json' },
      });
    },
    readSecret: async () => {
      throw new Error('no terminal in tests');
    },
    onStop: () => () => {},
    nowMs: () => NOW,
  };
  return { io, out, err, requests, statePath };
}

/** `f` with its state file holding `state`. */
function withState(f: Fake, state: unknown): Fake {
  mkdirSync(join(f.statePath, '..'), { recursive: true });
  writeFileSync(f.statePath, JSON.stringify(state));
  return f;
}

const LICENSE = {
  licenseId: 'lic_1',
  accountId: 'acc_1',
  product: 'Altium NEXUS Server CAL',
  kind: 'cal',
  seats: 10,
  used: 2,
  activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  status: 'valid',
};

const portalError = (status: number, code: string, message: string) => ({
  status,
  body: { error: { code, message } },
});

describe('exit codes and messages', () => {
  it('0 with the usage for --help; 2 for bad usage, as JSON on stderr with --json', async () => {
    const f = fake(() => ({ status: 500 }));
    expect(await main(['--help'], f.io)).toBe(0);
    expect(f.out.join('\n')).toContain('usage: npm run nexus -- <command>');
    expect(await main(['lisences'], f.io)).toBe(2);
    expect(f.err.at(-1)).toContain('there is no command "lisences"');
    expect(await main(['lisences', '--json'], f.io)).toBe(2);
    expect(JSON.parse(f.err.at(-1) ?? '')).toMatchObject({ error: { code: 'usage' } });
    expect(f.requests).toEqual([]);
  });

  it('2 and what to run first when the server has not signed in, without asking the portal', async () => {
    const f = fake(() => ({ status: 500 }));
    expect(await main(['licenses'], f.io)).toBe(2);
    expect(f.err.join('\n')).toMatch(
      /not signed in as a NEXUS server yet[\s\S]*register <hostName>[\s\S]*login --secret/,
    );
    expect(await main(['register', 'host'], f.io)).toBe(2);
    expect(f.err.join('\n')).toContain('login --user <administrator email>');
    expect(await main(['import', join(dir, 'missing.alf')], f.io)).toBe(2);
    expect(f.err.at(-1)).toContain('ENOENT');
    expect(f.requests).toEqual([]);
  });

  it('login --user: the password from NEXUS_PASSWORD; the token kept in a 0600 file, the password nowhere', async () => {
    const f = fake(
      (method, path) =>
        method === 'POST' && path === '/v1/auth/token'
          ? { status: 200, body: { accessToken: 'admin-token', tokenType: 'Bearer', expiresIn: 3600 } }
          : { status: 404 },
      { NEXUS_PASSWORD: 'correct-horse-battery' },
    );
    expect(await main(['login', '--user', 'admin@example.com', '--json'], f.io)).toBe(0);
    expect(JSON.parse(f.requests[0]?.body ?? '')).toEqual({
      username: 'admin@example.com',
      password: 'correct-horse-battery',
    });
    expect(JSON.parse(f.out[0] ?? '')).toEqual({
      email: 'admin@example.com',
      expiresAt: new Date(NOW + 3600_000).toISOString(),
    });
    expect(statSync(f.statePath).mode & 0o777).toBe(0o600);
    const state = readFileSync(f.statePath, 'utf8');
    expect(state).toContain('admin-token');
    expect(state).not.toContain('correct-horse-battery');
    expect(JSON.parse(state).url).toBe(URL_);
  });

  it('1 with the portal’s message and a hint when the portal refuses', async () => {
    const f = fake(() => portalError(401, 'unauthorized', 'Wrong email or password.'), {
      NEXUS_PASSWORD: 'nope-nope-nope',
    });
    expect(await main(['login', '--user', 'admin@example.com'], f.io)).toBe(1);
    expect(f.err).toEqual([
      `Signing in admin@example.com at ${URL_} ...`,
      'error: Wrong email or password. (unauthorized, HTTP 401)',
      'Check the email and the password (NEXUS_PASSWORD, or type it at the prompt).',
    ]);
    expect(f.err.join('\n')).not.toContain('nope-nope-nope');
  });

  it('1 and what to check when the portal cannot be reached', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const f = fake(() => refused, { NEXUS_PASSWORD: 'x' });
    expect(await main(['login', '--user', 'admin@example.com', '--json'], f.io)).toBe(1);
    expect(JSON.parse(f.err.at(-1) ?? '')).toEqual({
      error: {
        code: 'network_error',
        message: `cannot reach the portal at ${URL_} (ECONNREFUSED).`,
        hint: 'Check that it runs (`npm start`) and the URL (--url or NEXUS_PORTAL_URL).',
      },
    });
  });

  it('2 for a state file of another portal: its tokens are never sent elsewhere', async () => {
    const f = withState(
      fake(() => ({ status: 200, body: {} })),
      {
        version: 1,
        url: 'http://other.test',
        server: { serverId: 'srv_1' },
        serverToken: {
          accessToken: 't',
          expiresAt: new Date(NOW + 3600_000).toISOString(),
          serverId: 'srv_1',
        },
      },
    );
    expect(await main(['status'], f.io)).toBe(2);
    expect(f.err.join('\n')).toContain('belongs to the portal at http://other.test');
    expect(f.requests).toEqual([]);
  });

  it('renews an expiring server token from NEXUS_SERVER_SECRET before the request, and keeps the new one', async () => {
    const f = withState(
      fake(
        (method, path) => {
          if (method === 'POST' && path === '/v1/auth/server-token') {
            return {
              status: 200,
              body: { accessToken: 'fresh', tokenType: 'Bearer', expiresIn: 3600, serverId: 'srv_1' },
            };
          }
          return { status: 200, body: { licenses: [LICENSE], nextToken: null } };
        },
        { NEXUS_SERVER_SECRET: 'crd_1.secret' },
      ),
      {
        version: 1,
        url: URL_,
        server: { serverId: 'srv_1', hostName: 'nexus-01' },
        // Within the renewal margin: the keeper asks for a new one first.
        serverToken: {
          accessToken: 'stale',
          expiresAt: new Date(NOW + 30_000).toISOString(),
          serverId: 'srv_1',
        },
      },
    );
    expect(await main(['licenses', '--product', 'CAL', '--valid-only'], f.io)).toBe(0);
    expect(f.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['POST', '/v1/auth/server-token', null],
      ['GET', '/v1/licenses?limit=100&product=CAL&validOnly=true', 'Bearer fresh'],
    ]);
    expect(JSON.parse(f.requests[0]?.body ?? '')).toEqual({ secret: 'crd_1.secret' });
    const state = JSON.parse(readFileSync(f.statePath, 'utf8'));
    expect(state.serverToken).toMatchObject({ accessToken: 'fresh', serverId: 'srv_1' });
    expect(state.server).toEqual({ serverId: 'srv_1', hostName: 'nexus-01' });
    expect(JSON.stringify(state)).not.toContain('crd_1.secret');
    expect(f.out[0]).toMatch(/^LICENSE +PRODUCT/);
    expect(f.out[1]).toMatch(/^lic_1 +Altium NEXUS Server CAL +cal +10 +2 +2027-01-01 00:00 +valid +NX-AAAA/);
  });

  it('1 with the portal’s words when a sign-in is refused (user_disabled, server_unlicensed, seats_exhausted)', async () => {
    const refusals = [
      portalError(403, 'user_disabled', 'This user is disabled; an administrator can enable it.'),
      portalError(403, 'server_unlicensed', 'This server holds no valid Server license; nobody may sign in.'),
      portalError(
        409,
        'seats_exhausted',
        'Every seat of the CALs for role Designers is taken; an administrator can free one.',
      ),
    ];
    for (const refusal of refusals) {
      const f = withState(
        fake((method, path) =>
          method === 'POST' && path === '/v1/servers/srv_1/sessions' ? refusal : { status: 500 },
        ),
        {
          version: 1,
          url: URL_,
          serverToken: {
            accessToken: 't',
            expiresAt: new Date(NOW + 3600_000).toISOString(),
            serverId: 'srv_1',
          },
        },
      );
      expect(await main(['signin', 'usr_1', 'PC-1'], f.io)).toBe(1);
      expect(f.err).toContain(
        `error: ${refusal.body.error.message} (${refusal.body.error.code}, HTTP ${refusal.status})`,
      );
    }
  });

  it('2 and login --secret when the server token expired and no secret is at hand', async () => {
    const f = withState(
      fake(() => ({ status: 500 })),
      {
        version: 1,
        url: URL_,
        serverToken: { accessToken: 'old', expiresAt: new Date(NOW - 1000).toISOString(), serverId: 'srv_1' },
      },
    );
    expect(await main(['status'], f.io)).toBe(2);
    expect(f.err.join('\n')).toMatch(/server token expired[\s\S]*login --secret/);
    expect(f.requests).toEqual([]);
  });

  it('login --secret keeps the secret only with --save-secret; register forgets an old server’s token', async () => {
    const answer = (method: string, path: string) => {
      if (path === '/v1/auth/server-token') {
        return {
          status: 200,
          body: { accessToken: 'srv-token', tokenType: 'Bearer', expiresIn: 3600, serverId: 'srv_9' },
        };
      }
      if (path === '/v1/servers') return { status: 201, body: { serverId: 'srv_10', hostName: 'new-host' } };
      if (path === '/v1/servers/srv_10/credentials') {
        return {
          status: 201,
          body: {
            credentialId: 'crd_10',
            secret: 'crd_10.shown-once',
            createdAt: '2026-06-01T12:00:00.000Z',
          },
        };
      }
      return { status: method === 'POST' ? 500 : 404 };
    };
    const f = fake(answer, { NEXUS_SERVER_SECRET: 'crd_9.kept' });
    expect(await main(['login', '--secret', '--save-secret'], f.io)).toBe(0);
    expect(JSON.parse(readFileSync(f.statePath, 'utf8'))).toMatchObject({
      secret: 'crd_9.kept',
      server: { serverId: 'srv_9' },
    });
    expect(await main(['login', '--secret'], f.io)).toBe(0);
    expect(JSON.parse(readFileSync(f.statePath, 'utf8')).secret).toBeUndefined();

    withState(f, {
      ...JSON.parse(readFileSync(f.statePath, 'utf8')),
      admin: { email: 'a@b.c', accessToken: 'adm', expiresAt: new Date(NOW + 600_000).toISOString() },
    });
    expect(await main(['register', 'new-host', '--json'], f.io)).toBe(0);
    expect(JSON.parse(f.out.at(-1) ?? '')).toMatchObject({ serverId: 'srv_10', secret: 'crd_10.shown-once' });
    const state = JSON.parse(readFileSync(f.statePath, 'utf8'));
    expect(state.server).toEqual({ serverId: 'srv_10', hostName: 'new-host' });
    expect(state.serverToken).toBeUndefined();
    expect(JSON.stringify(state)).not.toContain('shown-once');
  });
});

describe('helpers', () => {
  it('heartbeats at half the remaining time, or every --heartbeat seconds, never under a second', () => {
    const expiresAt = new Date(NOW + 600_000).toISOString();
    expect(nextHeartbeatMs(expiresAt, NOW)).toBe(300_000);
    expect(nextHeartbeatMs(expiresAt, NOW, 20)).toBe(20_000);
    expect(nextHeartbeatMs(new Date(NOW - 5000).toISOString(), NOW)).toBe(1000);
    expect(nextHeartbeatMs(new Date(NOW + 1e11).toISOString(), NOW)).toBe(2 ** 31 - 1);
  });

  it('reads a hidden line: Enter ends, Backspace erases, Ctrl-C cancels', () => {
    expect(applyKeys('', 'abc')).toEqual({ kind: 'text', value: 'abc' });
    expect(applyKeys('abc', '\u007f')).toEqual({ kind: 'text', value: 'ab' });
    expect(applyKeys('ab', '\r')).toEqual({ kind: 'done', value: 'ab' });
    // A paste: the text and Enter in one chunk.
    expect(applyKeys('', 'pasted-secretX\u007f\r\n')).toEqual({ kind: 'done', value: 'pasted-secret' });
    expect(applyKeys('ab', '\u0003')).toEqual({ kind: 'cancel' });
    expect(applyKeys('', '\u0004')).toEqual({ kind: 'cancel' });
    expect(applyKeys('a', '\u001b')).toEqual({ kind: 'text', value: 'a' });
  });

  it('writes only plain file names the portal gives, and watches only .alf files', () => {
    expect(safeFileName('Altium Nexus Server License NX-1 R10 Primary.alf')).toBe(
      'Altium Nexus Server License NX-1 R10 Primary.alf',
    );
    for (const bad of ['../x.alf', '/etc/x.alf', 'a/b.alf', 'a\\b.alf', '..', '', 'x\n.alf']) {
      expect(safeFileName(bad)).toBeNull();
    }
    expect(isLicenseFileName('A License.ALF')).toBe(true);
    expect(isLicenseFileName('.A License.alf.123.part')).toBe(false);
    expect(isLicenseFileName('notes.txt')).toBe(false);
  });

  it('pads table columns to their widest cell', () => {
    expect(table(['A', 'BB'], [['long', 'x']])).toEqual(['A     BB', 'long  x']);
  });
});
