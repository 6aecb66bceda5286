// NEXUS servers, what they hold, and their licensing state: one pure function of the holdings, the account's
// CALs and a time (API.md "GET /v1/servers/{serverId}/status").
import { isValidAt, type License, licenseStatus } from './license.js';

export type ServerState = 'unlicensed' | 'licensed' | 'admin_only' | 'lapsed';

/** A registered NEXUS server. */
export interface Server {
  serverId: string;
  accountId: string;
  hostName: string;
  /** ISO time. */
  createdAt: string;
  /** Its live sessions, the administrative connection included (docs/seat-protocol.md). */
  live: number;
  /** Its live connections: CAL sessions and the administrative connection (docs/seat-protocol.md). */
  connections: number;
  /** The session id of its administrative connection, if one is live. */
  adminConnection: string | null;
  /** ISO time DELETE began, else null: the server takes no new session and is gone for every reader. */
  removing: string | null;
  /**
   * ISO time (as of an hourly run) the server was last restricted to one connection (admin_only or lapsed), else
   * null: a grant decided on the state before that time must not land after it.
   */
  restrictedAt: string | null;
}

/** A license a server acquired (From cloud or From file). Kept after the license expires: "lapsed" needs it. */
export interface Holding {
  accountId: string;
  serverId: string;
  licenseId: string;
  kind: License['kind'];
  product: License['product'];
  /** Copied from the license at acquisition; renewals are read from the license itself. */
  validFrom: string;
  validUntil: string;
  acquiredAt: string;
  /** True when this holding took the license's System seat (Server licenses only). */
  takesSeat: boolean;
  /** Set when the holding's seat was given back (server deleted); the record stays for history. */
  releasedAt?: string;
}

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

/**
 * The state of one server from its holdings and the account's licenses (a holding keeps the term it was
 * acquired with; the license has the current one, renewals included).
 */
export function stateOfServer(
  serverId: string,
  holdings: readonly Holding[],
  licenses: readonly License[],
  now: Date,
): {
  state: ServerState;
  /** The Server licenses it holds, with their current terms. */
  serverLicenses: Pick<License, 'licenseId' | 'validFrom' | 'validUntil'>[];
  validCals: License[];
} {
  const byId = new Map(licenses.map((license) => [license.licenseId, license]));
  const serverLicenses: Pick<License, 'licenseId' | 'validFrom' | 'validUntil'>[] = holdings
    .filter((h) => h.serverId === serverId && h.kind === 'server' && !h.releasedAt)
    .map((h) => byId.get(h.licenseId) ?? h);
  const cals = licenses.filter((license) => license.kind === 'cal');
  return {
    state: serverState({ heldServerLicenses: serverLicenses, accountCals: cals, now }),
    serverLicenses,
    validCals: cals.filter((cal) => isValidAt(cal, now)),
  };
}

/** admin_only and lapsed servers admit one live session at a time, of an administrator (API.md). */
export function isRestricted(state: ServerState): boolean {
  return state === 'admin_only' || state === 'lapsed';
}
