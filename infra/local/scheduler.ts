// The local stand-in for the EventBridge rules: the hourly check at the top of every hour, and the follow-up
// every few minutes that finishes an incomplete run, running the same handler as the Lambda.
import { handler } from '../../functions/handlers/scheduled.js';

const HOUR_MS = 3_600_000;
/** As the stack's follow-up rule: an incomplete run is finished within minutes. */
const FOLLOW_UP_MS = 5 * 60_000;

/**
 * Runs the check at each full UTC hour, as EventBridge's rate(1 hour) does, as of the later of the real time and
 * the latest run (a test or demo that moved the clock forward keeps it there), and the follow-up every five
 * minutes (it runs only when the latest run was incomplete). There is deliberately no run at start-up: a run
 * moves the latest-run time, and a client that starts the portal and then runs the check with an explicit
 * `now` taken just before should not be refused for it. Timers never keep the process alive.
 */
export function startHourlyTimer(): { stop(): void } {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const run = async (trigger: 'hourly' | 'follow-up') => {
    try {
      await handler({ trigger });
    } catch (error) {
      console.error(`[local scheduler] the ${trigger} check failed:`, error);
    }
  };
  const every = (trigger: 'hourly' | 'follow-up', period: number) => {
    const schedule = (delay: number) => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void run(trigger).finally(() => schedule(period - (Date.now() % period)));
      }, delay);
      timer.unref();
      timers.add(timer);
    };
    schedule(period - (Date.now() % period));
  };
  every('hourly', HOUR_MS);
  every('follow-up', FOLLOW_UP_MS);
  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
