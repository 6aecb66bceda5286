// The HMAC key that signs page tokens, read once per process: locally from the environment, in AWS from Secrets Manager.
//
// Locally the runtime puts the key of <DATA_DIR>/page-token-key (mode 0600) into PAGE_TOKEN_SECRET. In AWS the
// stack creates a Secrets Manager secret and passes its ARN in PAGE_TOKEN_SECRET_ARN; the functions that page
// read it once at cold start (one GetSecretValue) and may read nothing else (docs/deploy.md says why not KMS).
import { secretKeyReader } from './secret-key.js';

let read: (() => Promise<Uint8Array>) | null = null;

/**
 * The page-token HMAC key as bytes. Reads PAGE_TOKEN_SECRET (local) or the secret named by PAGE_TOKEN_SECRET_ARN
 * (AWS) once, and again only when those variables change. Rejects naming both variables when neither is set; a
 * failed read is retried by the next call. (The reader is made on first use, so a bundle that never pages
 * leaves it, and the Secrets Manager client, out.)
 */
export function pageTokenKey(): Promise<Uint8Array> {
  read ??= secretKeyReader({
    localVariable: 'PAGE_TOKEN_SECRET',
    arnVariable: 'PAGE_TOKEN_SECRET_ARN',
    purpose: 'sign page tokens',
  });
  return read();
}
