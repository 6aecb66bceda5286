// The local stand-in for the EventBridge rules: the check at each full UTC hour (none at start-up), and the
// follow-up every five minutes, also after a failed run, until stopped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const runs: { at: string; trigger: unknown }[] = [];
vi.mock('../../functions/handlers/scheduled.js', () => ({
  handler: vi.fn(async (event: { trigger?: unknown }) => {
    runs.push({ at: new Date(Date.now()).toISOString(), trigger: event?.trigger });
    if (runs.length === 2) throw new Error('DynamoDB Local went away');
    return {};
  }),
}));

const { startHourlyTimer } = await import('../../infra/local/scheduler.js');

describe('local hourly timer', () => {
  beforeEach(() => {
    runs.length = 0;
    vi.useFakeTimers({ now: new Date('2028-02-29T22:40:00Z') });
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('runs the check at every full hour (not at start-up) and the follow-up every five minutes, until stopped', async () => {
    const timer = startHourlyTimer();
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * 3_600_000 + 16 * 60_000);
    const hourly = runs.filter((r) => r.trigger === 'hourly').map((r) => r.at);
    expect(hourly).toEqual([
      '2028-02-29T23:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
      '2028-03-01T01:00:00.000Z',
    ]);
    const followUps = runs.filter((r) => r.trigger === 'follow-up').map((r) => r.at);
    expect(followUps[0]).toBe('2028-02-29T22:45:00.000Z');
    expect(followUps).toHaveLength(28); // 22:45 to 01:00
    timer.stop();
    const before = runs.length;
    await vi.advanceTimersByTimeAsync(5 * 3_600_000);
    expect(runs).toHaveLength(before);
  });
});
