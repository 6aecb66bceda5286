// A server's licensing state (GET /v1/servers/{serverId}/status): its holdings, the account's licenses, then
// the one domain rule (domain/server-status.ts stateOfServer).
import { type ServerState, stateOfServer } from '../../domain/server-status.js';
import type { TableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import { createServerStore } from '../store/servers.js';

/** The state and what it rests on. */
export interface ServerStateDetail {
  state: ServerState;
  /** Server licenses the server has acquired (current terms, renewals included). */
  serverLicenseIds: string[];
  /** Valid CAL licenses of the account at `now`. */
  validCalLicenseIds: string[];
}

/** The state of one server of the account at `now`; NotFoundError('server') when missing or being removed. */
export async function serverStateDetail(
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
  const { state, serverLicenses, validCals } = stateOfServer(serverId, holdings, licenses, now);
  return {
    state,
    serverLicenseIds: serverLicenses.map((license) => license.licenseId),
    validCalLicenseIds: validCals.map((cal) => cal.licenseId),
  };
}
