// Step: hourly usage rollups of the completed hours since the last rollups, from changes: each account's counts
// open at the window's start plus the sessions that started or ended since (docs/seat-protocol.md "Rollups").
import { type HourlySummary, rollupWindow } from '../../../domain/hourly-check.js';
import { openCountsAt, rollupsFromChanges, type UsageSession } from '../../../domain/usage.js';
import type { HourlyRun } from '../../store/hourly-runs.js';
import type { Budget, HourlyCheckPorts } from './ports.js';

/** Returns false when the budget ran out before every account was rolled up (rolledUpThrough stays). */
export async function writeRollups(
  ports: HourlyCheckPorts,
  at: Date,
  previous: HourlyRun,
  summary: HourlySummary,
  budget: Budget,
): Promise<boolean> {
  const run = await ports.runs.getRun();
  const { fromHour, toHour } = rollupWindow(at, run.rolledUpThrough);
  if (fromHour < toHour) {
    const accounts = await ports.due.accountsWithLiveLicenses();
    for (const account of run.pendingAccounts) accounts.add(account);
    for (const accountId of [...accounts].sort()) {
      if (budget.overtime()) return false;
      summary.rollupsWritten += await rollUpAccount(ports, accountId, fromHour, toHour);
    }
  }
  // A pending account is done with once the rollups pass the run that made it pending.
  const settled =
    previous.lastRunAt && toHour > Date.parse(previous.lastRunAt) ? previous.pendingAccounts : [];
  await ports.runs.finishRollups(new Date(toHour).toISOString(), settled);
  return true;
}

/** One account's rollups of [fromHour, toHour); nothing when an earlier (cut-off) run already did them. */
async function rollUpAccount(ports: HourlyCheckPorts, accountId: string, fromHour: number, toHour: number) {
  const state = await ports.usage.rollupState(accountId);
  if (state && state.openAt >= toHour) return 0;
  const from = state && state.openAt > fromHour ? state.openAt : fromHour;
  // Live ones first, then ended ones: a session that ends in between is found among the ended, and wins.
  const started = await ports.usage.liveStartedIn(accountId, from, toHour);
  const ended = await ports.usage.endedSince(accountId, from);
  const byId = new Map<string, UsageSession>();
  for (const session of [...started, ...ended]) byId.set(session.sessionId ?? '', session);
  const changed = [...byId.values()];
  // Before the first rollups of an account (or after a gap), its open counts come from its live sessions once.
  const opening =
    state && state.openAt === from
      ? state.counts
      : openCountsAt([...(await ports.usage.liveStartedIn(accountId, 0, from)), ...ended], from);
  const denials = await ports.usage.denials(accountId, from, toHour);
  const { entries, closing } = rollupsFromChanges({ opening, changed, denials, fromHour: from, toHour });
  const written = await ports.usage.putRollups(accountId, entries);
  await ports.usage.putRollupState(accountId, toHour, closing);
  return written;
}
