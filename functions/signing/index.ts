// Picks the signing adapter from configuration: KMS in AWS (SIGNING_KMS_KEY_ID, PUBLIC_KMS_KEY_IDS), else local.
import { KMSClient } from '@aws-sdk/client-kms';
import { optionalEnv } from '../runtime/config.js';
import { kmsPublicKeys, kmsSigner } from './kms.js';
import { type LocalKeys, localKeys } from './local.js';
import type { PublicKeySource, Signer } from './port.js';

let kms: KMSClient | null = null;
let local: { file: string | undefined; keys: LocalKeys } | null = null;

function kmsClient(): KMSClient {
  kms ??= new KMSClient({ region: optionalEnv('AWS_REGION') ?? 'us-east-1', maxAttempts: 3 });
  return kms;
}

/** The local key pair: from LOCAL_SIGNING_KEY_FILE (created on first use), else one for this process. */
function localPair(): LocalKeys {
  const file = optionalEnv('LOCAL_SIGNING_KEY_FILE');
  if (!local || local.file !== file) local = { file, keys: localKeys(file) };
  return local.keys;
}

/**
 * KMS is configured when either variable is set; then the other one must be too where it is used. Falling back
 * to a key of the process there would sign files nobody can verify, or publish keys that verify nothing.
 */
function kmsConfigured(): boolean {
  return Boolean(optionalEnv('SIGNING_KMS_KEY_ID') || optionalEnv('PUBLIC_KMS_KEY_IDS'));
}

/** In Lambda a key of the process would vanish with it: only the local runtime and tests may use one. */
function assertLocalKeysAllowed(): void {
  if (optionalEnv('AWS_LAMBDA_FUNCTION_NAME')) {
    throw new Error('SIGNING_KMS_KEY_ID / PUBLIC_KMS_KEY_IDS are not set; set them to the KMS signing key.');
  }
}

/** The signer of new files (the activation and acquisition functions). */
export function currentSigner(): Signer {
  const keyId = optionalEnv('SIGNING_KMS_KEY_ID');
  if (keyId) return kmsSigner(kmsClient(), keyId);
  if (kmsConfigured())
    throw new Error('SIGNING_KMS_KEY_ID is not set; set it to the current KMS signing key.');
  assertLocalKeysAllowed();
  return localPair();
}

/** The published keys (GET /v1/keys, imports): every key listed in PUBLIC_KMS_KEY_IDS, else the local keys. */
export function publishedKeys(): PublicKeySource {
  const ids = optionalEnv('PUBLIC_KMS_KEY_IDS');
  if (ids) {
    const keyIds = ids
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id.length > 0);
    return kmsPublicKeys(kmsClient(), keyIds);
  }
  if (kmsConfigured()) throw new Error('PUBLIC_KMS_KEY_IDS is not set; list every published KMS key in it.');
  assertLocalKeysAllowed();
  return localPair();
}

/** Tests: use these adapters instead of the configured ones; pass null to go back to configuration. */
export function setSigningForTests(adapters: { signer: Signer; keys: PublicKeySource } | null): void {
  override = adapters;
}
let override: { signer: Signer; keys: PublicKeySource } | null = null;

export function signer(): Signer {
  return override?.signer ?? currentSigner();
}

export function keySource(): PublicKeySource {
  return override?.keys ?? publishedKeys();
}
