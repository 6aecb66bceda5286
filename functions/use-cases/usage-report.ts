// The usage report (GET /v1/reports/usage): rolled-up hours from the rollups, later hours from live records,
// combined into rows by the domain (domain/usage.ts).
import {
  bucketStarts,
  type HourStats,
  type Interval,
  reportRows,
  reportWindows,
  roleKey,
  type UsageRow,
  usageByHour,
} from '../../domain/usage.js';
import type { TableContext } from '../store/client.js';
import { createUsageStore } from '../store/usage.js';

/** One report: the account's licenses (CAL and design), the range, the bucket size and an optional role. */
export interface UsageReportRequest {
  accountId: string;
  licenseIds: readonly string[];
  from: Date;
  to: Date;
  interval: Interval;
  role?: string | undefined;
  now: Date;
}

/** The report rows (API.md "Usage reports"): one per license per bucket, zeros included. */
export async function usageReport(context: TableContext, request: UsageReportRequest): Promise<UsageRow[]> {
  const { accountId, licenseIds, from, to, interval, role, now } = request;
  const usage = createUsageStore(context);
  const buckets = bucketStarts(from, to, interval);
  const { first, historyEnd, liveFrom, liveTo } = reportWindows(
    buckets,
    interval,
    await usage.rolledUpThrough(),
    now,
  );
  const history = new Map<string, Map<number, HourStats>>();
  const live = new Map<string, Map<number, HourStats>>();
  if (first < historyEnd) {
    await Promise.all(
      licenseIds.map(async (licenseId) => {
        history.set(licenseId, await usage.rollups(accountId, licenseId, first, historyEnd, roleKey(role)));
      }),
    );
  }
  if (liveFrom < liveTo) {
    const sessions = await usage.sessionsOverlapping(accountId, licenseIds, liveFrom, liveTo);
    const denials = await usage.denials(accountId, liveFrom, liveTo, licenseIds);
    for (const licenseId of licenseIds) {
      live.set(
        licenseId,
        usageByHour(
          sessions.filter((session) => session.licenseId === licenseId),
          denials.filter((denial) => denial.licenseId === licenseId),
          { fromHour: liveFrom, toHour: liveTo, asOf: now.getTime(), role },
        ),
      );
    }
  }
  return reportRows(licenseIds, buckets, interval, (licenseId, hour) =>
    hour < historyEnd ? history.get(licenseId)?.get(hour) : live.get(licenseId)?.get(hour),
  );
}
