// Secrets of NEXUS servers' credentials: made from random bytes, stored only as an HMAC-SHA-256 with a
// server-side key, compared in constant time.
//
// Why HMAC and not scrypt (docs/deploy.md): a secret carries 256 random bits, so a slow hash adds nothing against
// guessing (nobody can try 2^255 secrets, however fast the hash), while scrypt would spend ~100 ms of CPU on every
// exchange of a public route, an easy lever to tire the functions out. The server-side key means a copy of the
// table alone (a backup, an export) cannot even tell whether a guessed secret is right.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SECRET_RANDOM_BYTES, secretOf } from '../../domain/credentials.js';

/** A new secret for `credentialId`: `<credentialId>.<43 base64url characters>` (256 random bits). */
export function newSecret(credentialId: string): string {
  return secretOf(credentialId, randomBytes(SECRET_RANDOM_BYTES).toString('base64url'));
}

/** The stored form of a secret: HMAC-SHA-256 under the hash key, base64url. The whole secret is covered. */
export function hashSecret(hashKey: Uint8Array, secret: string): string {
  return createHmac('sha256', hashKey).update(secret, 'utf8').digest('base64url');
}

/** Compared against when no credential was found, so a wrong id costs the same work as a wrong secret. */
const NO_HASH = 'A'.repeat(43);

/**
 * Whether `secret` is the one `storedHash` was made from (null: no usable credential; then false, after the same
 * work). Constant time in the secret: both sides are 32-byte MACs compared with timingSafeEqual.
 */
export function secretMatches(hashKey: Uint8Array, secret: string, storedHash: string | null): boolean {
  const given = Buffer.from(hashSecret(hashKey, secret));
  const expected = Buffer.from(storedHash ?? NO_HASH);
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  return same && storedHash !== null;
}
