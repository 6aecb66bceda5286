// NEXUS servers' own bearer tokens: HS256 JWTs the portal signs with its server-token key (functions/identity/
// server-keys.ts), in AWS and locally alike; the API's authorizer and the local gateway verify them.
import { jwtVerify, SignJWT } from 'jose';
import { TOKEN_LIFETIME_SECONDS } from '../../domain/identity.js';
import { SERVER_TOKEN_USE } from '../http/claims.js';
import { stringClaims } from './tokens.js';

/** Issuer and audience of server tokens: no other token of the portal (local or Cognito) carries these. */
export const SERVER_TOKEN_ISSUER = 'license-portal/server-tokens';
export const SERVER_TOKEN_AUDIENCE = 'license-portal';
/** Seconds a server token lives: the lifetime every token of the portal may have (domain/identity.ts). */
export const SERVER_TOKEN_TTL_SECONDS = TOKEN_LIFETIME_SECONDS;

/** What a server token names: the credential it was issued from, its server and its account. */
export interface ServerTokenClaims {
  credentialId: string;
  serverId: string;
  accountId: string;
}

/**
 * A signed server token for `claims`, issued at `now` (real time), expiring SERVER_TOKEN_TTL_SECONDS later:
 * `sub` the credential, `server`, `account`, and `token_use` "server", which tells it apart from user tokens
 * (functions/http/claims.ts).
 */
export async function issueServerToken(
  claims: ServerTokenClaims,
  key: Uint8Array,
  now: Date,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ account: claims.accountId, server: claims.serverId, token_use: SERVER_TOKEN_USE })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.credentialId)
    .setIssuer(SERVER_TOKEN_ISSUER)
    .setAudience(SERVER_TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + SERVER_TOKEN_TTL_SECONDS)
    .sign(key);
}

/**
 * The claims of a valid server token, every value a string (as API Gateway hands claims over); null when the
 * token is not one (another signature, issuer, audience or use, or expired). Whether its credential and server
 * still stand is for the identity read of each request (functions/http/authenticate.ts).
 */
export async function verifyServerToken(
  token: string,
  key: Uint8Array,
): Promise<Record<string, string> | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: SERVER_TOKEN_ISSUER,
      audience: SERVER_TOKEN_AUDIENCE,
      algorithms: ['HS256'],
    });
    return payload.token_use === SERVER_TOKEN_USE ? stringClaims(payload) : null;
  } catch {
    return null;
  }
}
