// The hourly check (EventBridge every hour, the operator route, the local timer): one run at a time under a
// lease, as of a time that only moves forward, in small idempotent steps within a time budget (API.md
// "POST /v1/ops/hourly-check"; the seed: "The software checks every hour for the presence of valid license files").
import {
  emptySummary,
  type HourlySummary,
  leaseUntil,
  leaseRetryAfterSeconds,
  runTime,
} from '../../../domain/hourly-check.js';
import { BusyError, InvalidRequestError } from '../../../domain/errors.js';
import { expireLicenses } from './expire-licenses.js';
import { budgetUntil, type HourlyCheckPorts } from './ports.js';
import { reclaimDueSessions } from './reclaim-due-sessions.js';
import { writeRollups } from './rollups.js';

/** When and how a run is asked for. */
export interface HourlyCheckRequest {
  /** The time asked for (the operator route's `now`); honoured only where `honourRequested`. */
  requested?: Date | undefined;
  /** The real time now. */
  real: Date;
  /** Only the local runtime lets a caller pick the time (tests and demos). */
  honourRequested: boolean;
  /** Real time (epoch ms) past which the run stops taking work and answers complete: false. */
  deadline?: number | undefined;
}

export interface HourlyCheckResult {
  /** ISO time the run happened as of. */
  at: string;
  summary: HourlySummary;
  durationMs: number;
}

/** Attempts to record a run time when a concurrent run (from before the lease) moved it meanwhile. */
const RUN_TIME_ATTEMPTS = 3;

/**
 * Runs the hourly check. Errors: BusyError (another run holds the lease: 503 with retry-after),
 * InvalidRequestError (an explicit `now` earlier than the latest run). The summary counts exactly the changes
 * THIS run made; `complete` is false when the budget ran out (the next run finishes the rest).
 */
export async function runHourlyCheck(
  ports: HourlyCheckPorts,
  request: HourlyCheckRequest,
): Promise<HourlyCheckResult> {
  const started = Date.now();
  const owner = ports.newId('run');
  const held = await ports.runs.acquireLease(owner, request.real, leaseUntil(request.real, request.deadline));
  if (held) {
    throw new BusyError(
      leaseRetryAfterSeconds(held, request.real),
      'Another hourly check is running; retry after it has finished.',
    );
  }
  try {
    let at: Date | null = null;
    let previous = null;
    for (let attempt = 0; attempt < RUN_TIME_ATTEMPTS && !previous; attempt++) {
      const latest = (await ports.runs.getRun()).lastRunAt;
      at = runTime({ ...request, latestRun: latest ? new Date(latest) : null });
      const begun = await ports.runs.beginRun(at);
      if ('previous' in begun) previous = begun.previous;
      else if (request.requested && request.honourRequested) {
        throw new InvalidRequestError(
          `Invalid body: now ${at.toISOString()} is earlier than the latest hourly check (${begun.refusedBy}); runs only move forward.`,
        );
      }
    }
    if (!previous || !at)
      throw new BusyError(1, 'The hourly check could not record its time; retry in a moment.');
    const summary = emptySummary();
    const budget = budgetUntil(request.deadline);
    // Sessions first (those of an expired license end as license_expired), then licenses (restricting the
    // servers they leave admin_only or lapsed), then rollups of the hours now complete.
    summary.complete =
      (await reclaimDueSessions(ports, at, summary, budget)) &&
      (await expireLicenses(ports, at, summary, budget)) &&
      (await writeRollups(ports, at, previous, summary, budget));
    await ports.runs.recordCompletion(at, summary.complete);
    return { at: at.toISOString(), summary, durationMs: Date.now() - started };
  } finally {
    await ports.runs.releaseLease(owner);
  }
}
