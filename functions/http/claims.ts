// The one claims adapter: turns local JWT claims or Cognito ID-token claims (as API Gateway hands them over,
// every value a string) into the token's subject and times. It identifies; it never decides roles.
import type { Subject, TokenTimes } from '../../domain/identity.js';

/** The `token_use` claim of a NEXUS server's own token (Cognito ID tokens carry `id`). */
export const SERVER_TOKEN_USE = 'server';

type ClaimValue = string | number | boolean | string[] | undefined;
/** Verified JWT claims: strings from API Gateway's JWT authorizer and from the local runtime, which copies it. */
export type Claims = Record<string, ClaimValue>;

function claim(claims: Claims, name: string): ClaimValue {
  return claims[name] ?? claims[`custom:${name}`];
}

function str(value: ClaimValue): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A NumericDate claim (epoch seconds) as API Gateway hands it over ("1764298740") or as a number; else undefined. */
function seconds(value: ClaimValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,12}(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Who the token names, or null when it names nobody (→ 401). `sub` (Cognito: `cognito:username`, the portal's
 * user id; Cognito's own `sub` is a UUID) and `account` (`custom:account`) identify: with an account it is that
 * account's user, without one a back-office operator. `admin`/`operator` claims are informational and ignored
 * (API.md "only `sub` and `account` identify"). A NEXUS server's own token is told apart by `token_use`
 * `server` (functions/identity/server-tokens.ts; Cognito's ID tokens say `id`, local user tokens nothing): its
 * `sub` is the credential, `server` the server and `account` the account; missing any, it names nobody.
 */
export function subjectFromClaims(claims: Claims | undefined): Subject | null {
  if (!claims) return null;
  if (claims.token_use === SERVER_TOKEN_USE) {
    const credentialId = str(claims.sub);
    const serverId = str(claims.server);
    const accountId = str(claims.account);
    return credentialId && serverId && accountId
      ? { kind: 'server', credentialId, serverId, accountId }
      : null;
  }
  const userId = str(claims['cognito:username']) ?? str(claims.sub);
  if (!userId) return null;
  const accountId = str(claim(claims, 'account'));
  return accountId ? { kind: 'user', userId, accountId } : { kind: 'operator', userId };
}

/** The token's `exp` and `iat` in epoch seconds (undefined when missing or not a number); checkTokenTimes decides. */
export function tokenTimesFromClaims(claims: Claims | undefined): TokenTimes {
  return { exp: seconds(claims?.exp), iat: seconds(claims?.iat) };
}
