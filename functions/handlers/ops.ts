// Operator route: run the hourly check now (what EventBridge runs every hour); locally `now` moves its time.
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { optionalEnv } from '../runtime/config.js';
import { logger } from '../runtime/logger.js';
import { tableContext } from '../store/client.js';
import { runHourlyCheckAsOf } from '../store/hourly.js';

const ROUTE_BUDGET_MS = 20_000;

export const handler = createGroupHandler('ops', storedCallers, {
  hourlyCheck: async ({ body, now }) => {
    const result = await runHourlyCheckAsOf(tableContext(), {
      requested: body.now ? new Date(body.now) : undefined,
      real: now,
      // Only the local runtime lets a caller pick the time (tests and demos); in AWS the check runs as of now.
      honourRequested: optionalEnv('PORTAL_LOCAL') === 'true',
      // API Gateway answers 503 after 30 s: stop taking due work before that; the next run finishes it.
      deadline: Date.now() + ROUTE_BUDGET_MS,
    });
    logger.info('hourly check', { trigger: 'operator', ...result });
    return { statusCode: 200, body: result.summary };
  },
});
