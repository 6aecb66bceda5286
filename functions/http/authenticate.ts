// The authentication step of every HTTP function: the token's subject, its times, the caller read from the store
// on every request, then the route's access rule. Same code behind API Gateway's JWT authorizer and locally.
//
// No cache: one consistent BatchGetItem per request (a user with its account, or an operator), so a change to a
// user that has answered is seen by that user's very next request (API.md "Identity and roles"; issue 10 asks
// for zero stale passes where one read per request pays for it).
import { ForbiddenError, UnauthorizedError } from '../../domain/errors.js';
import {
  accessVerdict,
  type Caller,
  checkTokenTimes,
  operatorCaller,
  type RouteAccess,
  type RouteRule,
  type Subject,
  serverCaller,
  userCaller,
} from '../../domain/identity.js';
import type { PrincipalStore } from '../store/principals.js';
import { type Claims, subjectFromClaims, tokenTimesFromClaims } from './claims.js';

/**
 * How each kind of subject becomes a caller: what to read, and the domain rule that decides on it. The one place
 * a new kind of principal is loaded (the type demands an entry for every member of Subject).
 */
const LOADERS: {
  [K in Subject['kind']]: (
    subject: Extract<Subject, { kind: K }>,
    store: PrincipalStore,
  ) => Promise<Caller | null>;
} = {
  user: async (subject, store) => userCaller(subject, await store.user(subject.accountId, subject.userId)),
  operator: async (subject, store) => operatorCaller(subject, await store.operator(subject.userId)),
  server: async (subject, store) =>
    serverCaller(subject, await store.server(subject.accountId, subject.serverId, subject.credentialId)),
};

/** The caller `subject` is now, read from the store; null when the store no longer vouches for it (→ 401). */
export function loadCaller(subject: Subject, store: PrincipalStore): Promise<Caller | null> {
  const load = LOADERS[subject.kind] as (subject: Subject, store: PrincipalStore) => Promise<Caller | null>;
  return load(subject, store);
}

const SIGN_IN_FIRST =
  'Sign in first: send authorization: Bearer <token>, with a token from POST /v1/auth/token (a NEXUS server: POST /v1/auth/server-token) that has not expired; an expired or altered token is refused.';
const NO_LONGER_VALID =
  'This token no longer names an enabled user, or a server with a valid credential, of an existing account; sign in again, or exchange a valid credential for a new server token.';

/**
 * The caller of a request to a route of `rule` (its access, and what a server token may do there), from the
 * claims the API's authorizer (or the local runtime, which plays it) verified. Public routes: null, nothing read. Throws UnauthorizedError (401) for no
 * subject, bad token times (checkTokenTimes at `now`, real time) or a subject the store does not vouch for, and
 * ForbiddenError (403) when the caller may not call the route (accessVerdict). API.md orders 401 before 403.
 */
export async function authenticate(
  rule: { access: RouteAccess; serverToken?: RouteRule['serverToken'] },
  claims: Claims | undefined,
  now: Date,
  store: () => PrincipalStore,
): Promise<Caller | null> {
  const { access, serverToken } = rule;
  if (access === 'public') return null;
  const subject = subjectFromClaims(claims);
  if (!subject) throw new UnauthorizedError(SIGN_IN_FIRST);
  const times = checkTokenTimes(tokenTimesFromClaims(claims), Math.floor(now.getTime() / 1000));
  if (!times.valid) throw new UnauthorizedError(times.reason);
  const caller = await loadCaller(subject, store());
  if (!caller) throw new UnauthorizedError(NO_LONGER_VALID);
  const verdict = accessVerdict({ access, serverToken }, caller);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  return caller;
}
