// Who is calling and what they may do: token times, the principal kinds, their standing in the store, route access.
//
// Rules (API.md "Identity and roles"): the caller's user is read from the store on every request; a disabled or
// deleted user → 401; admin and operator come from the store, never from a token; only `sub` and `account`
// identify. Principal kinds: account users, back-office operators and NEXUS servers with their own tokens.
// Adding one means one more member of `Subject`, `StoredPrincipal` and `Caller` below; the compiler then
// points at every switch that must decide about it (accessVerdict here, the loader table in
// functions/http/authenticate.ts).

/** How long a token may live: the local issuer's and Cognito's ID-token lifetime (infra/stack.ts), seconds. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * Clock difference tolerated between the token issuer and this function, seconds: a token may be issued up to
 * this far "in the future" and its `exp` may lie up to lifetime + this far ahead. Lambda hosts and Cognito keep
 * NTP time, so a minute is generous.
 */
export const CLOCK_SKEW_SECONDS = 60;

/** `exp` and `iat` of a token in epoch seconds, as numbers (undefined when the token lacks them or they are not numbers). */
export interface TokenTimes {
  exp: number | undefined;
  iat: number | undefined;
}

/** Whether a token's times are acceptable; when not, a sentence for the 401. */
export type TokenTimeVerdict = { valid: true } | { valid: false; reason: string };

/**
 * A token must carry `exp` in the future and at most the issuer's lifetime (plus skew) ahead, and `iat` not in
 * the future (plus skew). `nowSeconds`: epoch seconds of real time. Rule: API.md "a token must have `exp` no
 * more than its issuer's lifetime ahead and `iat` not in the future" (issue 10).
 */
export function checkTokenTimes(
  times: TokenTimes,
  nowSeconds: number,
  lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
  skewSeconds = CLOCK_SKEW_SECONDS,
): TokenTimeVerdict {
  const { exp, iat } = times;
  if (exp === undefined || iat === undefined) {
    return { valid: false, reason: 'The token has no expiry or issue time; sign in again for a new one.' };
  }
  if (exp <= nowSeconds) return { valid: false, reason: 'The token has expired; sign in again.' };
  if (exp > nowSeconds + lifetimeSeconds + skewSeconds || exp - iat > lifetimeSeconds) {
    return { valid: false, reason: 'The token lives longer than this portal allows; sign in again.' };
  }
  if (iat > nowSeconds + skewSeconds) {
    return { valid: false, reason: 'The token is issued in the future; check the clock and sign in again.' };
  }
  return { valid: true };
}

/**
 * What a verified token says about who calls, before the store is asked: an account user (`sub` + `account`)
 * or, without an account, a back-office operator (`sub`). Claims `admin`/`operator` are not part of it.
 */
export type Subject =
  | { kind: 'user'; userId: string; accountId: string }
  | { kind: 'operator'; userId: string }
  | { kind: 'server'; credentialId: string; serverId: string; accountId: string };

/** An account user as the store holds it (null parts: no such item). `disabled`/`deleted` come with issue 11. */
export interface StoredUser {
  user: { userId: string; accountId: string; admin: boolean; disabled: boolean; deleted: boolean } | null;
  account: { accountId: string; disabled: boolean; deleted: boolean } | null;
}

/** A back-office operator as the store holds it (null: no such operator). */
export interface StoredOperator {
  operator: { userId: string; disabled: boolean } | null;
}

/**
 * A NEXUS server's own token as the store holds what it names (null parts: no such item): the credential it was
 * issued from, the server and the account. `revoked`: the credential was revoked (DELETE, or its server deleted).
 */
export interface StoredServerPrincipal {
  credential: { credentialId: string; accountId: string; serverId: string; revoked: boolean } | null;
  server: { serverId: string; accountId: string; removing: boolean } | null;
  account: { accountId: string; disabled: boolean; deleted: boolean } | null;
}

/** An account user's request: roles as the store holds them at this request. */
export interface UserCaller {
  kind: 'user';
  userId: string;
  accountId: string;
  admin: boolean;
}

/** A back-office operator's request: outside any account. */
export interface OperatorCaller {
  kind: 'operator';
  userId: string;
}

/**
 * A NEXUS server's request with its own token (API.md "Server credentials"): it acts for `serverId` only, inside
 * `accountId`; `credentialId` names the credential its token was issued from.
 */
export interface ServerCaller {
  kind: 'server';
  serverId: string;
  accountId: string;
  credentialId: string;
}

/** Who makes a request, decided from the store; handlers read only this. */
export type Caller = UserCaller | OperatorCaller | ServerCaller;

/** Callers that act inside one account (account routes read `accountId`, never a body field). */
export type AccountCaller = Extract<Caller, { accountId: string }>;

/**
 * The caller a user subject is, given what the store holds; null (→ 401) when the user or the account is
 * missing, disabled or deleted, or the user belongs to another account than the token names.
 * Rule: API.md "a token of a disabled or deleted user → 401".
 */
export function userCaller(
  subject: Extract<Subject, { kind: 'user' }>,
  stored: StoredUser,
): UserCaller | null {
  const { user, account } = stored;
  if (!user || !account) return null;
  if (user.disabled || user.deleted || account.disabled || account.deleted) return null;
  if (user.userId !== subject.userId || user.accountId !== subject.accountId) return null;
  return { kind: 'user', userId: user.userId, accountId: user.accountId, admin: user.admin };
}

/**
 * The caller an operator subject is; null (→ 401) when no enabled operator of that id is stored.
 * Rule: API.md "whether a user is ... an operator comes from the store (the built-in operator is a stored user too)".
 */
export function operatorCaller(
  subject: Extract<Subject, { kind: 'operator' }>,
  stored: StoredOperator,
): OperatorCaller | null {
  const { operator } = stored;
  if (!operator || operator.disabled || operator.userId !== subject.userId) return null;
  return { kind: 'operator', userId: operator.userId };
}

/**
 * The caller a server subject is, given what the store holds; null (→ 401) when the credential is missing or
 * revoked, its server is missing or being removed, its account is missing, disabled or deleted, or any of them
 * belongs elsewhere than the token says. Rule: API.md "a wrong or revoked secret → 401", "tokens issued from it
 * answer 401 from their next request", and server deletion revokes the server's credentials.
 */
export function serverCaller(
  subject: Extract<Subject, { kind: 'server' }>,
  stored: StoredServerPrincipal,
): ServerCaller | null {
  const { credential, server, account } = stored;
  if (!credential || !server || !account) return null;
  if (credential.revoked || server.removing || account.disabled || account.deleted) return null;
  const named =
    credential.credentialId === subject.credentialId &&
    credential.accountId === subject.accountId &&
    credential.serverId === subject.serverId &&
    server.serverId === subject.serverId &&
    server.accountId === subject.accountId &&
    account.accountId === subject.accountId;
  if (!named) return null;
  return {
    kind: 'server',
    serverId: server.serverId,
    accountId: account.accountId,
    credentialId: credential.credentialId,
  };
}

/** Who may call a route: nobody signed in, any user of an account, its administrators, or back-office operators. */
export type RouteAccess = 'public' | 'user' | 'admin' | 'operator';

/**
 * What a NEXUS server's own token may do on a route (API.md "A server token acts for its own server only"); a
 * route without one answers a server token 403, whatever the ids:
 * - `account`: the route reads nothing of a server (listing, license detail);
 * - `ownServer`: the path's `serverId` must be the token's server, else 404 (status, acquisitions, license files,
 *   sign-ins);
 * - `ownSessions`: the session's `serverId` must be the token's server, else 404 (heartbeat, sign-out, roaming);
 *   the use case checks it once it has read the session.
 */
export type ServerTokenUse = 'account' | 'ownServer' | 'ownSessions';

/** What accessVerdict needs to know of a route: who may call it, and what a server token may do there. */
export interface RouteRule {
  access: Exclude<RouteAccess, 'public'>;
  serverToken?: ServerTokenUse | undefined;
}

/**
 * Whether a server token's request names another server than its own in the path (→ 404 `not_found`, exactly as
 * an unknown server: API.md "On those routes another server's ids ... → 404"). Only `ownServer` routes name a
 * server in the path; false for every other caller and route. Checked after the path is validated (API.md orders
 * 400 before 404).
 */
export function namesAnotherServer(
  rule: Pick<RouteRule, 'serverToken'>,
  caller: Caller | null,
  params: { serverId?: unknown } | undefined,
): boolean {
  if (caller?.kind !== 'server' || rule.serverToken !== 'ownServer') return false;
  return params?.serverId !== caller.serverId;
}

/** A caller may call a route, or is refused with a sentence for the 403. */
export type AccessVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether `caller` may call a route of `rule` (a bare access is a route no server token may call). Rule: API.md
 * "Who may call what: operator token → back office only; any user of an account → listing, license detail,
 * keys; account administrator → everything else ...; a server token → only what its own server does. Others →
 * 403 `forbidden`".
 */
export function accessVerdict(rule: RouteRule | RouteRule['access'], caller: Caller): AccessVerdict {
  const { access, serverToken } = typeof rule === 'string' ? { access: rule, serverToken: undefined } : rule;
  switch (caller.kind) {
    case 'operator':
      return access === 'operator'
        ? { allowed: true }
        : {
            allowed: false,
            reason: 'This route belongs to account users; operators use the back-office routes.',
          };
    case 'user':
      if (access === 'operator') return { allowed: false, reason: 'Only back-office operators may do this.' };
      if (access === 'admin' && !caller.admin) {
        return {
          allowed: false,
          reason: 'Only an administrator of your account may do this; ask one to do it for you.',
        };
      }
      return { allowed: true };
    case 'server':
      return serverToken
        ? { allowed: true }
        : {
            allowed: false,
            reason:
              "A server token may only list licenses and act for its own server (status, acquisitions, license files, its users' sessions); use an administrator's token for this.",
          };
    default:
      return unreachable(caller);
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown caller kind ${JSON.stringify(value)}`);
}
