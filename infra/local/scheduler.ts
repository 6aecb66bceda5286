// The local stand-in for the EventBridge hourly rule: runs the same handler at the top of every hour.
import { handler } from '../../functions/handlers/scheduled.js';

const HOUR_MS = 3_600_000;
/** A first run shortly after start-up reclaims what expired while the portal was stopped. */
const FIRST_RUN_DELAY_MS = 5_000;

/**
 * Runs the check after start-up and then at each full UTC hour, as of the later of the real time and the latest
 * run (a test or demo that moved the clock forward keeps it there). Timers never keep the process alive.
 */
export function startHourlyTimer(options: { firstRunDelayMs?: number } = {}): { stop(): void } {
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
  schedule(options.firstRunDelayMs ?? FIRST_RUN_DELAY_MS);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
