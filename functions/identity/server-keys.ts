// The two keys of NEXUS servers' own credentials, derived from one server-side secret: the key that hashes
// credential secrets and the key that signs server tokens.
//
// Locally the runtime puts the secret of <DATA_DIR>/server-credential-key (mode 0600) into
// SERVER_CREDENTIAL_SECRET; in AWS the stack passes the ARN of a Secrets Manager secret in
// SERVER_CREDENTIAL_SECRET_ARN (docs/deploy.md says why a secret and not KMS). HKDF-SHA-256 with a label per use
// keeps the two keys apart: a token key never verifies a hash, and the other way round.
import { hkdfSync } from 'node:crypto';
import { secretKeyReader } from '../runtime/secret-key.js';

/** The keys in use: `hash` (HMAC-SHA-256 of credential secrets), `token` (HS256 of server tokens), 32 bytes each. */
export interface ServerKeys {
  hash: Uint8Array;
  token: Uint8Array;
}

let readSecret: (() => Promise<Uint8Array>) | null = null;

/** Derives one 32-byte key for `label` from the secret (HKDF-SHA-256, no salt: the secret is random already). */
function derive(secret: Uint8Array, label: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), `license-portal/${label}`, 32));
}

let derived: { secret: Uint8Array; keys: ServerKeys } | null = null;

/**
 * The server keys of this process: read once (one GetSecretValue per cold start in AWS), derived once per secret.
 * Rejects naming both variables when neither is set. Rotating the secret revokes every credential and token.
 */
export async function serverKeys(): Promise<ServerKeys> {
  // Made on first use, so a bundle that never asks leaves the reader and the Secrets Manager client out.
  readSecret ??= secretKeyReader({
    localVariable: 'SERVER_CREDENTIAL_SECRET',
    arnVariable: 'SERVER_CREDENTIAL_SECRET_ARN',
    purpose: 'hash server credentials and sign server tokens',
  });
  const secret = await readSecret();
  if (derived?.secret !== secret) {
    derived = {
      secret,
      keys: { hash: derive(secret, 'credential-hash/1'), token: derive(secret, 'server-token/1') },
    };
  }
  return derived.keys;
}
