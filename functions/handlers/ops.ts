// Operator route: run the hourly check now (what EventBridge runs every hour); locally `now` moves its time.
import { createGroupHandler } from '../http/handler.js';
import { optionalEnv } from '../runtime/config.js';
import { logger } from '../runtime/logger.js';
import { tableContext } from '../store/client.js';
import { runHourlyCheckAsOf } from '../store/hourly.js';

export const handler = createGroupHandler('ops', {
  hourlyCheck: async ({ body, now }) => {
    const result = await runHourlyCheckAsOf(tableContext(), {
      requested: body.now ? new Date(body.now) : undefined,
      real: now,
      // Only the local runtime lets a caller pick the time (tests and demos); in AWS the check runs as of now.
      honourRequested: optionalEnv('PORTAL_LOCAL') === 'true',
    });
    logger.info('hourly check', { trigger: 'operator', ...result });
    return { statusCode: 200, body: result.summary };
  },
});
