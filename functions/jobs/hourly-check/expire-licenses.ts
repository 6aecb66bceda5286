// Step: licenses whose end has passed. A Server license's servers may lapse and a CAL's account may be left
// without a valid CAL (admin_only): such servers keep one connection. Then the license is counted expired once.
import { SYSTEM_ACTOR } from '../../../domain/audit.js';
import { type HourlySummary, lapseOf, restriction, restrictsServers } from '../../../domain/hourly-check.js';
import type { License } from '../../../domain/license.js';
import { isRestricted, stateOfServer } from '../../../domain/server-status.js';
import { planConversion } from '../../../domain/session-lifecycle.js';
import { licenseFromItem } from '../../store/licenses.js';
import type { Budget, HourlyCheckPorts } from './ports.js';

/** Conversions retried when the session changed between the read and the write (a heartbeat). */
const CONVERSION_ATTEMPTS = 3;

/** Returns false when the budget ran out before every due license was handled. */
export async function expireLicenses(
  ports: HourlyCheckPorts,
  at: Date,
  summary: HourlySummary,
  budget: Budget,
): Promise<boolean> {
  for await (const page of ports.due.pages('LICENSE', at)) {
    for (const item of page) {
      if (budget.overtime()) return false;
      if (item.entity !== 'License' || item.expiredAt) continue;
      const license = licenseFromItem(item);
      if (Date.parse(license.validUntil) > at.getTime()) continue; // renewed since the index was read
      // Servers first, then the count: a run cut off in between repeats these idempotent steps next time.
      if (restrictsServers(license)) await restrictServers(ports, license, at, summary);
      await ports.runs.addPendingAccount(license.accountId);
      const counted = await ports.licenses.markExpired(license.accountId, license.licenseId, at, {
        eventId: ports.newId('evt'),
        accountId: license.accountId,
        at: at.toISOString(),
        actor: SYSTEM_ACTOR,
        action: 'license.expired',
        targetId: license.licenseId,
        details: { product: license.product, validUntil: license.validUntil },
      });
      if (counted) summary.expiredLicenses++;
    }
  }
  return true;
}

/**
 * Every server of the license's account that is now admin_only or lapsed keeps one connection (domain rule
 * `restriction`): an administrator's session is converted into its administrative connection, the others end.
 * A lapsed server is counted once per lapse.
 */
async function restrictServers(ports: HourlyCheckPorts, expired: License, at: Date, summary: HourlySummary) {
  const accountId = expired.accountId;
  const [licenses, servers] = await Promise.all([
    ports.licenses.listAll(accountId),
    ports.servers.listAll(accountId),
  ]);
  const admins = new Map<string, boolean>();
  for (const server of servers) {
    if (server.removing) continue;
    const holdings = await ports.servers.holdings(accountId, server.serverId);
    if (expired.kind === 'server' && !holdings.some((h) => h.licenseId === expired.licenseId)) continue;
    const { state, serverLicenses } = stateOfServer(server.serverId, holdings, licenses, at);
    if (!isRestricted(state)) continue;
    // First the mark, then the read: a grant decided on the state before `at` can no longer land after the
    // read below (its server condition fails), so no connection escapes the restriction.
    await ports.servers.markRestricted(accountId, server.serverId, at);
    const holders = await ports.sessions.liveHolders(accountId, { serverId: server.serverId });
    for (const userId of new Set(holders.map((h) => h.userId))) {
      if (!admins.has(userId)) admins.set(userId, (await ports.users.get(accountId, userId))?.admin === true);
    }
    const plan = restriction({ state, sessions: holders, isAdmin: (id) => admins.get(id) === true, at });
    if (plan.keep && plan.convert) {
      for (let attempt = 0; attempt < CONVERSION_ATTEMPTS; attempt++) {
        const current = (await ports.sessions.liveHolders(accountId, { serverId: server.serverId })).find(
          (h) => h.sessionId === plan.keep?.sessionId,
        );
        if (!current || current.adminConnection) break;
        if ((await ports.ledger.write(planConversion(current))).ok) break;
      }
    }
    for (const holder of plan.end) await ports.leasing.endHolder(holder, 'server_restricted', at);
    const asOf = state === 'lapsed' ? lapseOf(serverLicenses, at) : null;
    if (asOf) {
      const marked = await ports.servers.markLapsed(accountId, server.serverId, asOf, at, {
        eventId: ports.newId('evt'),
        accountId,
        at: at.toISOString(),
        actor: { type: 'system', id: 'hourly-check' },
        action: 'server.lapsed',
        targetId: server.serverId,
        details: { hostName: server.hostName, lapsedAsOf: asOf },
      });
      if (marked) summary.lapsedServers++;
    }
  }
}
