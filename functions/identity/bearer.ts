// Verifying bearer tokens before a route's function runs: the API's Lambda authorizer in AWS (Cognito ID tokens
// and servers' own tokens) and the local gateway (local user tokens and servers' own tokens) chain the same
// verifiers. A verifier answers the token's claims, every value a string, or null when the token is not its kind.
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { ServerKeys } from './server-keys.js';
import { verifyServerToken } from './server-tokens.js';
import { stringClaims, verifyLocalToken } from './tokens.js';

/** Checks one kind of token: its claims as strings when it is a valid token of that kind, else null. */
export type BearerVerifier = (token: string) => Promise<Record<string, string> | null>;

/** The token of an `authorization: Bearer <token>` header (any case), or null when there is none. */
export function bearerOf(header: string | undefined): string | null {
  const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  return token ? token : null;
}

/** The claims of the first verifier that accepts the token; null when none does. */
export async function verifyBearer(
  token: string,
  verifiers: readonly BearerVerifier[],
): Promise<Record<string, string> | null> {
  for (const verify of verifiers) {
    const claims = await verify(token);
    if (claims) return claims;
  }
  return null;
}

/** A NEXUS server's own token, signed with the server-token key (functions/identity/server-tokens.ts). */
export function serverTokenVerifier(keys: () => Promise<ServerKeys>): BearerVerifier {
  return async (token) => verifyServerToken(token, (await keys()).token);
}

/** A token of the local runtime's issuer (POST /v1/auth/token), HS256 with the local secret. */
export function localTokenVerifier(secret: string): BearerVerifier {
  return (token) => verifyLocalToken(token, secret);
}

/** Where Cognito ID tokens come from: the pool's issuer URL and the app client (the tokens' audience). */
export interface CognitoIdTokens {
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  issuer: string;
  clientId: string;
  /** The pool's public keys; default: its JWKS URL, fetched once and cached by jose. */
  keys?: JWTVerifyGetKey;
}

/**
 * A Cognito ID token of the pool and app client: signature (RS256, the pool's JWKS), issuer, audience, expiry and
 * `token_use` "id" (an access token carries no custom claims, docs/deploy.md), as the HTTP API JWT authorizer
 * checked them before. Claims come out as strings, as that authorizer handed them over.
 */
export function cognitoIdTokenVerifier(config: CognitoIdTokens): BearerVerifier {
  const keys = config.keys ?? createRemoteJWKSet(new URL(`${config.issuer}/.well-known/jwks.json`));
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.clientId,
        algorithms: ['RS256'],
      });
      return payload.token_use === 'id' ? stringClaims(payload) : null;
    } catch {
      return null;
    }
  };
}
