// Usage report math in UTC: hour and day buckets, per-hour usage of sessions and denials, rollups and CSV.
import { InvalidRequestError } from './errors.js';
import { csvText } from './csv.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export type Interval = 'hour' | 'day';

/** The widest [from, to) a report may ask for: rows grow with buckets x licenses and the report is not paged. */
export const MAX_RANGE_DAYS: Record<Interval, number> = { hour: 31, day: 366 };

/** Rollup key of the totals of all users; a role's rollup is keyed by roleKey(role). */
export const ALL_ROLES_KEY = '*';
export function roleKey(role: string | undefined): string {
  return role === undefined ? ALL_ROLES_KEY : `role:${role}`;
}

/** What usage needs of a session: when it held its seat, and the roles of its user at sign-in. */
export interface UsageSession {
  /** Present when read from the store (to tell one session from another). */
  sessionId?: string | undefined;
  licenseId: string;
  startedAt: string;
  /** Unset while the session is live: it holds its seat until it ends (reclaimed or not). */
  endedAt?: string | undefined;
  roles: readonly string[];
}

/** A refused sign-in, recorded against the first license the portal tried. */
export interface UsageDenial {
  licenseId: string;
  at: string;
  roles: readonly string[];
}

export interface HourStats {
  peakSessions: number;
  sessionsStarted: number;
  denied: number;
  /** Seat time inside the hour; kept in seconds so that sums stay exact until the report rounds them. */
  seatSeconds: number;
}

export interface UsageRow {
  start: string;
  licenseId: string;
  peakSessions: number;
  sessionsStarted: number;
  denied: number;
  seatHours: number;
}

export const USAGE_COLUMNS = [
  'start',
  'licenseId',
  'peakSessions',
  'sessionsStarted',
  'denied',
  'seatHours',
] as const satisfies readonly (keyof UsageRow)[];

export const ZERO: HourStats = Object.freeze({
  peakSessions: 0,
  sessionsStarted: 0,
  denied: 0,
  seatSeconds: 0,
});

export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export function floorDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function ceilHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

function floorTo(ms: number, interval: Interval): number {
  return interval === 'hour' ? floorHour(ms) : floorDay(ms);
}

const STEP: Record<Interval, number> = { hour: HOUR_MS, day: DAY_MS };

/** Checks a report's range: from before to, and no wider than the interval allows. */
export function checkRange(from: Date, to: Date, interval: Interval): void {
  const span = to.getTime() - from.getTime();
  if (!(span > 0)) throw new InvalidRequestError('Invalid query: from must be earlier than to.');
  const maxDays = MAX_RANGE_DAYS[interval];
  if (span > maxDays * DAY_MS) {
    throw new InvalidRequestError(
      `Invalid query: interval=${interval} allows a range of up to ${maxDays} days; narrow from and to or use ${interval === 'hour' ? 'interval=day' : 'a shorter range'}.`,
    );
  }
}

/** Starts (epoch ms) of the whole UTC hours or days that overlap [from, to). Days are UTC midnights: no DST. */
export function bucketStarts(from: Date, to: Date, interval: Interval): number[] {
  const starts: number[] = [];
  for (let t = floorTo(from.getTime(), interval); t < to.getTime(); t += STEP[interval]) starts.push(t);
  return starts;
}

/** The hours [start, end) of a bucket. */
export function hoursOf(bucketStart: number, interval: Interval): number[] {
  const hours: number[] = [];
  for (let t = bucketStart; t < bucketStart + STEP[interval]; t += HOUR_MS) hours.push(t);
  return hours;
}

function inRole(roles: readonly string[], role: string | undefined): boolean {
  return role === undefined || roles.includes(role);
}

/**
 * Usage per hour of [fromHour, toHour) (epoch ms, whole hours) as known at asOf: a live session holds its seat
 * until asOf, so an hour after asOf has no seat time. Only hours with some activity are in the map.
 * role: count only the sessions and denials of users in that role.
 */
export function usageByHour(
  sessions: readonly UsageSession[],
  denials: readonly UsageDenial[],
  range: { fromHour: number; toHour: number; asOf: number; role?: string | undefined },
): Map<number, HourStats> {
  const { fromHour, toHour, asOf, role } = range;
  const out = new Map<number, HourStats>();
  const intervals = new Map<number, [number, number][]>();
  const stats = (hour: number): HourStats => {
    let entry = out.get(hour);
    if (!entry) {
      entry = { ...ZERO };
      out.set(hour, entry);
    }
    return entry;
  };

  for (const session of sessions) {
    if (!inRole(session.roles, role)) continue;
    const start = Date.parse(session.startedAt);
    const end = Math.min(session.endedAt ? Date.parse(session.endedAt) : asOf, asOf);
    const startHour = floorHour(start);
    if (startHour >= fromHour && startHour < toHour && start < asOf) stats(startHour).sessionsStarted++;
    const first = Math.max(floorHour(start), fromHour);
    const last = Math.min(end, toHour);
    for (let hour = first; hour < last; hour += HOUR_MS) {
      const s = Math.max(start, hour);
      const e = Math.min(end, hour + HOUR_MS);
      if (e <= s) continue;
      stats(hour).seatSeconds += (e - s) / 1000;
      let list = intervals.get(hour);
      if (!list) {
        list = [];
        intervals.set(hour, list);
      }
      list.push([s, e]);
    }
  }
  for (const [hour, list] of intervals) stats(hour).peakSessions = peakOverlap(list);

  for (const denial of denials) {
    if (!inRole(denial.roles, role)) continue;
    const hour = floorHour(Date.parse(denial.at));
    if (hour >= fromHour && hour < toHour) stats(hour).denied++;
  }
  return out;
}

/** Most half-open intervals [s, e) that overlap at one instant: one ending as another starts do not overlap. */
export function peakOverlap(intervals: readonly (readonly [number, number])[]): number {
  const events: [number, number][] = [];
  for (const [s, e] of intervals) {
    if (e <= s) continue;
    events.push([s, 1], [e, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of events) {
    current += delta;
    if (current > peak) peak = current;
  }
  return peak;
}

export interface RollupEntry {
  licenseId: string;
  hourStart: number;
  /** ALL_ROLES_KEY or roleKey(role). */
  role: string;
  stats: HourStats;
}

/**
 * The rollups of one account for the completed hours [fromHour, toHour): per license, the totals and one per
 * role of the users involved; hours without activity get none (a report reads a missing rollup as zeros).
 */
export function rollupsFor(
  sessions: readonly UsageSession[],
  denials: readonly UsageDenial[],
  fromHour: number,
  toHour: number,
): RollupEntry[] {
  const byLicense = new Map<string, { sessions: UsageSession[]; denials: UsageDenial[] }>();
  const group = (licenseId: string) => {
    let entry = byLicense.get(licenseId);
    if (!entry) {
      entry = { sessions: [], denials: [] };
      byLicense.set(licenseId, entry);
    }
    return entry;
  };
  for (const session of sessions) group(session.licenseId).sessions.push(session);
  for (const denial of denials) group(denial.licenseId).denials.push(denial);

  const out: RollupEntry[] = [];
  for (const [licenseId, usage] of byLicense) {
    const roles = new Set<string>();
    for (const item of [...usage.sessions, ...usage.denials]) for (const role of item.roles) roles.add(role);
    for (const role of [undefined, ...[...roles].sort()]) {
      const hours = usageByHour(usage.sessions, usage.denials, { fromHour, toHour, asOf: toHour, role });
      for (const [hourStart, stats] of hours) {
        if (isZero(stats)) continue;
        out.push({ licenseId, hourStart, role: roleKey(role), stats });
      }
    }
  }
  return out;
}

export function isZero(stats: HourStats): boolean {
  return (
    stats.peakSessions === 0 && stats.sessionsStarted === 0 && stats.denied === 0 && stats.seatSeconds === 0
  );
}

/** A bucket from its hours: the peak is the highest hourly peak (a bucket's peak is in one of its hours). */
export function combine(hours: Iterable<HourStats>): HourStats {
  const total = { ...ZERO };
  for (const hour of hours) {
    total.peakSessions = Math.max(total.peakSessions, hour.peakSessions);
    total.sessionsStarted += hour.sessionsStarted;
    total.denied += hour.denied;
    total.seatSeconds += hour.seatSeconds;
  }
  return total;
}

/** Seat-hours rounded to 1/10,000 hour (0.36 s): enough for billing talk, free of float noise. */
export function seatHours(seatSeconds: number): number {
  return Math.round((seatSeconds / 3600) * 10_000) / 10_000;
}

/**
 * The report rows: one per license per bucket, zeros included, in bucket then license order.
 * hourly(licenseId, hourStart) gives an hour's stats (rollup or live), undefined for none.
 */
export function reportRows(
  licenseIds: readonly string[],
  buckets: readonly number[],
  interval: Interval,
  hourly: (licenseId: string, hourStart: number) => HourStats | undefined,
): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const bucket of buckets) {
    const start = new Date(bucket).toISOString();
    for (const licenseId of licenseIds) {
      const stats = combine(
        hoursOf(bucket, interval)
          .map((hour) => hourly(licenseId, hour))
          .filter((s): s is HourStats => s !== undefined),
      );
      rows.push({
        start,
        licenseId,
        peakSessions: stats.peakSessions,
        sessionsStarted: stats.sessionsStarted,
        denied: stats.denied,
        seatHours: seatHours(stats.seatSeconds),
      });
    }
  }
  return rows;
}

/** RFC 4180 CSV with a header row of the JSON field names, CRLF line ends. */
export function toCsv(rows: readonly UsageRow[]): string {
  return csvText(
    USAGE_COLUMNS,
    rows.map((row) => USAGE_COLUMNS.map((column) => row[column])),
  );
}

/** Live sessions per license and role key (ALL_ROLES_KEY and roleKey(role)) at one instant. */
export type OpenCounts = Map<string, Map<string, number>>;

function bump(counts: OpenCounts, licenseId: string, key: string, by: number): void {
  const perRole = counts.get(licenseId) ?? new Map<string, number>();
  perRole.set(key, (perRole.get(key) ?? 0) + by);
  counts.set(licenseId, perRole);
}

function roleKeysOf(roles: readonly string[]): string[] {
  return [ALL_ROLES_KEY, ...new Set(roles)].map((role) => (role === ALL_ROLES_KEY ? role : roleKey(role)));
}

/** The counts of sessions live at `atMs` (started before it and not ended by then). */
export function openCountsAt(sessions: readonly UsageSession[], atMs: number): OpenCounts {
  const counts: OpenCounts = new Map();
  for (const session of sessions) {
    if (Date.parse(session.startedAt) >= atMs) continue;
    if (session.endedAt && Date.parse(session.endedAt) <= atMs) continue;
    for (const key of roleKeysOf(session.roles)) bump(counts, session.licenseId, key, 1);
  }
  return counts;
}

/**
 * The rollups of [fromHour, toHour) from changes (docs/seat-protocol.md "Rollups"): the counts open at fromHour
 * (the previous hour's closing state) plus the sessions that started in the window or ended at or after
 * fromHour, never every live session. Gives the same numbers as rollupsFor over all sessions, and the counts
 * open at toHour for the next window. Hours with no activity get no entry.
 */
export function rollupsFromChanges(input: {
  opening: OpenCounts;
  /** Sessions started in [fromHour, toHour) or ended at or after fromHour (each once). */
  changed: readonly UsageSession[];
  denials: readonly UsageDenial[];
  fromHour: number;
  toHour: number;
}): { entries: RollupEntry[]; closing: OpenCounts } {
  const { opening, fromHour, toHour } = input;
  const changed = input.changed.filter((s) => Date.parse(s.startedAt) < toHour);
  const licenses = new Set<string>([
    ...opening.keys(),
    ...changed.map((s) => s.licenseId),
    ...input.denials.map((d) => d.licenseId),
  ]);
  const entries: RollupEntry[] = [];
  const closing: OpenCounts = new Map();
  for (const licenseId of [...licenses].sort()) {
    const sessions = changed.filter((s) => s.licenseId === licenseId);
    const denials = input.denials.filter((d) => d.licenseId === licenseId);
    const keys = new Set<string>([ALL_ROLES_KEY, ...(opening.get(licenseId)?.keys() ?? [])]);
    for (const item of [...sessions, ...denials]) for (const key of roleKeysOf(item.roles)) keys.add(key);
    for (const key of [...keys].sort()) {
      const role = key === ALL_ROLES_KEY ? undefined : key.slice('role:'.length);
      const mine = sessions.filter((s) => inRole(s.roles, role));
      // Sessions open at fromHour that the changes name (they ended since) stand for themselves; the rest of
      // the opening count were live through the whole window.
      const namedOpen = mine.filter(
        (s) => Date.parse(s.startedAt) < fromHour && (!s.endedAt || Date.parse(s.endedAt) > fromHour),
      ).length;
      const unnamed = Math.max(0, (opening.get(licenseId)?.get(key) ?? 0) - namedOpen);
      const through: UsageSession[] = Array.from({ length: unnamed }, () => ({
        licenseId,
        startedAt: new Date(fromHour - 1).toISOString(),
        roles: role === undefined ? [] : [role],
      }));
      const all = [...through, ...mine];
      const hours = usageByHour(all, denials, { fromHour, toHour, asOf: toHour, role });
      for (const [hourStart, stats] of hours) {
        if (!isZero(stats)) entries.push({ licenseId, hourStart, role: key, stats });
      }
      const open = all.filter((s) => !s.endedAt || Date.parse(s.endedAt) > toHour).length;
      if (open > 0) bump(closing, licenseId, key, open);
    }
  }
  return { entries, closing };
}

/**
 * Where a report's hours come from (epoch ms, whole hours): [first, historyEnd) from the rollups the hourly
 * check wrote (history stays cheap after sessions are gone), [liveFrom, liveTo) computed from live records as
 * of now (the current hour included; nothing after now's hour). `rolledUpThrough`: the hour rollups reach, or
 * null before the first rollups.
 */
export function reportWindows(
  buckets: readonly number[],
  interval: Interval,
  rolledUpThrough: number | null,
  now: Date,
): { first: number; historyEnd: number; liveFrom: number; liveTo: number } {
  const first = buckets[0] ?? 0;
  const end = (buckets[buckets.length - 1] ?? first) + (interval === 'hour' ? HOUR_MS : DAY_MS);
  const rolled = rolledUpThrough ?? first;
  return {
    first,
    historyEnd: Math.max(first, Math.min(end, rolled)),
    liveFrom: Math.max(first, rolled),
    liveTo: Math.min(end, ceilHour(now.getTime())),
  };
}
