// Issues a signed .alf file: the pure payload from domain/alf.ts, the signature from the signer port.
import { type AlfGrant, alfPayload, alfWithSignature, payloadBytes } from '../../domain/alf.js';
import { licenseFileName } from '../../domain/products.js';
import type { License } from '../../domain/license.js';
import type { Signer } from './port.js';

export interface IssuedFile {
  licenseId: string;
  fileName: string;
  alf: string;
}

/** Signs a file granting `license` to a host; throws AlfValueError (before signing) on an unfit value. */
export async function issueAlf(
  signer: Signer,
  license: License,
  host: { hostId: string; hostName?: string | undefined },
  now: Date,
): Promise<IssuedFile> {
  const grant: AlfGrant = {
    accountId: license.accountId,
    licenseId: license.licenseId,
    activationCode: license.activationCode,
    product: license.product,
    kind: license.kind,
    seats: license.seats,
    validFrom: license.validFrom,
    validUntil: license.validUntil,
    hostId: host.hostId,
    hostName: host.hostName,
    issuedAt: now.toISOString(),
    keyId: signer.keyId,
  };
  const payload = alfPayload(grant);
  const signature = await signer.sign(payloadBytes(payload));
  return {
    licenseId: license.licenseId,
    fileName: licenseFileName(license.product, license.activationCode),
    alf: alfWithSignature(payload, signer.keyId, signature),
  };
}
