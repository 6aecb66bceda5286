// AWS signer: a KMS asymmetric key (ECC_NIST_P256, ECDSA_SHA_256). Only Sign for the current key and GetPublicKey
// (cached for the process: public keys never change) for every published one; verification never calls KMS.
import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { Jwk } from '../../domain/alf.js';
import { derToRaw } from './der.js';
import type { PublicKeySource, Signer } from './port.js';

/**
 * The kid of a KMS key: `kms-<key id>`, from a key id or key ARN. Aliases are refused: an alias can be moved
 * to another key, and a file's kid must name one key forever.
 */
export function kidOfKmsKey(keyIdOrArn: string): string {
  const trimmed = keyIdOrArn.trim();
  const match = /(?:^|:key\/)([A-Za-z0-9-]{1,100})$/.exec(trimmed);
  if (!match?.[1] || trimmed.includes('alias/')) {
    throw new Error(`KMS key "${keyIdOrArn}" must be a key id or key ARN (not an alias) to serve as a kid.`);
  }
  return `kms-${match[1]}`;
}

const KMS_MAX_RAW_MESSAGE = 4096;

export function kmsSigner(client: KMSClient, keyId: string): Signer {
  return {
    keyId: kidOfKmsKey(keyId),
    algorithm: 'ES256',
    async sign(message) {
      // KMS signs at most 4 KB raw; a file is well under 1 KB (every value is short), so no digest is sent.
      if (message.length > KMS_MAX_RAW_MESSAGE)
        throw new RangeError('a .alf payload over 4 KB cannot be signed');
      const result = await client.send(
        new SignCommand({
          KeyId: keyId,
          Message: message,
          MessageType: 'RAW',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      if (!result.Signature) throw new Error('KMS Sign returned no signature');
      return derToRaw(result.Signature, 32);
    },
  };
}

const publicKeyCache = new Map<string, Promise<Jwk>>();

/** Forgets cached public keys (tests). */
export function clearKmsKeyCache(): void {
  publicKeyCache.clear();
}

async function fetchJwk(client: KMSClient, keyId: string): Promise<Jwk> {
  const result = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!result.PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
  if (result.KeySpec && result.KeySpec !== 'ECC_NIST_P256') {
    throw new Error(`KMS key ${keyId} is ${result.KeySpec}; .alf files need ECC_NIST_P256`);
  }
  const jwk = createPublicKey({ key: Buffer.from(result.PublicKey), format: 'der', type: 'spki' }).export({
    format: 'jwk',
  }) as { crv?: string; x?: string; y?: string };
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error(`KMS key ${keyId} is not a P-256 key`);
  return { kid: kidOfKmsKey(keyId), alg: 'ES256', kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

export function kmsPublicKeys(client: KMSClient, keyIds: readonly string[]): PublicKeySource {
  return {
    async publicKeys() {
      return Promise.all(
        keyIds.map((keyId) => {
          let pending = publicKeyCache.get(keyId);
          if (!pending) {
            pending = fetchJwk(client, keyId);
            // A failed fetch is not cached: the next request tries again.
            pending.catch(() => publicKeyCache.delete(keyId));
            publicKeyCache.set(keyId, pending);
          }
          return pending;
        }),
      );
    },
  };
}
