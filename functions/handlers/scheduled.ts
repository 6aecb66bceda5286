// The EventBridge hourly rule's target: runs the hourly check as of now and logs its summary.
import type { Context } from 'aws-lambda';
import type { HourlySummary } from '../../domain/hourly-check.js';
import { now } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import { tableContext } from '../store/client.js';
import { runHourlyCheckAsOf } from '../store/hourly.js';

/** Time kept back from the Lambda timeout: due pages stop being taken so the rollups and the log still happen. */
const RESERVE_MS = 60_000;

export const handler = async (_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const remaining = context?.getRemainingTimeInMillis?.();
  const result = await runHourlyCheckAsOf(tableContext(), {
    real: now(),
    honourRequested: false,
    ...(remaining ? { deadline: Date.now() + Math.max(0, remaining - RESERVE_MS) } : {}),
  });
  logger.info('hourly check', { trigger: 'schedule', ...result });
  return result.summary satisfies HourlySummary;
};
