// A server's licensing state read from the store: its holdings, the account's CALs, then the one domain rule.
import { isValidAt } from '../../domain/license.js';
import { serverState, type ServerState } from '../../domain/server-status.js';
import type { TableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import { createServerStore } from '../store/servers.js';

export interface ServerStateDetail {
  state: ServerState;
  /** Server licenses the server has acquired (current terms, renewals included). */
  serverLicenseIds: string[];
  /** Valid CAL licenses of the account at `now`. */
  validCalLicenseIds: string[];
}

/** The state of one server of the account; a missing server or another account's → NotFoundError('server'). */
export async function loadServerState(
  ctx: TableContext,
  accountId: string,
  serverId: string,
  now: Date,
): Promise<ServerState> {
  return (await loadServerStateDetail(ctx, accountId, serverId, now)).state;
}

export async function loadServerStateDetail(
  ctx: TableContext,
  accountId: string,
  serverId: string,
  now: Date,
): Promise<ServerStateDetail> {
  const servers = createServerStore(ctx);
  await servers.require(accountId, serverId);
  const [holdings, licenses] = await Promise.all([
    servers.holdings(accountId, serverId),
    createLicenseStore(ctx).listAll(accountId),
  ]);
  const byId = new Map(licenses.map((license) => [license.licenseId, license]));
  // A holding keeps the term it was acquired with; the license item has the current one (renewals).
  const heldServerLicenses = holdings
    .filter((holding) => holding.kind === 'server')
    .map((holding) => byId.get(holding.licenseId) ?? holding);
  const accountCals = licenses.filter((license) => license.kind === 'cal');
  const state = serverState({ heldServerLicenses, accountCals, now });
  return {
    state,
    serverLicenseIds: heldServerLicenses.map((license) => license.licenseId),
    validCalLicenseIds: accountCals.filter((cal) => isValidAt(cal, now)).map((cal) => cal.licenseId),
  };
}
