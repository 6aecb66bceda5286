// The hourly check's pure decisions on a fake clock: run time moves forward, rollup windows, why sessions end.
import { describe, expect, it } from 'vitest';
import {
  LEASE_MARGIN_SECONDS,
  LEASE_SECONDS,
  leaseUntil,
  dueSessionDecision,
  lapseOf,
  MAX_ROLLUP_HOURS,
  rollupWindow,
  runTime,
  summaryFieldOf,
} from '../../domain/hourly-check.js';

const d = (iso: string) => new Date(iso);

describe('run time', () => {
  it('honours an explicit now at or after the latest run, and refuses an earlier one with invalid_request', () => {
    const latestRun = d('2028-02-29T10:00:00Z');
    const real = d('2026-01-01T00:00:00Z');
    expect(runTime({ requested: d('2028-02-29T10:00:00Z'), real, latestRun, honourRequested: true })).toEqual(
      latestRun,
    );
    expect(() =>
      runTime({ requested: d('2028-02-29T09:59:59Z'), real, latestRun, honourRequested: true }),
    ).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('runs as of the later of the real time and the latest run without an honoured now', () => {
    const latestRun = d('2028-02-29T10:00:00Z');
    expect(runTime({ real: d('2026-01-01T00:00:00Z'), latestRun, honourRequested: false })).toEqual(
      latestRun,
    );
    expect(runTime({ real: d('2029-01-01T00:00:00Z'), latestRun, honourRequested: false })).toEqual(
      d('2029-01-01T00:00:00Z'),
    );
    // In AWS a body's now is ignored: the check runs as of the real time.
    expect(
      runTime({
        requested: d('2030-01-01T00:00:00Z'),
        real: d('2029-01-01T00:00:00Z'),
        latestRun: null,
        honourRequested: false,
      }),
    ).toEqual(d('2029-01-01T00:00:00Z'));
  });
});

describe('rollup window', () => {
  it('rolls up the completed hours since the last rollups, across a month end', () => {
    const w = rollupWindow(d('2026-02-01T00:20:00Z'), '2026-01-31T22:00:00.000Z');
    expect([new Date(w.fromHour).toISOString(), new Date(w.toHour).toISOString()]).toEqual([
      '2026-01-31T22:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
    ]);
  });

  it('is empty for a second run in the same hour, and looks back a day on the first run', () => {
    const second = rollupWindow(d('2028-02-29T10:59:00Z'), '2028-02-29T10:00:00.000Z');
    expect(second.fromHour).toBe(second.toHour);
    const first = rollupWindow(d('2028-03-01T05:30:00Z'), null);
    expect(new Date(first.fromHour).toISOString()).toBe('2028-02-29T05:00:00.000Z');
  });

  it('catches up at most MAX_ROLLUP_HOURS after a long stop', () => {
    const w = rollupWindow(d('2029-01-01T00:00:00Z'), '2027-01-01T00:00:00.000Z');
    expect((w.toHour - w.fromHour) / 3_600_000).toBe(MAX_ROLLUP_HOURS);
  });
});

describe('due sessions', () => {
  const at = d('2028-02-29T11:00:00Z');
  it.each([
    [
      'past expiresAt, no roaming',
      { expiresAt: '2028-02-29T10:00:00.000Z', roamingUntil: null },
      'reclaimed',
    ],
    [
      'past its roaming end',
      { expiresAt: '2028-02-20T10:00:00.000Z', roamingUntil: '2028-02-29T10:30:00.000Z' },
      'roaming_ended',
    ],
    ['revived by a heartbeat', { expiresAt: '2028-02-29T11:05:00.000Z', roamingUntil: null }, null],
    [
      'still roaming',
      { expiresAt: '2028-02-20T10:00:00.000Z', roamingUntil: '2028-02-29T12:00:00.000Z' },
      null,
    ],
  ] as const)('a session %s: %s', (_name, session, reason) => {
    expect(dueSessionDecision({ ...session, adminConnection: false }, false, at)).toBe(reason);
  });

  it('ends any live session of an expired license, heartbeats or not', () => {
    const session = { expiresAt: '2028-02-29T12:00:00.000Z', roamingUntil: null, adminConnection: false };
    expect(dueSessionDecision(session, true, d('2028-02-29T12:00:00Z'))).toBe('license_expired');
    expect(dueSessionDecision(session, false, d('2028-02-29T12:00:00Z'))).toBe('reclaimed');
    expect(dueSessionDecision(session, false, d('2028-02-29T11:59:59Z'))).toBeNull();
    // The administrative connection holds no seat of the license it names: only its own time ends it.
    const admin = { ...session, adminConnection: true };
    expect(dueSessionDecision(admin, true, d('2028-02-29T12:00:00Z'))).toBe('reclaimed');
    expect(dueSessionDecision(admin, true, d('2028-02-29T11:59:59Z'))).toBeNull();
    expect(summaryFieldOf('license_expired')).toBeNull();
    expect(summaryFieldOf('reclaimed')).toBe('reclaimedSessions');
    expect(summaryFieldOf('roaming_ended')).toBe('endedRoaming');
  });
});

describe('lapse', () => {
  it('is lapsed once every held Server license has ended, as of the latest end', () => {
    const a = { validFrom: '2027-01-31T00:00:00.000Z', validUntil: '2027-02-28T00:00:00.000Z' };
    const b = { validFrom: '2027-01-31T00:00:00.000Z', validUntil: '2027-03-31T00:00:00.000Z' };
    expect(lapseOf([a, b], d('2027-03-01T00:00:00Z'))).toBeNull();
    expect(lapseOf([a, b], d('2027-03-31T00:00:00Z'))).toBe('2027-03-31T00:00:00.000Z');
    expect(lapseOf([], d('2027-03-31T00:00:00Z'))).toBeNull();
  });
});

describe('the run lease', () => {
  const now = new Date('2026-11-30T04:00:00.000Z');
  it('lasts until the run deadline plus the margin, never longer than LEASE_SECONDS, and LEASE_SECONDS without one', () => {
    expect(leaseUntil(now, now.getTime() + 10_000).getTime()).toBe(
      now.getTime() + 10_000 + LEASE_MARGIN_SECONDS * 1000,
    );
    expect(leaseUntil(now, now.getTime() + 3_600_000).getTime()).toBe(now.getTime() + LEASE_SECONDS * 1000);
    expect(leaseUntil(now, undefined).getTime()).toBe(now.getTime() + LEASE_SECONDS * 1000);
    // A deadline already past still leaves the margin for the step in progress.
    expect(leaseUntil(now, now.getTime() - 5_000).getTime()).toBe(
      now.getTime() + LEASE_MARGIN_SECONDS * 1000,
    );
  });
});
