// External PLS seats over HTTP: sign-in, heartbeat, sign-out / Kill Session, roaming, a license's sessions and
// the account's live sessions (the Sessions page). Thin: every rule is in domain/, every seat change goes
// through functions/use-cases/seat-leasing.ts.
import { actorOf } from '../../domain/audit.js';
import type { AccountCaller } from '../../domain/identity.js';
import { durationSeconds, type Session } from '../../domain/sessions.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { tableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import { pageRequest } from '../store/paging.js';
import { createSessionStore } from '../store/sessions.js';
import type { ServerScope } from '../use-cases/seat-leasing.js';
import { seatLeasingFor } from '../use-cases/store-ports.js';

/** A NEXUS server's own token touches only its server's sessions; a user's token any of the account's. */
function scopeOf(caller: AccountCaller): ServerScope {
  return caller.kind === 'server' ? { serverId: caller.serverId } : {};
}

/** A row of a session list (API.md "GET /v1/licenses/{licenseId}/sessions"), read from the session alone. */
function sessionRow(session: Session, now: Date) {
  return {
    sessionId: session.sessionId,
    userId: session.userId,
    email: session.email,
    serverId: session.serverId,
    hostName: session.hostName,
    machineId: session.machineId,
    clients: session.clients,
    startedAt: session.startedAt,
    durationSeconds: durationSeconds(session, now),
    expiresAt: session.expiresAt,
    roamingUntil: session.roamingUntil,
  };
}

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
    const session = await seatLeasingFor(tableContext()).heartbeat(
      caller.accountId,
      params.sessionId,
      now,
      scopeOf(caller),
    );
    return { statusCode: 200, body: { expiresAt: session.expiresAt } };
  },

  endSession: async ({ params, caller, now }) => {
    // A server signs its user out (not audited); an administrator kills the session (API.md "session.killed").
    await seatLeasingFor(tableContext()).endSession(
      caller.accountId,
      params.sessionId,
      now,
      caller.kind === 'server'
        ? { reason: 'signed_out', serverId: caller.serverId }
        : { reason: 'killed', actor: actorOf(caller) },
    );
    return { statusCode: 204 };
  },

  startRoaming: async ({ params, body, caller, now }) => {
    const roamingUntil = await seatLeasingFor(tableContext()).startRoaming(
      caller.accountId,
      params.sessionId,
      body.days,
      now,
      scopeOf(caller),
    );
    return { statusCode: 200, body: { roamingUntil } };
  },

  endRoaming: async ({ params, caller, now }) => {
    await seatLeasingFor(tableContext()).endRoaming(caller.accountId, params.sessionId, now, scopeOf(caller));
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
        sessions: page.items.filter((s) => s.accountId === caller.accountId).map((s) => sessionRow(s, now)),
        nextToken: page.nextToken,
      },
    };
  },

  listSessions: async ({ query, caller, now }) => {
    const only = { serverId: query.serverId, userId: query.userId, licenseId: query.licenseId };
    const request = await pageRequest(query, { list: 'sessions', accountId: caller.accountId, filter: only });
    const page = await createSessionStore(tableContext()).listLiveOfAccount(caller.accountId, only, request);
    return {
      statusCode: 200,
      body: {
        sessions: page.items.map((s) => ({
          ...sessionRow(s, now),
          licenseId: s.licenseId,
          product: s.product,
        })),
        nextToken: page.nextToken,
      },
    };
  },
});
