// Licenses: issuing, calendar-month terms, status at a given time, renewal and activation codes.
import { InvalidRequestError, LicenseExpiredError } from './errors.js';
import { type LicenseKind, kindOf, type Product } from './products.js';
import { addCalendarMonths } from './time.js';

export const DEFAULT_TERM_MONTHS = 12;
export const MAX_TERM_MONTHS = 120;
/**
 * The earliest `validFrom` (the Unix epoch) and the latest `validUntil` (the last millisecond of year 9999) of a
 * license: ISO-8601 times with four-digit years, as every .alf line and date-time field holds them (API.md
 * "Times are ISO-8601 UTC strings"). Outside them, issuing or renewing answers 400 invalid_request.
 */
export const EARLIEST_VALID_FROM = '1970-01-01T00:00:00.000Z';
export const LATEST_VALID_UNTIL = '9999-12-31T23:59:59.999Z';

/** "1 month", "12 months". */
function monthsText(months: number): string {
  return months === 1 ? '1 month' : `${months} months`;
}

/** Why a term ending at `validUntil` cannot be stated, or null; `what` says what would end then. */
function pastLatest(validUntil: Date, what: string): string | null {
  return validUntil.getTime() > Date.parse(LATEST_VALID_UNTIL)
    ? `${what} would end after 9999-12-31, the last day a license file can state; choose a shorter term.`
    : null;
}

/**
 * Why a license of `termMonths` (default 12) from `validFrom` (an ISO time) cannot be issued, or null when it
 * can: before 1970, or ending after 9999 (EARLIEST_VALID_FROM, LATEST_VALID_UNTIL). The request schema checks it
 * too, so that API.md's order holds (400 before the account's 404).
 */
export function licenseTermProblem(validFrom: string, termMonths = DEFAULT_TERM_MONTHS): string | null {
  const from = new Date(validFrom);
  if (from.getTime() < Date.parse(EARLIEST_VALID_FROM))
    return 'validFrom must be 1970-01-01T00:00:00Z or later.';
  return pastLatest(
    addCalendarMonths(from, termMonths),
    `A license of ${monthsText(termMonths)} from ${from.toISOString()}`,
  );
}

/** A license's status at a given time (API.md: computed at each request). */
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

/**
 * A new license of `input.termMonths` (default 12) calendar months from `input.validFrom` (default `now`), with
 * nothing used (API.md "POST /v1/accounts/{accountId}/licenses"). InvalidRequestError when validFrom is before
 * 1970 or the term would end after 9999 (EARLIEST_VALID_FROM, LATEST_VALID_UNTIL).
 */
export function issueLicense(input: IssueLicenseInput, now: Date): License {
  const validFrom = (input.validFrom ? new Date(input.validFrom) : now).toISOString();
  const termMonths = input.termMonths ?? DEFAULT_TERM_MONTHS;
  const problem = licenseTermProblem(validFrom, termMonths);
  if (problem) throw new InvalidRequestError(problem);
  const validUntil = addCalendarMonths(new Date(validFrom), termMonths).toISOString();
  return {
    licenseId: input.licenseId,
    accountId: input.accountId,
    product: input.product,
    kind: kindOf(input.product),
    seats: input.seats,
    used: 0,
    activationCode: input.activationCode,
    validFrom,
    validUntil,
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

/**
 * A renewal extends the same license from its validUntil, or from now if that has already passed (API.md
 * "renewals"): the new validUntil, an ISO time. InvalidRequestError when it would end after 9999.
 */
export function renewedValidUntil(
  license: Pick<License, 'validUntil'>,
  termMonths: number,
  now: Date,
): string {
  const end = new Date(license.validUntil);
  const base = end.getTime() > now.getTime() ? end : now;
  const validUntil = addCalendarMonths(base, termMonths);
  const problem = pastLatest(validUntil, `Renewed by ${monthsText(termMonths)}, the license`);
  if (problem) throw new InvalidRequestError(problem);
  return validUntil.toISOString();
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
