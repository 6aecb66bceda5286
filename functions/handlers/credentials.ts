// NEXUS servers' own credentials: create (the secret shown once), list, revoke, and exchange a secret for a
// server token. Thin: the rules are in functions/use-cases/server-credentials.ts and domain/.
import { actorOf } from '../../domain/audit.js';
import { credentialView } from '../../domain/credentials.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { wallClock } from '../runtime/clock.js';
import { tableContext } from '../store/client.js';
import { pageRequest } from '../store/paging.js';
import { serverCredentialsFor } from '../use-cases/store-ports.js';

export const handler = createGroupHandler('credentials', storedCallers, {
  createCredential: async ({ params, caller, now }) => {
    const created = await serverCredentialsFor(tableContext()).create(
      caller.accountId,
      params.serverId,
      actorOf(caller),
      now,
    );
    return { statusCode: 201, body: created };
  },

  listCredentials: async ({ params, query, caller }) => {
    // The token is checked first: API.md orders 400 before 404.
    const request = await pageRequest(query, {
      list: 'credentials',
      accountId: caller.accountId,
      filter: { serverId: params.serverId },
    });
    const page = await serverCredentialsFor(tableContext()).list(caller.accountId, params.serverId, request);
    return {
      statusCode: 200,
      body: { credentials: page.items.map(credentialView), nextToken: page.nextToken },
    };
  },

  revokeCredential: async ({ params, caller, now }) => {
    await serverCredentialsFor(tableContext()).revoke(
      caller.accountId,
      params.serverId,
      params.credentialId,
      actorOf(caller),
      now,
    );
    return { statusCode: 204 };
  },

  issueServerToken: async ({ body, event, now }) => {
    // Tokens and rate-limit windows live in real time, whatever the licensing clock says (see wallClock).
    const issued = await serverCredentialsFor(tableContext()).exchange(
      body.secret,
      event.requestContext.http.sourceIp,
      wallClock(),
      now,
    );
    return { statusCode: 200, body: { ...issued, tokenType: 'Bearer' } };
  },
});
