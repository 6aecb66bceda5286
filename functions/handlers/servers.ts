// NEXUS servers: register, list, delete (ends sessions, frees System seats, revokes credentials), acquire From
// cloud, import From file, status.
import { alfValueProblem, describeVerdict, verifyAlf } from '../../domain/alf.js';
import { type AuditAction, type AuditActor, actorOf } from '../../domain/audit.js';
import { InvalidLicenseFileError, InvalidRequestError, NotFoundError } from '../../domain/errors.js';
import { acquisitionRefusal, type License } from '../../domain/license.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { listServersWithState, serverStateDetail } from '../use-cases/server-status.js';
import { keySource, signer } from '../signing/index.js';
import { type IssuedFile, issueAlf } from '../signing/issue.js';
import type { TableContext } from '../store/client.js';
import { tableContext } from '../store/client.js';
import { newId } from '../store/ids.js';
import { createLicenseStore } from '../store/licenses.js';
import { pageRequest } from '../store/paging.js';
import { withRetry } from '../store/retry.js';
import {
  createServerStore,
  HoldingExistsError,
  MAX_LICENSES_PER_ACQUISITION,
  type Server,
} from '../store/servers.js';
import { seatLeasingFor, serverCredentialsFor } from '../use-cases/store-ports.js';

/** Who acquires, and how: an acquisition From cloud or an import From file (their audit actions). */
interface AcquiredBy {
  actor: AuditActor;
  action: Extract<AuditAction, 'license.acquired' | 'license.imported'>;
}

/**
 * Acquires licenses for a server, all or nothing: a Server license takes one System seat in the same
 * transaction as its holding, and each new license its audit record (`by`); licenses the server already holds
 * take nothing and are not logged again. Returns the licenses and how many were new.
 */
async function acquire(
  context: TableContext,
  server: Server,
  licenseIds: readonly string[],
  now: Date,
  by: AcquiredBy,
): Promise<{ licenses: License[]; acquired: number }> {
  const servers = createServerStore(context);
  const licenseStore = createLicenseStore(context);
  const licenses: License[] = [];
  for (const licenseId of licenseIds) licenses.push(await licenseStore.require(server.accountId, licenseId));
  // Any unusable license refuses the whole request before anything is written; the transaction checks again.
  for (const license of licenses) {
    const refusal = acquisitionRefusal(license, now);
    if (refusal) throw refusal;
  }
  // A holding that appeared between our read and our write means a concurrent request of this same server
  // took it: read again and acquire what is still missing.
  for (let round = 0; ; round++) {
    const held = new Set(
      (await servers.holdings(server.accountId, server.serverId))
        .filter((holding) => !holding.releasedAt)
        .map((holding) => holding.licenseId),
    );
    const fresh = licenses.filter((license) => !held.has(license.licenseId));
    if (fresh.length > MAX_LICENSES_PER_ACQUISITION) {
      throw new InvalidRequestError(
        `Acquire at most ${MAX_LICENSES_PER_ACQUISITION} new licenses per request; send the rest in another.`,
      );
    }
    const audit = (license: License) => ({
      eventId: newId('evt'),
      accountId: server.accountId,
      at: now.toISOString(),
      actor: by.actor,
      action: by.action,
      targetId: license.licenseId,
      details: { serverId: server.serverId, hostName: server.hostName, product: license.product },
    });
    try {
      await withRetry(() => servers.acquire(server.accountId, server.serverId, fresh, now, audit));
      return { licenses, acquired: fresh.length };
    } catch (error) {
      if (!(error instanceof HoldingExistsError) || round >= 2) throw error;
    }
  }
}

async function filesFor(server: Server, licenses: License[], now: Date): Promise<IssuedFile[]> {
  const current = signer();
  const files: IssuedFile[] = [];
  // The server's id is the host: the file is for this server, acquired From cloud.
  for (const license of licenses) {
    files.push(await issueAlf(current, license, { hostId: server.serverId, hostName: server.hostName }, now));
  }
  return files;
}

export const handler = createGroupHandler('servers', storedCallers, {
  registerServer: async ({ body, caller, now }) => {
    // The host name goes into every file this server acquires: refuse now what a file could not carry.
    const problem = alfValueProblem(body.hostName);
    if (problem) throw new InvalidRequestError(`Invalid body: hostName ${problem}.`);
    const server = {
      serverId: newId('srv'),
      accountId: caller.accountId,
      hostName: body.hostName,
      createdAt: now.toISOString(),
    };
    await createServerStore(tableContext()).create(server, {
      eventId: newId('evt'),
      accountId: caller.accountId,
      at: server.createdAt,
      actor: actorOf(caller),
      action: 'server.registered',
      targetId: server.serverId,
      details: { hostName: server.hostName },
    });
    return { statusCode: 201, body: { serverId: server.serverId, hostName: server.hostName } };
  },

  listServers: async ({ query, caller, now }) => {
    const request = await pageRequest(query, { list: 'servers', accountId: caller.accountId });
    const page = await listServersWithState(tableContext(), caller.accountId, request, now);
    return { statusCode: 200, body: { servers: page.items, nextToken: page.nextToken } };
  },

  deleteServer: async ({ params, caller, now }) => {
    const context = tableContext();
    await seatLeasingFor(context).removeServer(caller.accountId, params.serverId, now, actorOf(caller));
    // Its tokens already answer 401 (the server is gone); this makes its secrets unusable for good too.
    await serverCredentialsFor(context).revokeAllOfRemovedServer(
      caller.accountId,
      params.serverId,
      actorOf(caller),
      now,
    );
    return { statusCode: 204 };
  },

  acquireLicenses: async ({ params, body, caller, now }) => {
    const context = tableContext();
    const server = await createServerStore(context).require(caller.accountId, params.serverId);
    const { licenses, acquired } = await acquire(context, server, body.licenseIds, now, {
      actor: actorOf(caller),
      action: 'license.acquired',
    });
    const files = await filesFor(server, licenses, now);
    return { statusCode: acquired > 0 ? 201 : 200, body: { files } };
  },

  serverStatus: async ({ params, caller, now }) => {
    const detail = await serverStateDetail(tableContext(), caller.accountId, params.serverId, now);
    return {
      statusCode: 200,
      body: {
        serverId: params.serverId,
        state: detail.state,
        serverLicenseIds: detail.serverLicenseIds,
        validCalLicenseIds: detail.validCalLicenseIds,
      },
    };
  },

  importLicenseFile: async ({ params, rawBody, caller, now }) => {
    const context = tableContext();
    const server = await createServerStore(context).require(caller.accountId, params.serverId);
    const verdict = verifyAlf(rawBody, await keySource().publicKeys());
    if (!verdict.valid) {
      throw new InvalidLicenseFileError(`This is not a valid license file: ${describeVerdict(verdict)}.`);
    }
    const { grant } = verdict;
    // A genuine file of another account is refused exactly like a forged one: nothing about it is revealed.
    const license =
      grant.accountId === caller.accountId
        ? await createLicenseStore(context).get(caller.accountId, grant.licenseId)
        : null;
    if (!license || license.activationCode !== grant.activationCode) {
      throw new InvalidLicenseFileError(
        'This license file was not issued to your account; download the file from your own account.',
      );
    }
    try {
      const { acquired } = await acquire(context, server, [license.licenseId], now, {
        actor: actorOf(caller),
        action: 'license.imported',
      });
      return {
        statusCode: acquired > 0 ? 201 : 200,
        body: {
          licenseId: license.licenseId,
          product: license.product,
          kind: license.kind,
          validUntil: license.validUntil,
        },
      };
    } catch (error) {
      // The license was deleted after the file was issued: the file no longer grants anything.
      if (error instanceof NotFoundError)
        throw new InvalidLicenseFileError('The license of this file no longer exists.');
      throw error;
    }
  },
});
