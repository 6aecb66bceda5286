// The EventBridge rules' target: the hourly check every hour, and a follow-up every few minutes that finishes an
// incomplete run (API.md "the next run finishes the rest"; the issue: "within minutes, not an hour later").
import type { Context } from 'aws-lambda';
import { BusyError } from '../../domain/errors.js';
import type { HourlySummary } from '../../domain/hourly-check.js';
import { runHourlyCheck } from '../jobs/hourly-check/run.js';
import { now } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import { tableContext } from '../store/client.js';
import { hourlyCheckPortsFor } from '../use-cases/store-ports.js';

/** Time kept back from the Lambda timeout: work stops being taken so the run can record and log. */
const RESERVE_MS = 60_000;
/** Budget when no Lambda context tells the remaining time (the local timer, `npm run invoke`). */
const DEFAULT_BUDGET_MS = 60_000;

/** What the rules send: {"trigger":"hourly"} or {"trigger":"follow-up"} (anything else runs as hourly). */
type TriggerEvent = { trigger?: unknown } | undefined;

/**
 * Runs the check as of now and logs its summary. A follow-up runs only when the latest run was incomplete; a run
 * that finds another one working returns without one (the other will finish).
 */
export const handler = async (
  event?: TriggerEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<HourlySummary | { skipped: string }> => {
  const ports = hourlyCheckPortsFor(tableContext());
  const trigger = event?.trigger === 'follow-up' ? 'follow-up' : 'hourly';
  if (trigger === 'follow-up' && (await ports.runs.getRun()).complete)
    return { skipped: 'nothing left to do' };
  const remaining = context?.getRemainingTimeInMillis?.();
  try {
    const result = await runHourlyCheck(ports, {
      real: now(),
      honourRequested: false,
      deadline: Date.now() + (remaining ? Math.max(0, remaining - RESERVE_MS) : DEFAULT_BUDGET_MS),
    });
    logger.info('hourly check', { trigger, at: result.at, durationMs: result.durationMs, ...result.summary });
    return result.summary;
  } catch (error) {
    if (!(error instanceof BusyError)) throw error;
    logger.info('hourly check skipped: another run is working', { trigger });
    return { skipped: 'another run is working' };
  }
};
