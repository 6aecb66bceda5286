// The local stand-in for the EventBridge rule: one run at each full UTC hour, none at start-up.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const runs: number[] = [];
vi.mock('../../functions/handlers/scheduled.js', () => ({
  handler: vi.fn(async () => {
    runs.push(Date.now());
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

  it('runs at every full hour (not at start-up), also after a failed run, until stopped', async () => {
    const timer = startHourlyTimer();
    await vi.advanceTimersByTimeAsync(19 * 60_000);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * 3_600_000 + 60_000);
    expect(runs.map((t) => new Date(t).toISOString())).toEqual([
      '2028-02-29T23:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
      '2028-03-01T01:00:00.000Z',
    ]);
    timer.stop();
    await vi.advanceTimersByTimeAsync(5 * 3_600_000);
    expect(runs).toHaveLength(3);
  });
});
