// The Reports page's rules, apart from the page: the form's range, rows only while their license existed, the
// chart's series (peak sessions against seats, denied sign-ins marked) and the CSV cut the same way as the table.
import type { Schemas } from '../../client/index.js';
import type { License } from './format.js';

/** One row of the usage report. */
export type UsageRow = Schemas['UsageRow'];
/** The report's bucket size. */
export type Interval = 'hour' | 'day';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The API's longest ranges per interval (API.md), checked here first to say which control to change. */
export const MAX_RANGE_DAYS: Record<Interval, number> = { hour: 31, day: 366 };

/** The form's dates (`YYYY-MM-DD`, UTC, both days included) as the API's [from, to), or what to fix. */
export function reportRange(
  fromDay: string,
  toDay: string,
  interval: Interval,
): { from: string; to: string } | { error: string } {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const through = Date.parse(`${toDay}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(through)) return { error: 'Enter both From and To dates.' };
  if (through < from) return { error: 'To must be the same day as From or later.' };
  const to = through + DAY_MS;
  const days = (to - from) / DAY_MS;
  if (days > MAX_RANGE_DAYS[interval]) {
    const other = interval === 'hour' ? ' or choose Day' : '';
    return {
      error: `A report by ${interval} covers at most ${MAX_RANGE_DAYS[interval]} days; shorten the range${other}.`,
    };
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The end of the bucket that starts at `start`, in milliseconds. */
export function bucketEnd(start: string, interval: Interval): number {
  return Date.parse(start) + (interval === 'hour' ? HOUR_MS : DAY_MS);
}

/**
 * The rows of buckets in which their license existed: a bucket that ends before the license's term began
 * would only show zeros for a license nobody could have used then. Rows of unknown licenses stay.
 */
export function rowsWhileLicenseExisted(
  rows: readonly UsageRow[],
  licenses: ReadonlyMap<string, Pick<License, 'validFrom'>>,
  interval: Interval,
): UsageRow[] {
  return rows.filter((row) => {
    const license = licenses.get(row.licenseId);
    return !license || bucketEnd(row.start, interval) > Date.parse(license.validFrom);
  });
}

/** What one license's chart draws: per bucket, the peak of sessions, the seats, and denied sign-ins. */
export interface ChartData {
  licenseId: string;
  /** Bucket starts, in seconds (uPlot's time unit). */
  xs: number[];
  peak: number[];
  /** The license's seats while the bucket overlaps its term; null (a gap) outside it. */
  seats: (number | null)[];
  /** Denied sign-ins where there were any; null elsewhere, so only those buckets get a mark. */
  denied: (number | null)[];
  maxPeak: number;
  totalDenied: number;
}

/** The chart of one license from its rows (in time order). */
export function chartData(
  rows: readonly UsageRow[],
  license: Pick<License, 'licenseId' | 'seats' | 'validFrom' | 'validUntil'>,
  interval: Interval,
): ChartData {
  const own = rows
    .filter((row) => row.licenseId === license.licenseId)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const from = Date.parse(license.validFrom);
  const until = Date.parse(license.validUntil);
  return {
    licenseId: license.licenseId,
    xs: own.map((row) => Date.parse(row.start) / 1000),
    peak: own.map((row) => row.peakSessions),
    seats: own.map((row) =>
      bucketEnd(row.start, interval) > from && Date.parse(row.start) < until ? license.seats : null,
    ),
    denied: own.map((row) => (row.denied > 0 ? row.denied : null)),
    maxPeak: own.reduce((max, row) => Math.max(max, row.peakSessions), 0),
    totalDenied: own.reduce((sum, row) => sum + row.denied, 0),
  };
}

/**
 * The API's CSV (header `start,licenseId,…`, CRLF lines) with only the rows `keep` accepts, so the download
 * holds exactly the table's rows. The first two columns hold no commas or quotes (a time and an id).
 */
export function filterCsv(csv: string, keep: (start: string, licenseId: string) => boolean): string {
  const lines = csv.split(/\r\n/);
  const [header = '', ...rest] = lines;
  const kept = rest.filter((line) => {
    if (!line) return false;
    const [start = '', licenseId = ''] = line.split(',', 2);
    return keep(start, licenseId);
  });
  return `${[header, ...kept].join('\r\n')}\r\n`;
}
