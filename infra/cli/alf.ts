// `npm run alf -- verify <file.alf> [--keys <url|jwks file>]`: verifies a license file offline and says what it
// grants, or exactly which line and which check failed. Exit code 0 when valid, 1 otherwise.
import { readFileSync } from 'node:fs';
import { describeVerdict, type Jwk, verifyAlf } from '../../domain/alf.js';

const USAGE = `usage: npm run alf -- verify <file.alf> [--keys <url or JWKS file>]
  --keys  where the published keys are: a URL (e.g. http://127.0.0.1:9780/v1/keys) or a JSON file with
          {"keys":[...]} as GET /v1/keys answers. Default: http://127.0.0.1:\${PORT:-9780}/v1/keys.`;

function parseArgs(argv: string[]): { file: string; keys: string } | null {
  const [command, ...rest] = argv;
  if (command !== 'verify') return null;
  let file: string | undefined;
  let keys = `http://127.0.0.1:${process.env.PORT || 9780}/v1/keys`;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--keys') {
      const value = rest[++i];
      if (!value) return null;
      keys = value;
    } else if (arg && !arg.startsWith('--') && !file) {
      file = arg;
    } else {
      return null;
    }
  }
  return file ? { file, keys } : null;
}

function isJwk(value: unknown): value is Jwk {
  const key = value as Record<string, unknown>;
  if (typeof key?.kid !== 'string' || typeof key.x !== 'string') return false;
  if (key.alg === 'EdDSA') return key.kty === 'OKP' && key.crv === 'Ed25519';
  return key.alg === 'ES256' && key.kty === 'EC' && key.crv === 'P-256' && typeof key.y === 'string';
}

async function loadKeys(source: string): Promise<Jwk[]> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`GET ${source} answered ${response.status}`);
    text = await response.text();
  } else {
    text = readFileSync(source, 'utf8');
  }
  const parsed = JSON.parse(text) as { keys?: unknown };
  if (!Array.isArray(parsed.keys)) throw new Error(`${source} has no "keys" list`);
  return parsed.keys.filter(isJwk);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.error(USAGE);
    return 1;
  }
  let bytes: Uint8Array;
  let keys: Jwk[];
  try {
    bytes = readFileSync(args.file);
  } catch (error) {
    console.error(`cannot read ${args.file}: ${(error as Error).message}`);
    return 1;
  }
  try {
    keys = await loadKeys(args.keys);
  } catch (error) {
    console.error(`cannot load the public keys from ${args.keys}: ${(error as Error).message}`);
    return 1;
  }
  const verdict = verifyAlf(bytes, keys);
  if (!verdict.valid) {
    console.log(`${args.file}: ${describeVerdict(verdict)}`);
    return 1;
  }
  const g = verdict.grant;
  console.log(`${args.file}: valid, signed by ${g.keyId} (${verdict.algorithm})`);
  const rows: [string, string][] = [
    ['Account', g.accountId],
    ['License', g.licenseId],
    ['Activation code', g.activationCode],
    ['Product', `${g.product} (${g.kind})`],
    ['Seats', String(g.seats)],
    ['Valid', `${g.validFrom} to ${g.validUntil}`],
    ['Host', g.hostName ? `${g.hostId} (${g.hostName})` : g.hostId],
    ['Issued', g.issuedAt],
  ];
  for (const [name, value] of rows) console.log(`  ${name.padEnd(16)}${value}`);
  const now = Date.now();
  if (now >= Date.parse(g.validUntil)) console.log('  Note: the license term has ended.');
  else if (now < Date.parse(g.validFrom)) console.log('  Note: the license term has not started yet.');
  return 0;
}

// Piped into `head` and the like: a closed stdout is not an error of the verification.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = await main();
