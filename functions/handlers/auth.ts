// POST /v1/auth/token: the local runtime's token issuer (in AWS, Cognito issues ID tokens instead).
import { normalizeEmail } from '../../domain/account.js';
import { UnauthorizedError } from '../../domain/errors.js';
import { LOGIN_FAILURES } from '../../domain/rate-limit.js';
import { loadCaller } from '../http/authenticate.js';
import { createGroupHandler, publicOnly } from '../http/handler.js';
import { checkLocalLogin } from '../identity/local-login.js';
import { issueLocalToken, TOKEN_TTL_SECONDS } from '../identity/tokens.js';
import { wallClock } from '../runtime/clock.js';
import { requiredEnv } from '../runtime/config.js';
import { tableContext } from '../store/client.js';
import { createPrincipalStore } from '../store/principals.js';
import { createRateLimiter } from '../store/rate-limits.js';

const BAD_CREDENTIALS = 'Wrong username or password; check them and try again.';
/** Said only to someone who gave the right password: the user exists but may not sign in. */
const NOT_ENABLED =
  'This user (or its account) is disabled or deleted; ask an administrator of your account to enable it.';
const TOO_MANY_FAILURES =
  'Too many failed sign-ins for this username; wait for the time in retry-after, then try again.';

export const handler = createGroupHandler('auth', publicOnly, {
  issueToken: async ({ body }) => {
    const secret = requiredEnv('LOCAL_JWT_SECRET');
    const context = tableContext();
    // Tokens live in real time, whatever the licensing clock says (see wallClock).
    const at = wallClock();
    const limiter = createRateLimiter(context);
    // Every attempt is counted before the password is checked, so parallel guesses cannot outrun the limit;
    // a right one is taken back below. Unknown usernames are counted too: they must look like known ones.
    const attempt = await limiter.take(LOGIN_FAILURES, normalizeEmail(body.username), at, TOO_MANY_FAILURES);
    const subject = await checkLocalLogin(context, body.username, body.password);
    // A disabled or deleted user (or operator) signs in no more: API.md "POST /v1/auth/token for a disabled user → 401".
    const caller = subject ? await loadCaller(subject, createPrincipalStore(context)) : null;
    // A password names a user or an operator, never a server (servers exchange secrets: handlers/credentials.ts).
    if (!subject) throw new UnauthorizedError(BAD_CREDENTIALS);
    if (!caller || caller.kind === 'server') throw new UnauthorizedError(NOT_ENABLED);
    await limiter.refund(attempt);
    // admin/operator go into the token for clients to read; the portal itself reads roles from the store.
    const token = await issueLocalToken(
      caller.kind === 'operator'
        ? { sub: caller.userId, admin: false, operator: true }
        : { sub: caller.userId, account: caller.accountId, admin: caller.admin, operator: false },
      secret,
      at,
    );
    return {
      statusCode: 200,
      body: { accessToken: token, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS },
    };
  },
});
