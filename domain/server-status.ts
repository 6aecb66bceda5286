// A NEXUS server's licensing state: one pure function of what it holds, the account's CALs and a time.
import { isValidAt, type License, licenseStatus } from './license.js';

export type ServerState = 'unlicensed' | 'licensed' | 'admin_only' | 'lapsed';

type Term = Pick<License, 'validFrom' | 'validUntil'>;

/**
 * unlicensed: never held a valid Server license (nobody may sign in);
 * licensed: holds a valid Server license and the account has a valid CAL;
 * admin_only: holds a valid Server license but the account has no valid CAL (one admin connection);
 * lapsed: every Server license it held has expired (one admin connection for backup and configuration).
 */
export function serverState(input: {
  heldServerLicenses: Term[];
  accountCals: Term[];
  now: Date;
}): ServerState {
  const { heldServerLicenses, accountCals, now } = input;
  if (heldServerLicenses.some((license) => isValidAt(license, now))) {
    return accountCals.some((cal) => isValidAt(cal, now)) ? 'licensed' : 'admin_only';
  }
  if (heldServerLicenses.some((license) => licenseStatus(license, now) === 'expired')) return 'lapsed';
  return 'unlicensed';
}
