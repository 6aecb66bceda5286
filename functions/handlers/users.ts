// Account administration over HTTP: the account's users (list, create, read, change, delete), and operators' list
// of any account's users. Thin: the rules are in domain/users.ts, the order of writes in functions/use-cases/users.ts.
import { actorOf } from '../../domain/audit.js';
import { userView } from '../../domain/users.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { identityProvider } from '../identity/select.js';
import { createAccountStore } from '../store/accounts.js';
import { tableContext } from '../store/client.js';
import { newId } from '../store/ids.js';
import { pageRequest } from '../store/paging.js';
import { createUserStore } from '../store/users.js';
import { seatLeasingFor } from '../use-cases/store-ports.js';
import { createUserAdministration } from '../use-cases/users.js';

/** The account administration of this process's table and identity provider. */
async function administration() {
  const ctx = tableContext();
  return createUserAdministration({
    users: createUserStore(ctx),
    identity: await identityProvider(),
    sessions: seatLeasingFor(ctx),
    newId,
  });
}

export const handler = createGroupHandler('users', storedCallers, {
  listUsers: async ({ query, caller }) => {
    const page = await pageRequest(query, {
      list: 'users',
      accountId: caller.accountId,
      filter: { email: query.email?.toLowerCase() },
    });
    const found = await (await administration()).list(caller.accountId, { email: query.email }, page);
    return { statusCode: 200, body: { users: found.items.map(userView), nextToken: found.nextToken } };
  },

  listAccountUsers: async ({ params, query }) => {
    // API.md's order: a bad query or page token (400) before an unknown account (404).
    const page = await pageRequest(query, {
      list: 'account-users',
      accountId: params.accountId,
      filter: { email: query.email?.toLowerCase() },
    });
    await createAccountStore(tableContext()).require(params.accountId);
    const found = await (await administration()).list(params.accountId, { email: query.email }, page);
    return { statusCode: 200, body: { users: found.items.map(userView), nextToken: found.nextToken } };
  },

  addUser: async ({ body, caller, now }) => {
    const user = await (await administration()).create(caller.accountId, body, actorOf(caller), now);
    return { statusCode: 201, body: userView(user) };
  },

  getUser: async ({ params, caller }) => {
    const user = await (await administration()).get(caller.accountId, params.userId);
    return { statusCode: 200, body: userView(user) };
  },

  updateUser: async ({ params, body, caller, now }) => {
    const user = await (await administration()).update(
      caller.accountId,
      params.userId,
      body,
      actorOf(caller),
      now,
    );
    return { statusCode: 200, body: userView(user) };
  },

  deleteUser: async ({ params, caller, now }) => {
    await (await administration()).remove(caller.accountId, params.userId, actorOf(caller), now);
    return { statusCode: 204 };
  },
});
