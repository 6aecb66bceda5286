// Step: end every session whose Expiry item is due by the run's time — reclaimed, roaming ended, or its
// license expired (API.md: "when a license expires its sessions end at the next hourly check").
import { dueSessionDecision, type HourlySummary, summaryFieldOf } from '../../../domain/hourly-check.js';
import { BusyError } from '../../../domain/errors.js';
import { logger } from '../../runtime/logger.js';
import { holderFromItem } from '../../store/seat-items.js';
import type { Budget, HourlyCheckPorts } from './ports.js';

/** Returns false when the budget ran out before every due session was looked at. */
export async function reclaimDueSessions(
  ports: HourlyCheckPorts,
  at: Date,
  summary: HourlySummary,
  budget: Budget,
): Promise<boolean> {
  // The licenses ending by `at` are still on the due index (a license leaves it only after its sessions ended):
  // one small read instead of one per due session.
  const expired = new Set<string>();
  for await (const page of ports.due.pages('LICENSE', at)) {
    for (const item of page)
      if (item.entity === 'License') expired.add(`${item.accountId}|${item.licenseId}`);
  }
  for await (const page of ports.due.pages('SESSION', at)) {
    for (const item of page) {
      if (budget.overtime()) return false;
      if (item.entity !== 'Expiry') continue;
      const holder = holderFromItem(item);
      const reason = dueSessionDecision(holder, expired.has(`${holder.accountId}|${holder.licenseId}`), at);
      if (!reason) continue;
      // A reclaim holds only while the session is still expired: a heartbeat that revived it wins.
      try {
        const ended = await ports.leasing.endHolder(
          holder,
          reason,
          at,
          reason === 'license_expired' ? undefined : at,
        );
        const field = summaryFieldOf(reason);
        if (ended && field) summary[field]++;
      } catch (error) {
        // One session that cannot be ended must not stop the rest: it stays due, and the next run tries again.
        if (error instanceof BusyError) continue;
        logger.error('hourly check: could not end a due session', {
          sessionId: holder.sessionId,
          error: error as Error,
        });
      }
    }
  }
  return true;
}
