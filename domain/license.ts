// Licenses: issuing, calendar-month terms, status at a given time, renewal and activation codes.
import { LicenseExpiredError } from './errors.js';
import { type LicenseKind, kindOf, type Product } from './products.js';
import { addCalendarMonths } from './time.js';

export const DEFAULT_TERM_MONTHS = 12;
export const MAX_TERM_MONTHS = 120;

export type LicenseStatus = 'valid' | 'expired' | 'not_yet_valid';

export interface License {
  licenseId: string;
  accountId: string;
  product: Product;
  kind: LicenseKind;
  seats: number;
  /** Seats counted as held now: servers for a Server license, sessions for a CAL or client license. */
  used: number;
  activationCode: string;
  validFrom: string;
  validUntil: string;
}

export interface IssueLicenseInput {
  licenseId: string;
  accountId: string;
  product: Product;
  seats: number;
  activationCode: string;
  validFrom?: string;
  termMonths?: number;
}

export function issueLicense(input: IssueLicenseInput, now: Date): License {
  const validFrom = input.validFrom ? new Date(input.validFrom) : now;
  const validUntil = addCalendarMonths(validFrom, input.termMonths ?? DEFAULT_TERM_MONTHS);
  return {
    licenseId: input.licenseId,
    accountId: input.accountId,
    product: input.product,
    kind: kindOf(input.product),
    seats: input.seats,
    used: 0,
    activationCode: input.activationCode,
    validFrom: validFrom.toISOString(),
    validUntil: validUntil.toISOString(),
  };
}

/** valid iff validFrom <= now < validUntil. */
export function licenseStatus(license: Pick<License, 'validFrom' | 'validUntil'>, now: Date): LicenseStatus {
  const t = now.getTime();
  if (t < Date.parse(license.validFrom)) return 'not_yet_valid';
  if (t >= Date.parse(license.validUntil)) return 'expired';
  return 'valid';
}

export function isValidAt(license: Pick<License, 'validFrom' | 'validUntil'>, now: Date): boolean {
  return licenseStatus(license, now) === 'valid';
}

/** A renewal extends the same license from its validUntil, or from now if that has already passed. */
export function renewedValidUntil(
  license: Pick<License, 'validUntil'>,
  termMonths: number,
  now: Date,
): string {
  const end = new Date(license.validUntil);
  const base = end.getTime() > now.getTime() ? end : now;
  return addCalendarMonths(base, termMonths).toISOString();
}

/** Crockford base32 without I, L, O, U: easy to read aloud and type from a printed file. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A human-readable activation code, e.g. "NX-7K3Q-9PMD-22XW-HT4B", from 16 random bytes. */
export function formatActivationCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < 16) throw new RangeError('an activation code needs 16 random bytes');
  const chars: string[] = [];
  for (let i = 0; i < 16; i++) chars.push(CODE_ALPHABET[(randomBytes[i] ?? 0) % 32] ?? '0');
  const groups = [0, 4, 8, 12].map((start) => chars.slice(start, start + 4).join(''));
  return `NX-${groups.join('-')}`;
}

export function withStatus(license: License, now: Date): License & { status: LicenseStatus } {
  return { ...license, status: licenseStatus(license, now) };
}

/**
 * Why a server cannot acquire this license now, or null when it can: expired, or not started yet (API.md
 * names one code, license_expired, for both; the message says which).
 */
export function acquisitionRefusal(license: License, now: Date): LicenseExpiredError | null {
  const status = licenseStatus(license, now);
  if (status === 'not_yet_valid') return new LicenseExpiredError(license.licenseId, license.validFrom);
  if (status === 'expired') return new LicenseExpiredError(license.licenseId);
  return null;
}
