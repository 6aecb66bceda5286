// NEXUS servers' own credentials (API.md "Server credentials"): what a credential is, and the shape of its secret.
//
// A credential is a random secret a NEXUS server keeps in its configuration instead of a person's password. The
// secret names its credential, `<credentialId>.<random>`, so an exchange finds the credential with one key
// lookup and failures can be counted per credential; it is shown once and stored only as a hash
// (functions/identity/credential-secrets.ts says which and why).

/** The prefix of credential ids (`crd_` + 20 base32 characters, functions/store/ids.ts). */
export const CREDENTIAL_ID_PREFIX = 'crd';

/** Random bytes in a secret after its credential id: 256 bits, written as 43 base64url characters. */
export const SECRET_RANDOM_BYTES = 32;

const SECRET_PATTERN = /^(crd_[a-z2-7]{20})\.([A-Za-z0-9_-]{43})$/;

/** A server credential as stored (never its secret, only the secret's hash). */
export interface Credential {
  credentialId: string;
  accountId: string;
  serverId: string;
  /** ISO time it was created. */
  createdAt: string;
  /** ISO time its secret was last exchanged for a token; null when never. */
  lastUsedAt: string | null;
  /** ISO time it was revoked (DELETE, or its server deleted); null while it may be used. */
  revokedAt: string | null;
}

/** The secret of a credential: `<credentialId>.<random>` (`random`: base64url of SECRET_RANDOM_BYTES bytes). */
export function secretOf(credentialId: string, random: string): string {
  return `${credentialId}.${random}`;
}

/**
 * The credential id a presented secret names, or null when it is not shaped like a secret this portal issues
 * (a garbled secret: 401 like a wrong one, counted only per source address).
 */
export function credentialIdOfSecret(secret: string): string | null {
  return SECRET_PATTERN.exec(secret)?.[1] ?? null;
}

/** What the credential list shows of a credential (API.md: credentialId, createdAt, lastUsedAt). */
export function credentialView(credential: Credential) {
  return {
    credentialId: credential.credentialId,
    createdAt: credential.createdAt,
    lastUsedAt: credential.lastUsedAt,
  };
}
