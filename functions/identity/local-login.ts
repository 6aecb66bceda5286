// Local sign-in (POST /v1/auth/token): which stored principal a username and password name, in constant time.
import { normalizeEmail } from '../../domain/account.js';
import type { Subject } from '../../domain/identity.js';
import { createAccountStore } from '../store/accounts.js';
import type { TableContext } from '../store/client.js';
import { createPrincipalStore } from '../store/principals.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

/**
 * The subject `username` and `password` sign in as, or null when they do not match. `username` is an operator's
 * id (the built-in `operator`) or a user's email, case-insensitive. Both records are read at once and a username
 * without a password hash is checked against a dummy hash, so an unknown username takes as long as a wrong
 * password (API.md "A wrong password and an unknown username take the same time"). Whether the principal is
 * still enabled is for the caller to ask (loadCaller).
 */
export async function checkLocalLogin(
  context: TableContext,
  username: string,
  password: string,
): Promise<Subject | null> {
  const [operator, login] = await Promise.all([
    createPrincipalStore(context).operatorLogin(username),
    createAccountStore(context).getLogin(normalizeEmail(username)),
  ]);
  const found: { subject: Subject; passwordHash: string } | null = operator?.passwordHash
    ? { subject: { kind: 'operator', userId: operator.userId }, passwordHash: operator.passwordHash }
    : login?.passwordHash
      ? {
          subject: { kind: 'user', userId: login.userId, accountId: login.accountId },
          passwordHash: login.passwordHash,
        }
      : null;
  const matches = await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash()));
  return found && matches ? found.subject : null;
}
