// Local bearer tokens (HS256 via jose) with the claims API Gateway would pass on; not deployed to AWS.
import { jwtVerify, SignJWT } from 'jose';
import { TOKEN_LIFETIME_SECONDS } from '../../domain/identity.js';

export const LOCAL_ISSUER = 'license-portal-local';
export const LOCAL_AUDIENCE = 'license-portal';
/** Seconds a local token lives: the same lifetime the portal allows any token (domain/identity.ts). */
export const TOKEN_TTL_SECONDS = TOKEN_LIFETIME_SECONDS;

export interface TokenClaims {
  sub: string;
  account?: string;
  admin: boolean;
  operator: boolean;
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A signed HS256 token for `claims`, issued at `now` (real time) and expiring TOKEN_TTL_SECONDS later. */
export async function issueLocalToken(claims: TokenClaims, secret: string, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ account: claims.account, admin: claims.admin, operator: claims.operator })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + TOKEN_TTL_SECONDS)
    .sign(secretKey(secret));
}

/** The token's claims with every value a string, as API Gateway's JWT authorizer hands them to Lambda; null if bad. */
export async function verifyLocalToken(
  token: string,
  secret: string,
): Promise<Record<string, string> | null> {
  try {
    const { payload } = await jwtVerify(token, secretKey(secret), {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: ['HS256'],
    });
    return stringClaims(payload);
  } catch {
    return null;
  }
}

/**
 * Verified claims as API Gateway's authorizers hand them to Lambda: every value a string (`"true"`, `"1764298740"`),
 * arrays as `[a b]`, nulls left out. The one copy for every token the portal verifies itself.
 */
export function stringClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    claims[name] =
      typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(' ')}]` : String(value);
  }
  return claims;
}
