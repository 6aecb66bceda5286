// The signer port: what issuing a .alf file needs (sign with the current key) and what GET /v1/keys needs.
import type { AlfAlgorithm, Jwk } from '../../domain/alf.js';

export interface Signer {
  /** The id of the current key, written into a file before it is signed. */
  readonly keyId: string;
  readonly algorithm: AlfAlgorithm;
  /** The signature of `message` in the file's form: Ed25519 bytes, or ECDSA P-256 raw r||s (64 bytes). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface PublicKeySource {
  /** Every published key, retired ones included, so files signed before a rotation keep verifying. */
  publicKeys(): Promise<Jwk[]>;
}
