// Signing benchmarks: .alf signatures and verifications per second (Ed25519, ES256), and the activation route's
// in-process overhead (handler, validation, signing) with DynamoDB mocked out, so the engine's time is not in it.
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { type Jwk, verifyAlf } from '../domain/alf.js';
import { TOKEN_LIFETIME_SECONDS } from '../domain/identity.js';
import { issueLicense } from '../domain/license.js';
import { resetConfig } from '../functions/runtime/config.js';
import { derToRaw } from '../functions/signing/der.js';
import { setSigningForTests } from '../functions/signing/index.js';
import { issueAlf } from '../functions/signing/issue.js';
import { localKeys } from '../functions/signing/local.js';
import type { Signer } from '../functions/signing/port.js';
import { keys } from '../functions/store/keys.js';

const now = new Date();
const license = issueLicense(
  {
    licenseId: 'lic_bench',
    accountId: 'acc_bench',
    product: 'Altium NEXUS Server CAL',
    seats: 50,
    activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
  },
  now,
);

/** Runs fn for about `ms` milliseconds and reports operations per second and latency percentiles. */
async function measure(fn: () => Promise<unknown> | unknown, ms = 1500) {
  for (let i = 0; i < 50; i++) await fn(); // warm-up
  const times: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const total = times.reduce((a, b) => a + b, 0);
  const pick = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return {
    opsPerSecond: Math.round((times.length / total) * 1000),
    p50ms: Number(pick(0.5).toFixed(3)),
    p99ms: Number(pick(0.99).toFixed(3)),
    runs: times.length,
  };
}

/** An ES256 signer that does what the KMS adapter does after KMS answers: DER to raw r||s. */
function es256Signer(): { signer: Signer; jwk: Jwk } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  return {
    signer: {
      keyId: 'es-bench',
      algorithm: 'ES256',
      sign: async (message) =>
        derToRaw(cryptoSign('sha256', message, { key: privateKey, dsaEncoding: 'der' })),
    },
    jwk: { kid: 'es-bench', alg: 'ES256', kty: 'EC', crv: 'P-256', x, y },
  };
}

export async function run(): Promise<void> {
  const ed = localKeys(undefined);
  const edKeys = await ed.publicKeys();
  const es = es256Signer();
  const edFile = (await issueAlf(ed, license, { hostId: 'HOST' }, now)).alf;
  const esFile = (await issueAlf(es.signer, license, { hostId: 'HOST' }, now)).alf;

  const rows: Record<string, Awaited<ReturnType<typeof measure>>> = {
    'issue .alf, Ed25519 (local key)': await measure(() => issueAlf(ed, license, { hostId: 'HOST' }, now)),
    'issue .alf, ES256 (sign + DER->raw; KMS adds its network time)': await measure(() =>
      issueAlf(es.signer, license, { hostId: 'HOST' }, now),
    ),
    'verify .alf, Ed25519': await measure(() => verifyAlf(edFile, edKeys)),
    'verify .alf, ES256': await measure(() => verifyAlf(esFile, [es.jwk])),
  };

  // The activation route in process: middy stack, auth, zod validation, license read, signing, the write.
  process.env.TABLE_NAME = 'bench';
  resetConfig();
  setSigningForTests({ signer: ed, keys: ed });
  const ddb = mockClient(DynamoDBDocumentClient);
  ddb.on(GetCommand).resolves({ Item: { ...license } });
  ddb.on(PutCommand).resolves({});
  // The identity read (the administrator and the account, as stored) and the activation limit's counter.
  ddb.on(BatchGetCommand).resolves({
    Responses: {
      bench: [
        {
          ...keys.user(license.accountId, 'usr_b'),
          userId: 'usr_b',
          accountId: license.accountId,
          admin: true,
        },
        { ...keys.account(license.accountId), accountId: license.accountId },
      ],
    },
  });
  ddb
    .on(UpdateCommand)
    .resolves({ Attributes: { count: 1, windowEnd: Math.floor(Date.now() / 1000) + 3600 } });
  const { handler } = await import('../functions/handlers/activations.js');
  const issuedAt = Math.floor(Date.now() / 1000);
  const event = {
    routeKey: 'POST /v1/licenses/{licenseId}/activations',
    rawPath: `/v1/licenses/${license.licenseId}/activations`,
    pathParameters: { licenseId: license.licenseId },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hostId: 'HOST-1', hostName: 'bench' }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'bench',
      authorizer: {
        jwt: {
          claims: {
            sub: 'usr_b',
            account: license.accountId,
            iat: String(issuedAt),
            exp: String(issuedAt + TOKEN_LIFETIME_SECONDS),
          },
        },
      },
    },
  } as never;
  const first = await handler(event, {} as never);
  if (first.statusCode !== 201)
    throw new Error(`activation bench answered ${first.statusCode}: ${first.body}`);
  rows['POST /v1/licenses/{id}/activations in process (DynamoDB mocked)'] = await measure(() =>
    handler(event, {} as never),
  );
  ddb.restore();
  setSigningForTests(null);

  console.table(rows);
}
