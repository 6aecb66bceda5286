// Operator route: run the hourly check now (what EventBridge runs every hour); locally `now` moves its time.
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { runHourlyCheck } from '../jobs/hourly-check/run.js';
import { deployment } from '../runtime/deployment.js';
import { logger } from '../runtime/logger.js';
import { tableContext } from '../store/client.js';
import { hourlyCheckPortsFor } from '../use-cases/store-ports.js';

/**
 * The run's budget on this route (ms): well under API Gateway's 30 s integration timeout, so the route always
 * answers (200 with complete: false when there is more to do) instead of timing out.
 */
const ROUTE_BUDGET_MS = 10_000;

export const handler = createGroupHandler('ops', storedCallers, {
  hourlyCheck: async ({ body, now }) => {
    const result = await runHourlyCheck(hourlyCheckPortsFor(tableContext()), {
      requested: body.now ? new Date(body.now) : undefined,
      real: now,
      // Only the local runtime lets a caller pick the time (tests and demos); in AWS the check runs as of now.
      honourRequested: deployment().honoursRequestedTime,
      deadline: Date.now() + ROUTE_BUDGET_MS,
    });
    logger.info('hourly check', {
      trigger: 'operator',
      at: result.at,
      durationMs: result.durationMs,
      ...result.summary,
    });
    return { statusCode: 200, body: result.summary };
  },
});
