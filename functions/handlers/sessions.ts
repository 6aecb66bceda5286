// External PLS seats over HTTP: sign-in, heartbeat, sign-out / Kill Session, roaming, a license's sessions.
// Thin: every rule is in domain/, every seat change goes through functions/use-cases/seat-leasing.ts.
import { durationSeconds, type Session } from '../../domain/sessions.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { tableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import { pageRequest } from '../store/paging.js';
import { createSessionStore } from '../store/sessions.js';
import { seatLeasingFor } from '../use-cases/store-ports.js';

/** API.md's session body (sign-in 201/200). */
function sessionBody(session: Session) {
  return {
    sessionId: session.sessionId,
    licenseId: session.licenseId,
    assignmentId: session.assignmentId || null,
    userId: session.userId,
    machineId: session.machineId,
    product: session.product,
    clients: session.clients,
    startedAt: session.startedAt,
    expiresAt: session.expiresAt,
    roamingUntil: session.roamingUntil,
  };
}

export const handler = createGroupHandler('sessions', storedCallers, {
  signIn: async ({ params, body, caller, now }) => {
    const { status, session } = await seatLeasingFor(tableContext()).signIn({
      accountId: caller.accountId,
      serverId: params.serverId,
      userId: body.userId,
      machineId: body.machineId,
      client: body.client,
      product: body.product,
      licenseId: body.licenseId,
      now,
    });
    return { statusCode: status, body: sessionBody(session) };
  },

  heartbeat: async ({ params, caller, now }) => {
    const session = await seatLeasingFor(tableContext()).heartbeat(caller.accountId, params.sessionId, now);
    return { statusCode: 200, body: { expiresAt: session.expiresAt } };
  },

  endSession: async ({ params, caller, now }) => {
    await seatLeasingFor(tableContext()).endSession(caller.accountId, params.sessionId, now, {
      reason: 'killed',
      actor: { type: 'user', id: caller.userId },
    });
    return { statusCode: 204 };
  },

  startRoaming: async ({ params, body, caller, now }) => {
    const roamingUntil = await seatLeasingFor(tableContext()).startRoaming(
      caller.accountId,
      params.sessionId,
      body.days,
      now,
    );
    return { statusCode: 200, body: { roamingUntil } };
  },

  endRoaming: async ({ params, caller, now }) => {
    await seatLeasingFor(tableContext()).endRoaming(caller.accountId, params.sessionId, now);
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
            email: s.email,
            serverId: s.serverId,
            hostName: s.hostName,
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
