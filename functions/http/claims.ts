// The one claims adapter: turns local JWT claims or Cognito ID-token claims (as API Gateway hands them over,
// every value a string) into the caller of a request.

export interface Caller {
  userId: string;
  /** null for the built-in operator and other callers outside any account. */
  accountId: string | null;
  admin: boolean;
  operator: boolean;
}

export interface AccountCaller extends Caller {
  accountId: string;
}

type ClaimValue = string | number | boolean | string[] | undefined;
type Claims = Record<string, ClaimValue>;

function claim(claims: Claims, name: string): ClaimValue {
  return claims[name] ?? claims[`custom:${name}`];
}

function flag(value: ClaimValue): boolean {
  return value === 'true' || value === true;
}

function str(value: ClaimValue): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** null when the claims do not name a subject (no valid token). */
export function callerFromClaims(claims: Claims | undefined): Caller | null {
  if (!claims) return null;
  // Cognito's `sub` is its own UUID; the portal's user id is the Cognito username it was created with.
  const userId = str(claims['cognito:username']) ?? str(claims.sub);
  if (!userId) return null;
  return {
    userId,
    accountId: str(claim(claims, 'account')),
    admin: flag(claim(claims, 'admin')),
    operator: flag(claim(claims, 'operator')),
  };
}
