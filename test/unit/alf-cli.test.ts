// `npm run alf -- verify`: exit 0 and what the file grants, or exit 1 and which line and which check failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../../domain/license.js';
import { issueAlf } from '../../functions/signing/issue.js';
import { localKeys } from '../../functions/signing/local.js';

const dir = mkdtempSync(join(tmpdir(), 'alf-cli-'));
const keys = localKeys(undefined);

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/cli/alf.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('alf verify', async () => {
  const license = issueLicense(
    {
      licenseId: 'lic_cli',
      accountId: 'acc_cli',
      product: 'Altium NEXUS Server',
      seats: 2,
      activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
    },
    new Date(),
  );
  const file = await issueAlf(keys, license, { hostId: 'HOST-9' }, new Date());
  const jwks = join(dir, 'keys.json');
  writeFileSync(jwks, JSON.stringify({ keys: await keys.publicKeys() }));
  const good = join(dir, 'good.alf');
  writeFileSync(good, file.alf);

  it('prints what a valid file grants and exits 0', () => {
    const { code, out } = run('verify', good, '--keys', jwks);
    expect(code).toBe(0);
    expect(out).toContain('valid, signed by');
    expect(out).toContain('Altium NEXUS Server (server)');
    expect(out).toContain('HOST-9');
  });

  it('names the line and the check of a tampered file and exits 1', () => {
    const bad = join(dir, 'bad.alf');
    writeFileSync(bad, file.alf.replace('Seats: 2', 'Seats: 3'));
    const { code, out } = run('verify', bad, '--keys', jwks);
    expect(code).toBe(1);
    expect(out).toContain('invalid (signature check, line 12)');
  });

  it('exits 1 with the usage for bad arguments or an unreadable keys file', () => {
    expect(run().code).toBe(1);
    expect(run('verify').out).toContain('usage:');
    expect(run('verify', good, '--keys', join(dir, 'missing.json')).code).toBe(1);
  });
});
