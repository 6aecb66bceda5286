// The local stand-in for the EventBridge hourly rule: runs the same handler at the top of every hour.
import { handler } from '../../functions/handlers/scheduled.js';

const HOUR_MS = 3_600_000;

/**
 * Runs the check at each full UTC hour, as EventBridge's rate(1 hour) does, as of the later of the real time and
 * the latest run (a test or demo that moved the clock forward keeps it there). There is deliberately no run at
 * start-up: a run moves the latest-run time, and a client that starts the portal and then runs the check with
 * an explicit `now` taken just before should not be refused for it. Sessions that expired while the portal was
 * stopped are reclaimed by the next hourly run, or at once by a sign-in that finds their license full.
 * Timers never keep the process alive.
 */
export function startHourlyTimer(): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = async () => {
    try {
      await handler();
    } catch (error) {
      console.error('[local scheduler] the hourly check failed:', error);
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void run().finally(() => schedule(HOUR_MS - (Date.now() % HOUR_MS)));
    }, delay);
    timer.unref();
  };
  schedule(HOUR_MS - (Date.now() % HOUR_MS));
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
