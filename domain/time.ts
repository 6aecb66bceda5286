// Calendar arithmetic in UTC: license terms are whole calendar months, clamped to the month's end.

/**
 * Adds calendar months (an integer, may be negative); a day that does not exist in the target month becomes its
 * last day (Jan 31 + 1 = Feb 28/29), the time of day is kept. API.md: "months are calendar months, clamped to the
 * month's end". Years 0-99 stay themselves (Date.UTC alone would read them as 1900-1999).
 */
export function addCalendarMonths(from: Date, months: number): Date {
  const month = from.getUTCMonth() + months;
  const targetYear = from.getUTCFullYear() + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const result = new Date(from.getTime());
  // The first of the target month, then its last day, then the day clamped to it: setUTCFullYear takes the
  // year as written, and the day is set last so that no intermediate date rolls over into the next month.
  result.setUTCDate(1);
  result.setUTCFullYear(targetYear, targetMonth + 1, 0);
  const lastDay = result.getUTCDate();
  result.setUTCFullYear(targetYear, targetMonth, Math.min(from.getUTCDate(), lastDay));
  return result;
}

/** `from` plus a number of seconds (may be fractional or negative). */
export function addSeconds(from: Date, seconds: number): Date {
  return new Date(from.getTime() + seconds * 1000);
}

/** `from` plus a number of 24-hour days (UTC has no daylight saving). */
export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * 86_400_000);
}

/** The ISO-8601 UTC string of a time, with milliseconds (e.g. 2026-11-30T04:00:00.000Z). */
export function iso(date: Date): string {
  return date.toISOString();
}

/** The earlier of two times (the first when equal). */
export function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

/** The later of two times (the first when equal). */
export function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
