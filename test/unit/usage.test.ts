// Report and rollup math on a fake clock: UTC buckets over month ends and a leap day, peaks, seat-hours, CSV.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketStarts,
  checkRange,
  combine,
  HOUR_MS,
  peakOverlap,
  openCountsAt,
  reportRows,
  rollupsFor,
  rollupsFromChanges,
  roleKey,
  toCsv,
  type UsageSession,
  usageByHour,
} from '../../domain/usage.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const session = (startedAt: string, endedAt?: string, roles = ['All Users']): UsageSession => ({
  licenseId: 'lic_a',
  startedAt,
  endedAt,
  roles,
});

describe('buckets', () => {
  it('covers every whole UTC hour overlapping [from, to), partial hours at both ends included', () => {
    const starts = bucketStarts(new Date('2026-01-31T22:30:00Z'), new Date('2026-02-01T01:00:01Z'), 'hour');
    expect(starts.map(iso)).toEqual([
      '2026-01-31T22:00:00.000Z',
      '2026-01-31T23:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-02-01T01:00:00.000Z',
    ]);
  });

  it('has day buckets at UTC midnights across a leap day and a month end', () => {
    const starts = bucketStarts(new Date('2028-02-28T12:00:00Z'), new Date('2028-03-01T00:00:00Z'), 'day');
    expect(starts.map(iso)).toEqual(['2028-02-28T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
    const year = bucketStarts(new Date('2028-01-01T00:00:00Z'), new Date('2029-01-01T00:00:00Z'), 'day');
    expect(year).toHaveLength(366);
  });

  it('has 24 hours on every day, DST does not exist in UTC', () => {
    const starts = bucketStarts(new Date('2026-03-29T00:00:00Z'), new Date('2026-03-30T00:00:00Z'), 'hour');
    expect(starts).toHaveLength(24);
  });

  it.each([
    ['hour', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', true],
    ['hour', '2026-01-01T00:00:00Z', '2026-02-01T00:00:01Z', false],
    ['day', '2028-01-01T00:00:00Z', '2029-01-01T00:00:00Z', true],
    ['day', '2028-01-01T00:00:00Z', '2029-01-01T00:00:01Z', false],
    ['day', '2028-01-01T00:00:00Z', '2028-01-01T00:00:00Z', false],
    ['hour', '2028-01-02T00:00:00Z', '2028-01-01T00:00:00Z', false],
  ] as const)('allows interval=%s from %s to %s: %s', (interval, from, to, ok) => {
    const check = () => checkRange(new Date(from), new Date(to), interval);
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});

describe('usage by hour', () => {
  it('splits a session over the hours it spans, counts its start once and its seat time inside each hour', () => {
    const hours = usageByHour([session('2026-01-31T23:30:00Z', '2026-02-01T01:15:00Z')], [], {
      fromHour: t('2026-01-31T23:00:00Z'),
      toHour: t('2026-02-01T02:00:00Z'),
      asOf: t('2026-02-02T00:00:00Z'),
    });
    expect(hours.get(t('2026-01-31T23:00:00Z'))).toEqual({
      peakSessions: 1,
      sessionsStarted: 1,
      denied: 0,
      seatSeconds: 1800,
    });
    expect(hours.get(t('2026-02-01T00:00:00Z'))).toMatchObject({ sessionsStarted: 0, seatSeconds: 3600 });
    expect(hours.get(t('2026-02-01T01:00:00Z'))).toMatchObject({ peakSessions: 1, seatSeconds: 900 });
  });

  it('counts a live session as held until asOf, and not in hours after it', () => {
    const hours = usageByHour([session('2028-02-29T23:00:00Z')], [], {
      fromHour: t('2028-02-29T23:00:00Z'),
      toHour: t('2028-03-01T02:00:00Z'),
      asOf: t('2028-03-01T00:30:00Z'),
    });
    expect(hours.get(t('2028-02-29T23:00:00Z'))?.seatSeconds).toBe(3600);
    expect(hours.get(t('2028-03-01T00:00:00Z'))?.seatSeconds).toBe(1800);
    expect(hours.has(t('2028-03-01T01:00:00Z'))).toBe(false);
  });

  it('takes the peak of sessions held at once; one ending as another starts is not overlap', () => {
    const hours = usageByHour(
      [
        session('2026-05-01T10:00:00Z', '2026-05-01T10:20:00Z'),
        session('2026-05-01T10:20:00Z', '2026-05-01T10:40:00Z'),
        session('2026-05-01T10:30:00Z', '2026-05-01T10:50:00Z'),
      ],
      [],
      {
        fromHour: t('2026-05-01T10:00:00Z'),
        toHour: t('2026-05-01T11:00:00Z'),
        asOf: t('2026-06-01T00:00:00Z'),
      },
    );
    expect(hours.get(t('2026-05-01T10:00:00Z'))).toEqual({
      peakSessions: 2,
      sessionsStarted: 3,
      denied: 0,
      seatSeconds: 3600,
    });
  });

  it('filters sessions and denials by role', () => {
    const sessions = [
      session('2026-05-01T10:00:00Z', '2026-05-01T10:30:00Z', ['All Users', 'Designers']),
      session('2026-05-01T10:00:00Z', '2026-05-01T10:30:00Z', ['All Users']),
    ];
    const denials = [
      { licenseId: 'lic_a', at: '2026-05-01T10:10:00Z', roles: ['All Users', 'Designers'] },
      { licenseId: 'lic_a', at: '2026-05-01T10:11:00Z', roles: ['All Users'] },
    ];
    const range = {
      fromHour: t('2026-05-01T10:00:00Z'),
      toHour: t('2026-05-01T11:00:00Z'),
      asOf: t('2027-01-01'),
    };
    const hour = t('2026-05-01T10:00:00Z');
    expect(usageByHour(sessions, denials, { ...range, role: 'Designers' }).get(hour)).toEqual({
      peakSessions: 1,
      sessionsStarted: 1,
      denied: 1,
      seatSeconds: 1800,
    });
    expect(usageByHour(sessions, denials, range).get(hour)).toMatchObject({ peakSessions: 2, denied: 2 });
  });

  it('never counts more seat time in an hour than peak x one hour (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * 3600 }), fc.integer({ min: 0, max: 5 * 3600 })), {
          maxLength: 20,
        }),
        (spans) => {
          const base = t('2026-12-31T22:00:00Z');
          const sessions = spans.map(([a, b]) =>
            session(iso(base + Math.min(a, b) * 1000), iso(base + Math.max(a, b) * 1000)),
          );
          const hours = usageByHour(sessions, [], {
            fromHour: base,
            toHour: base + 5 * HOUR_MS,
            asOf: base + 6 * HOUR_MS,
          });
          let total = 0;
          for (const stats of hours.values()) {
            expect(stats.seatSeconds).toBeLessThanOrEqual(stats.peakSessions * 3600 + 1e-9);
            total += stats.seatSeconds;
          }
          const expected = spans.reduce((sum, [a, b]) => sum + Math.abs(a - b), 0);
          expect(total).toBeCloseTo(expected, 6);
        },
      ),
    );
  });
});

describe('peak overlap', () => {
  const cases: { intervals: [number, number][]; peak: number }[] = [
    { intervals: [], peak: 0 },
    { intervals: [[0, 10]], peak: 1 },
    {
      intervals: [
        [0, 10],
        [10, 20],
      ],
      peak: 1,
    },
    {
      intervals: [
        [0, 10],
        [5, 20],
        [6, 7],
      ],
      peak: 3,
    },
    { intervals: [[5, 5]], peak: 0 },
  ];
  it.each(cases)('peakOverlap($intervals) = $peak', ({ intervals, peak }) => {
    expect(peakOverlap(intervals)).toBe(peak);
  });
});

describe('rollups', () => {
  it('writes totals and one per role for hours with activity only', () => {
    const entries = rollupsFor(
      [session('2026-05-01T10:15:00Z', '2026-05-01T11:15:00Z', ['All Users', 'Designers'])],
      [{ licenseId: 'lic_b', at: '2026-05-01T12:30:00Z', roles: ['All Users'] }],
      t('2026-05-01T09:00:00Z'),
      t('2026-05-01T13:00:00Z'),
    );
    const keysOf = entries.map((e) => `${e.licenseId} ${iso(e.hourStart).slice(11, 13)} ${e.role}`).sort();
    expect(keysOf).toEqual([
      'lic_a 10 *',
      'lic_a 10 role:All Users',
      'lic_a 10 role:Designers',
      'lic_a 11 *',
      'lic_a 11 role:All Users',
      'lic_a 11 role:Designers',
      'lic_b 12 *',
      'lic_b 12 role:All Users',
    ]);
    expect(roleKey(undefined)).toBe('*');
  });

  it('combines hours into a day: peak is the highest hour, the rest add up', () => {
    expect(
      combine([
        { peakSessions: 2, sessionsStarted: 3, denied: 1, seatSeconds: 100 },
        { peakSessions: 5, sessionsStarted: 1, denied: 0, seatSeconds: 50 },
      ]),
    ).toEqual({ peakSessions: 5, sessionsStarted: 4, denied: 1, seatSeconds: 150 });
  });
});

describe('rollups from changes', () => {
  const HOUR0 = t('2027-03-01T00:00:00Z');
  const arbitrarySession = fc
    .record({
      license: fc.constantFrom('lic_a', 'lic_b'),
      start: fc.integer({ min: -3 * 60, max: 5 * 60 }),
      length: fc.option(fc.integer({ min: 1, max: 4 * 60 }), { nil: undefined }),
      roles: fc.subarray(['All Users', 'Designers', 'Managers'], { minLength: 1 }),
    })
    .map(
      (s): UsageSession => ({
        licenseId: s.license,
        startedAt: iso(HOUR0 + s.start * 60_000),
        endedAt: s.length === undefined ? undefined : iso(HOUR0 + (s.start + s.length) * 60_000),
        roles: s.roles,
      }),
    );

  it('equals the rollups of every session, from the opening counts and the sessions that changed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(arbitrarySession, { maxLength: 25 }),
        fc.array(
          fc.record({ license: fc.constantFrom('lic_a', 'lic_b'), minute: fc.integer({ min: 0, max: 179 }) }),
          {
            maxLength: 5,
          },
        ),
        fc.integer({ min: 1, max: 3 }),
        (sessions, rawDenials, hours) => {
          const from = HOUR0;
          const to = HOUR0 + hours * HOUR_MS;
          const denials = rawDenials.map((d) => ({
            licenseId: d.license,
            at: iso(from + d.minute * 60_000),
            roles: ['Designers'],
          }));
          const inWindow = denials.filter((d) => t(d.at) < to);
          // What a run reads: the counts open at `from`, the sessions started in the window, those ended since.
          const changed = sessions.filter(
            (s) =>
              (t(s.startedAt) >= from && t(s.startedAt) < to) ||
              (s.endedAt !== undefined && t(s.endedAt) >= from),
          );
          const { entries, closing } = rollupsFromChanges({
            opening: openCountsAt(sessions, from),
            changed,
            denials: inWindow,
            fromHour: from,
            toHour: to,
          });
          const key = (e: { licenseId: string; hourStart: number; role: string }) =>
            `${e.licenseId}|${e.hourStart}|${e.role}`;
          const expected = rollupsFor(sessions, inWindow, from, to).sort((a, b) =>
            key(a).localeCompare(key(b)),
          );
          expect(entries.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected);
          expect(closing).toEqual(openCountsAt(sessions, to));
        },
      ),
    );
  });
});

describe('report rows and CSV', () => {
  it('has one row per license per bucket with zeros, seat-hours rounded', () => {
    const day = t('2026-02-28T00:00:00Z');
    const rows = reportRows(['lic_a', 'lic_b'], [day, day + 24 * HOUR_MS], 'day', (licenseId, hour) =>
      licenseId === 'lic_a' && hour === day + 3 * HOUR_MS
        ? { peakSessions: 1, sessionsStarted: 1, denied: 2, seatSeconds: 1000 }
        : undefined,
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      start: '2026-02-28T00:00:00.000Z',
      licenseId: 'lic_a',
      peakSessions: 1,
      sessionsStarted: 1,
      denied: 2,
      seatHours: 0.2778,
    });
    expect(rows[3]).toEqual({
      start: '2026-03-01T00:00:00.000Z',
      licenseId: 'lic_b',
      peakSessions: 0,
      sessionsStarted: 0,
      denied: 0,
      seatHours: 0,
    });
    expect(toCsv(rows).split('\r\n').slice(0, 2)).toEqual([
      'start,licenseId,peakSessions,sessionsStarted,denied,seatHours',
      '2026-02-28T00:00:00.000Z,lic_a,1,1,2,0.2778',
    ]);
  });
});
