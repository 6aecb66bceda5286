// The installer the two commands run (scripts/install-system-deps.sh), on a PATH of fakes: it installs only
// what is missing, only from apt-get, and says what to do where it cannot. No root and no network needed.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/install-system-deps.sh');
let bin: string;

/** A PATH holding bash and env (the script's only outside tools besides apt-get) and the given fakes. */
function fakePath(commands: string[], aptGet: boolean): string {
  bin = mkdtempSync(join(tmpdir(), 'deps-bin-'));
  for (const tool of ['bash', 'env']) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(found, join(bin, tool));
  }
  for (const command of commands) fake(command, 'exit 0');
  if (aptGet) {
    // Logs its arguments; "installing" a package puts the command it provides on PATH, as Debian's would.
    fake(
      'apt-get',
      `echo "$*" >> "${bin}/apt.log"
for word in "$@"; do
  case "$word" in
    openjdk-17-jre-headless) printf '#!/bin/sh\\n' > "${bin}/java"; /bin/chmod +x "${bin}/java" ;;
    chromium) printf '#!/bin/sh\\n' > "${bin}/chromium"; /bin/chmod +x "${bin}/chromium" ;;
    spin) printf '#!/bin/sh\\n' > "${bin}/spin"; /bin/chmod +x "${bin}/spin" ;;
  esac
done`,
    );
  }
  return bin;
}

function fake(name: string, body: string): void {
  writeFileSync(join(bin, name), `#!${join(bin, 'bash')}\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

function run(profile: string, path: string) {
  return spawnSync(join(path, 'bash'), [SCRIPT, profile], { encoding: 'utf8', env: { PATH: path } });
}

const aptCalls = () => (existsSync(join(bin, 'apt.log')) ? readFileSync(join(bin, 'apt.log'), 'utf8') : '');

afterEach(() => rmSync(bin, { recursive: true, force: true }));

describe('scripts/install-system-deps.sh', () => {
  it('does nothing and prints nothing when every tool is present', () => {
    const path = fakePath(['java', 'chromium', 'spin'], true);
    const result = run('test', path);
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
    expect(aptCalls()).toBe('');
  });

  it('installs only what is missing for npm test: Chromium and its fonts when Java and Spin are there', () => {
    const path = fakePath(['java', 'spin'], true);
    const result = run('test', path);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('chromium was not found');
    expect(result.stdout).toContain('installing chromium fonts-liberation with apt-get');
    expect(aptCalls()).toBe('update -qq\ninstall -y -qq --no-install-recommends chromium fonts-liberation\n');
  });

  it('installs Spin and gcc for npm test when Spin is missing (the seat-protocol proof)', () => {
    const path = fakePath(['java', 'chromium'], true);
    const result = run('test', path);
    expect(result.status, result.stderr).toBe(0);
    expect(aptCalls()).toBe('update -qq\ninstall -y -qq --no-install-recommends spin gcc\n');
  });

  it('installs only Java for npm start, whatever else is missing', () => {
    const path = fakePath([], true);
    const result = run('start', path);
    expect(result.status, result.stderr).toBe(0);
    expect(aptCalls()).toContain('install -y -qq --no-install-recommends openjdk-17-jre-headless\n');
    expect(aptCalls()).not.toContain('chromium');
  });

  it('says what to install, and fails, where there is no apt-get', () => {
    const path = fakePath([], false);
    const result = run('start', path);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('java was not found (DynamoDB Local runs on Java 17+)');
    expect(result.stderr).toContain('install openjdk-17-jre-headless');
  });

  it('fails when the command is still missing after apt-get', () => {
    const path = fakePath([], true);
    fake('apt-get', 'exit 0');
    const result = run('start', path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('java is still not on PATH');
  });

  it('refuses an unknown profile', () => {
    const path = fakePath([], true);
    expect(run('deploy', path).status).toBe(2);
  });
});
