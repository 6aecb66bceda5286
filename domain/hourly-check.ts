// The hourly check's decisions ("The software checks every hour for the presence of valid license files"):
// the time a run happens as of, its lease, why a due session ends, which servers become restricted and which
// session keeps a restricted server's one connection, and the rollup window (API.md "POST /v1/ops/hourly-check").
import { InvalidRequestError } from './errors.js';
import type { License } from './license.js';
import { countsAsConnection } from './seat-rules.js';
import { isRestricted, type ServerState, serverState } from './server-status.js';
import { type EndReason, expiryReason, isExpired, type SeatHolder } from './sessions.js';
import { floorHour, HOUR_MS } from './usage.js';

/** The changes one run made (API.md): after a complete run, a second run at the same time reports zeros. */
export interface HourlySummary {
  expiredLicenses: number;
  lapsedServers: number;
  reclaimedSessions: number;
  endedRoaming: number;
  rollupsWritten: number;
  /** False when the run stopped at its time budget; the next run finishes the rest. */
  complete: boolean;
}

/** A summary with nothing done yet. */
export function emptySummary(): HourlySummary {
  return {
    expiredLicenses: 0,
    lapsedServers: 0,
    reclaimedSessions: 0,
    endedRoaming: 0,
    rollupsWritten: 0,
    complete: true,
  };
}

/** A first run rolls up this much history, so that sessions from before the first run still show in reports. */
export const FIRST_RUN_LOOKBACK_HOURS = 24;
/** A run catches up at most this many hours of rollups (a check stopped for longer leaves the gap as zeros). */
export const MAX_ROLLUP_HOURS = 31 * 24;
/**
 * An hour is rolled up only once it ended this long ago (ms): a session is written a moment after the time
 * it records, so an hour rolled up at its very end could miss one that was being granted.
 */
export const ROLLUP_GRACE_MS = 60_000;

/**
 * One run works at a time (API.md): the lease a run holds, in seconds. Longer than any run's budget, so a live
 * run never loses it; short, so a crashed run blocks the next for at most this long.
 */
export const LEASE_SECONDS = 15 * 60;

/**
 * The time a run happens as of. An explicit `now` (honoured by the local runtime only) must not be earlier
 * than the latest run (400 invalid_request): runs move forward, so what a run ended stays ended. Without one,
 * the run happens at the later of the real time and the latest run (a clock moved forward stays forward).
 */
export function runTime(input: {
  requested?: Date | undefined;
  real: Date;
  latestRun: Date | null;
  honourRequested: boolean;
}): Date {
  const { requested, real, latestRun, honourRequested } = input;
  if (requested && honourRequested) {
    if (latestRun && requested.getTime() < latestRun.getTime()) {
      throw new InvalidRequestError(
        `Invalid body: now ${requested.toISOString()} is earlier than the latest hourly check (${latestRun.toISOString()}); runs only move forward.`,
      );
    }
    return requested;
  }
  return latestRun && latestRun.getTime() > real.getTime() ? latestRun : real;
}

/** How long past its deadline a run's lease lasts, seconds: the step in progress at the deadline finishes. */
export const LEASE_MARGIN_SECONDS = 60;

/**
 * Until when a run starting at `realNow` holds the lease: its deadline (epoch ms, real time; a run stops taking
 * work past it) plus LEASE_MARGIN_SECONDS, and never more than LEASE_SECONDS. So a run that another finds
 * working is waited for about as long as it can still take (retry-after), not a quarter of an hour.
 */
export function leaseUntil(realNow: Date, deadline: number | undefined): Date {
  const longest = realNow.getTime() + LEASE_SECONDS * 1000;
  if (deadline === undefined) return new Date(longest);
  return new Date(Math.min(longest, Math.max(realNow.getTime(), deadline) + LEASE_MARGIN_SECONDS * 1000));
}

/** Seconds a caller should wait for a held lease (at least 1): API.md's 503 busy carries it in retry-after. */
export function leaseRetryAfterSeconds(leaseUntil: string, realNow: Date): number {
  return Math.max(1, Math.ceil((Date.parse(leaseUntil) - realNow.getTime()) / 1000));
}

/** The completed hours [fromHour, toHour) (epoch ms) whose rollups a run at `at` writes. */
export function rollupWindow(at: Date, rolledUpThrough: string | null): { fromHour: number; toHour: number } {
  const toHour = floorHour(at.getTime() - ROLLUP_GRACE_MS);
  let fromHour = rolledUpThrough ? Date.parse(rolledUpThrough) : toHour - FIRST_RUN_LOOKBACK_HOURS * HOUR_MS;
  fromHour = Math.max(fromHour, toHour - MAX_ROLLUP_HOURS * HOUR_MS);
  return { fromHour: Math.min(fromHour, toHour), toHour };
}

/** Why the check ends a due session. */
export type DueEndReason = Extract<EndReason, 'license_expired' | 'reclaimed' | 'roaming_ended'>;

/**
 * Whether a session found due (its Expiry item's time ≤ at) ends at `at`, and why: its license expired (every
 * session of an expired license is due, as expiry and roaming never pass the license's end), or it is expired
 * (API.md "a live session is expired when expiresAt (or roamingUntil while roaming) has passed"). The
 * administrative connection holds no license seat: only time ends it.
 */
export function dueSessionDecision(
  holder: Pick<SeatHolder, 'expiresAt' | 'roamingUntil' | 'adminConnection'>,
  licenseExpired: boolean,
  at: Date,
): DueEndReason | null {
  if (!holder.adminConnection && licenseExpired) return 'license_expired';
  if (!isExpired(holder, at)) return null;
  return expiryReason(holder) === 'roaming_ended' ? 'roaming_ended' : 'reclaimed';
}

/** Which summary count an ended session adds to (a license's expiry is counted on the license). */
export function summaryFieldOf(reason: DueEndReason): 'reclaimedSessions' | 'endedRoaming' | null {
  if (reason === 'reclaimed') return 'reclaimedSessions';
  if (reason === 'roaming_ended') return 'endedRoaming';
  return null;
}

type Term = Pick<License, 'validFrom' | 'validUntil'>;

/**
 * Whether a server is lapsed at `at` (every Server license it held has expired) and as of which expiry: the
 * latest end among its Server licenses, so a server that lapses again after a renewal counts again.
 */
export function lapseOf(heldServerLicenses: Term[], at: Date): string | null {
  if (serverState({ heldServerLicenses, accountCals: [], now: at }) !== 'lapsed') return null;
  let latest = '';
  for (const license of heldServerLicenses) if (license.validUntil > latest) latest = license.validUntil;
  return latest;
}

/**
 * What a restricted (admin_only or lapsed) server keeps (the seed: "a single administrative connection is
 * permitted"): its administrative connection if it has one, else the earliest-started unexpired connection of
 * an administrator, converted; every other connection ends. Only connections (CAL sessions and the
 * administrative connection) are looked at: design-software seats belong to their own licenses and stay.
 * Nothing for a server that is not restricted.
 */
export function restriction(input: {
  state: ServerState;
  sessions: readonly SeatHolder[];
  isAdmin: (userId: string) => boolean;
  at: Date;
}): { keep: SeatHolder | null; convert: boolean; end: SeatHolder[] } {
  if (!isRestricted(input.state)) return { keep: null, convert: false, end: [] };
  const live = input.sessions
    .filter(countsAsConnection)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.sessionId.localeCompare(b.sessionId));
  const current = live.find((s) => s.adminConnection) ?? null;
  const keep = current ?? live.find((s) => input.isAdmin(s.userId) && !isExpired(s, input.at)) ?? null;
  return {
    keep,
    convert: keep !== null && !keep.adminConnection,
    end: live.filter((s) => s !== keep),
  };
}

/** Accounts whose servers a license's expiry may restrict: a Server license's holders, or a CAL's account. */
export function restrictsServers(license: Pick<License, 'kind'>): boolean {
  return license.kind === 'server' || license.kind === 'cal';
}
