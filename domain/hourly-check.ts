// The hourly check's decisions: the time a run happens as of, its rollup window, and why a due session ends.
import { InvalidRequestError } from './errors.js';
import { type License, licenseStatus } from './license.js';
import { serverState } from './server-status.js';
import { type EndReason, isReclaimable, reclaimReason, type Session } from './sessions.js';
import { floorHour, HOUR_MS } from './usage.js';

/** The changes one run made (API.md): a second run at the same time reports zeros. */
export interface HourlySummary {
  expiredLicenses: number;
  lapsedServers: number;
  reclaimedSessions: number;
  endedRoaming: number;
  rollupsWritten: number;
}

export function emptySummary(): HourlySummary {
  return { expiredLicenses: 0, lapsedServers: 0, reclaimedSessions: 0, endedRoaming: 0, rollupsWritten: 0 };
}

/** A first run rolls up this much history, so that sessions from before the first run still show in reports. */
export const FIRST_RUN_LOOKBACK_HOURS = 24;
/** A run catches up at most this many hours of rollups (a check stopped for longer leaves the gap as zeros). */
export const MAX_ROLLUP_HOURS = 31 * 24;

/**
 * The time a run happens as of. An explicit `now` (honoured by the local runtime only) must not be earlier
 * than the latest run: runs move forward, so what a run ended stays ended. Without one, the run happens at
 * the later of the real time and the latest run (a clock moved forward by a test or demo stays forward).
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

/** The completed hours [fromHour, toHour) whose rollups a run at `at` writes. */
export function rollupWindow(at: Date, rolledUpThrough: string | null): { fromHour: number; toHour: number } {
  const toHour = floorHour(at.getTime());
  let fromHour = rolledUpThrough ? Date.parse(rolledUpThrough) : toHour - FIRST_RUN_LOOKBACK_HOURS * HOUR_MS;
  fromHour = Math.max(fromHour, toHour - MAX_ROLLUP_HOURS * HOUR_MS);
  return { fromHour: Math.min(fromHour, toHour), toHour };
}

export type SessionEndReason = Extract<EndReason, 'license_expired' | 'reclaimed' | 'roaming_ended'>;

/**
 * Whether a session found due ends at `at`, and why. The due index may lag a heartbeat, so the session is
 * judged from its item, never from its index entry: a revived one is left alone. `license` is the session's
 * license when the caller read it (null: it no longer exists), undefined when not read: a run ends the sessions
 * of expired licenses before it looks at due sessions, so it reads a license only for a session it would keep.
 */
export function dueSessionDecision(
  session: Pick<Session, 'expiresAt' | 'roamingUntil' | 'endedAt'>,
  license: Pick<License, 'validFrom' | 'validUntil'> | null | undefined,
  at: Date,
): SessionEndReason | null {
  if (session.endedAt) return null;
  if (license === null || (license && licenseStatus(license, at) === 'expired')) return 'license_expired';
  if (!isReclaimable(session, at)) return null;
  return reclaimReason(session) === 'roaming_ended' ? 'roaming_ended' : 'reclaimed';
}

/** Which summary count an ended session adds to (a license's expiry is counted on the license). */
export function summaryFieldOf(reason: SessionEndReason): 'reclaimedSessions' | 'endedRoaming' | null {
  if (reason === 'reclaimed') return 'reclaimedSessions';
  if (reason === 'roaming_ended') return 'endedRoaming';
  return null;
}

type Term = Pick<License, 'validFrom' | 'validUntil'>;

/**
 * Whether a server is lapsed at `at` (every Server license it held has expired) and as of which expiry:
 * the latest end among its Server licenses, so a server that lapses again after a renewal counts again.
 */
export function lapseOf(heldServerLicenses: Term[], at: Date): string | null {
  if (serverState({ heldServerLicenses, accountCals: [], now: at }) !== 'lapsed') return null;
  let latest = '';
  for (const license of heldServerLicenses) if (license.validUntil > latest) latest = license.validUntil;
  return latest;
}
