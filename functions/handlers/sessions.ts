import { BusyError, NotFoundError, RoamingNotAllowedError } from '../../domain/errors.js';
import { CLIENT_PRODUCT } from '../../domain/products.js';
import { capOf, durationSeconds, heartbeatExpiry, roamingEnd } from '../../domain/sessions.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { CHANGE_ATTEMPTS, signIn } from '../services/sign-in.js';
import { createAssignmentStore } from '../store/assignments.js';
import { type TableContext, tableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import { pageRequest } from '../store/paging.js';
import { SEAT_RETRY, withRetry } from '../store/retry.js';
import { createSessionStore } from '../store/sessions.js';

/** A live session of the caller's account, or 404 (ended, missing, or another account's). */
async function liveSession(ctx: TableContext, accountId: string, sessionId: string) {
  const current = await createSessionStore(ctx).read(accountId, sessionId);
  if (!current || current.session.endedAt) throw new NotFoundError('session');
  return current;
}

export const handler = createGroupHandler('sessions', storedCallers, {
  signIn: async ({ params, body, caller, now }) =>
    signIn(tableContext(), {
      accountId: caller.accountId,
      serverId: params.serverId,
      userId: body.userId,
      machineId: body.machineId,
      client: body.client,
      product: body.product,
      licenseId: body.licenseId,
      now,
    }),

  heartbeat: async ({ params, caller, now }) => {
    const ctx = tableContext();
    const { session } = await liveSession(ctx, caller.accountId, params.sessionId);
    const license = await createLicenseStore(ctx).get(caller.accountId, session.licenseId);
    const touched = await createSessionStore(ctx).touch(
      caller.accountId,
      session.sessionId,
      heartbeatExpiry(session, now, capOf(session, license)),
    );
    if (!touched) throw new NotFoundError('session');
    return { statusCode: 200, body: { expiresAt: touched.expiresAt } };
  },

  endSession: async ({ params, caller, now }) => {
    const ctx = tableContext();
    const { session } = await liveSession(ctx, caller.accountId, params.sessionId);
    const ended = await withRetry(() =>
      createSessionStore(ctx).endSession(caller.accountId, session.sessionId, 'signed_out', now, { session }),
    );
    if (!ended) throw new NotFoundError('session');
    return { statusCode: 204 };
  },

  startRoaming: async ({ params, body, caller, now }) => {
    const ctx = tableContext();
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      const { session, version } = await liveSession(ctx, caller.accountId, params.sessionId);
      const assignment =
        session.product === CLIENT_PRODUCT && !session.adminSeat
          ? await createAssignmentStore(ctx).get(caller.accountId, session.licenseId, session.assignmentId)
          : null;
      if (!assignment?.allowRoaming) {
        throw new RoamingNotAllowedError(
          session.product === CLIENT_PRODUCT
            ? "This seat's assignment does not allow roaming; an administrator can turn on allowRoaming for it."
            : 'Only Altium NEXUS design-software seats may roam; connection (CAL) seats cannot.',
        );
      }
      const license = await createLicenseStore(ctx).require(caller.accountId, session.licenseId);
      const roamingUntil = roamingEnd(now, body.days, license);
      if (await createSessionStore(ctx).change(session, version, { roamingUntil })) {
        return { statusCode: 200, body: { roamingUntil } };
      }
    }
    throw new BusyError(SEAT_RETRY.retryAfterSeconds);
  },

  endRoaming: async ({ params, caller, now }) => {
    const ctx = tableContext();
    const { session } = await liveSession(ctx, caller.accountId, params.sessionId);
    if (!session.roamingUntil) throw new NotFoundError('roaming seat');
    const ended = await withRetry(() =>
      createSessionStore(ctx).endSession(caller.accountId, session.sessionId, 'roaming_ended', now, {
        session,
      }),
    );
    if (!ended) throw new NotFoundError('roaming seat');
    return { statusCode: 204 };
  },

  listLicenseSessions: async ({ params, query, caller, now }) => {
    const ctx = tableContext();
    // The token is checked first: API.md orders 400 before 404.
    const request = await pageRequest(query, {
      list: 'licenseSessions',
      accountId: caller.accountId,
      filter: { licenseId: params.licenseId },
    });
    await createLicenseStore(ctx).require(caller.accountId, params.licenseId);
    const page = await createSessionStore(ctx).listOfLicense(params.licenseId, request);
    return {
      statusCode: 200,
      body: {
        sessions: page.items
          .filter((s) => s.accountId === caller.accountId)
          .map((s) => ({
            sessionId: s.sessionId,
            userId: s.userId,
            machineId: s.machineId,
            clients: s.clients,
            startedAt: s.startedAt,
            durationSeconds: durationSeconds(s, now),
            expiresAt: s.expiresAt,
            roamingUntil: s.roamingUntil,
          })),
        nextToken: page.nextToken,
      },
    };
  },
});
