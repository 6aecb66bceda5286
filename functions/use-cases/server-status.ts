// A server's licensing state (GET /v1/servers/{serverId}/status): its holdings, the account's licenses, then
// the one domain rule (domain/server-status.ts stateOfServer).
import { type ServerState, stateOfServer } from '../../domain/server-status.js';
import type { TableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import type { Page, PageRequest } from '../store/paging.js';
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

/** A server as GET /v1/servers lists it. */
export interface ListedServer {
  serverId: string;
  hostName: string;
  state: ServerState;
  createdAt: string;
}

/**
 * A page of the account's servers with their state at `now` (GET /v1/servers): one Query for the page, then the
 * account's licenses and every holding once for the whole page, whatever its size.
 */
export async function listServersWithState(
  ctx: TableContext,
  accountId: string,
  page: PageRequest,
  now: Date,
): Promise<Page<ListedServer>> {
  const servers = createServerStore(ctx);
  const listed = await servers.listPage(accountId, page);
  if (listed.items.length === 0) return { items: [], nextToken: listed.nextToken };
  const [holdings, licenses] = await Promise.all([
    servers.allHoldings(accountId),
    createLicenseStore(ctx).listAll(accountId),
  ]);
  return {
    items: listed.items.map((server) => ({
      serverId: server.serverId,
      hostName: server.hostName,
      state: stateOfServer(server.serverId, holdings, licenses, now).state,
      createdAt: server.createdAt,
    })),
    nextToken: listed.nextToken,
  };
}
