// The EventBridge hourly rule's target: runs the hourly check as of now and logs its summary.
import type { HourlySummary } from '../../domain/hourly-check.js';
import { now } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import { tableContext } from '../store/client.js';
import { runHourlyCheckAsOf } from '../store/hourly.js';

export const handler = async (): Promise<HourlySummary> => {
  const result = await runHourlyCheckAsOf(tableContext(), { real: now(), honourRequested: false });
  logger.info('hourly check', { trigger: 'schedule', ...result });
  return result.summary;
};
