// POST /v1/auth/token: the local runtime's token issuer (in AWS, Cognito issues ID tokens instead).
import { normalizeEmail } from '../../domain/account.js';
import { UnauthorizedError } from '../../domain/errors.js';
import { createGroupHandler } from '../http/handler.js';
import { verifyPassword } from '../identity/passwords.js';
import { issueLocalToken, TOKEN_TTL_SECONDS } from '../identity/tokens.js';
import { requiredEnv } from '../runtime/config.js';
import { createAccountStore } from '../store/accounts.js';
import { tableContext } from '../store/client.js';

const BAD_CREDENTIALS = 'Wrong username or password; check them and try again.';

export const handler = createGroupHandler('auth', {
  issueToken: async ({ body, now }) => {
    const secret = requiredEnv('LOCAL_JWT_SECRET');
    const operatorName = process.env.OPERATOR_USERNAME || 'operator';
    const operatorPassword = process.env.OPERATOR_PASSWORD || 'operator';
    let token: string;
    if (body.username === operatorName) {
      if (body.password !== operatorPassword) throw new UnauthorizedError(BAD_CREDENTIALS);
      token = await issueLocalToken({ sub: 'operator', admin: false, operator: true }, secret, now);
    } else {
      const login = await createAccountStore(tableContext()).getLogin(normalizeEmail(body.username));
      if (!login?.passwordHash || !(await verifyPassword(body.password, login.passwordHash))) {
        throw new UnauthorizedError(BAD_CREDENTIALS);
      }
      token = await issueLocalToken(
        { sub: login.userId, account: login.accountId, admin: login.admin, operator: false },
        secret,
        now,
      );
    }
    return {
      statusCode: 200,
      body: { accessToken: token, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS },
    };
  },
});
