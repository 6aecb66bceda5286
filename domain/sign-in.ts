// The External PLS sign-in, decided: from one catalogue snapshot, the user and a time → join, take a seat,
// reclaim an expired holder and take its place, take the server's administrative connection, or refuse. Every
// plan carries the one guarded write that carries it out; the outcome of that write teaches the next decision
// (docs/seat-protocol.md "Sign-in"; API.md "External PLS: seats").
import type { Assignment } from './assignments.js';
import {
  type DomainError,
  InvalidRequestError,
  NotFoundError,
  SeatsExhaustedError,
  ServerUnlicensedError,
  UserDisabledError,
} from './errors.js';
import { isValidAt, type License } from './license.js';
import { CAL_PRODUCT, kindOf, type Product, SERVER_PRODUCT } from './products.js';
import {
  assignmentHasFreeSeat,
  assignmentServes,
  byLicenseOrder,
  type Candidate,
  CONNECTIONS,
  countsAsConnection,
  holdsSeatOf,
  LIVE,
  licenseHasFreeSeat,
  licenseValid,
  seatCandidates,
  serverAdmitsAdminConnection,
  serverTakesSessions,
  USED,
  userAsRead,
  validLicensesOf,
} from './seat-rules.js';
import { holds, itemMissing, not } from './conditions.js';
import {
  type Change,
  type Denial,
  type SeatWrite,
  SeatWriteBuilder,
  type WriteOutcome,
} from './seat-write.js';
import { type Holding, isRestricted, type Server, stateOfServer } from './server-status.js';
import {
  byReclaimOrder,
  type Client,
  expiryAfter,
  expiryReason,
  holderOf,
  isExpired,
  type SeatHolder,
  type Session,
} from './sessions.js';
import { endChanges, lockRef } from './session-lifecycle.js';
import type { LicenseManagerSettings } from './settings.js';

/** What a sign-in decides on, read in one strongly consistent Query (functions/store/catalog.ts). */
export interface Catalogue {
  licenses: License[];
  /** Live assignments (deleted ones left out). */
  assignments: Assignment[];
  /** Servers of the account, removing ones included (they answer 404). */
  servers: Server[];
  holdings: Holding[];
  settings: LicenseManagerSettings;
  /** Holders of live sessions that were expired when the snapshot was read (a superset for any earlier now). */
  expired: SeatHolder[];
}

/** The user a sign-in is for, as read (possibly from a cache: every write checks profileVersion). */
export interface SignInUser {
  userId: string;
  email: string;
  roles: string[];
  admin: boolean;
  disabled: boolean;
  profileVersion: number;
}

/** POST /v1/servers/{serverId}/sessions, with the ids the decision may use. */
export interface SignInRequest {
  accountId: string;
  serverId: string;
  userId: string;
  machineId: string;
  client: Client;
  product?: Product | undefined;
  licenseId?: string | undefined;
  /** The id a new session gets, and a nonce for a denial record. */
  sessionId: string;
  now: Date;
}

/** What earlier writes of this sign-in taught (each fact shrinks what the next decision may try). */
export interface Learned {
  fullLicenses: ReadonlySet<string>;
  fullAssignments: ReadonlySet<string>;
  /** Expired holders that were revived or ended meanwhile: not reclaimable any more. */
  goneHolders: ReadonlySet<string>;
  /** The administrative connection turned out to be taken. */
  adminConnectionTaken: boolean;
}

/** Nothing learned yet. */
export const NOTHING_LEARNED: Learned = {
  fullLicenses: new Set(),
  fullAssignments: new Set(),
  goneHolders: new Set(),
  adminConnectionTaken: false,
};

/**
 * A decision:
 * - `fail`: an error before the seat rules (404, 400, 403), nothing to write;
 * - `join`: revive the user's own expired session on this PC (found in the snapshot);
 * - `grant`: write `write`; on success answer 201 with `session`;
 * - `refuse`: write `write` (the denial, a check that the user holds no seat on this PC, and the user as read);
 *   on success answer `error`.
 */
export type SignInPlan =
  | { kind: 'fail'; error: DomainError }
  | { kind: 'join'; sessionId: string }
  | { kind: 'grant'; session: Session; reclaimed: SeatHolder[]; write: SeatWrite }
  | { kind: 'refuse'; error: SeatsExhaustedError; write: SeatWrite };

/** The product a sign-in asks for: the one named, else the named license's, else a CAL (connection) seat. */
export function requestedProduct(product: Product | undefined, license: License | null): Product {
  if (license && product && license.product !== product) {
    throw new InvalidRequestError(
      `License ${license.licenseId} is of ${license.product}, not ${product}; leave out product or name a matching license.`,
    );
  }
  return product ?? license?.product ?? CAL_PRODUCT;
}

/** Change names of a grant; a failed condition comes back by name (docs/seat-protocol.md "Outcomes"). */
export const NAMES = {
  license: 'license',
  assignment: 'assignment',
  server: 'server',
  user: 'user',
  lock: 'lock',
  session: 'session',
  expiry: 'expiry',
  denial: 'denial',
} as const;

/**
 * The time a sign-in is decided and written as of: its request's `now`, or, when the hourly check restricted the
 * server (admin_only or lapsed) at a later time, that time (ISO `restrictedAt` on the server as read). The
 * restriction looked at the server's connections as of its time, so a grant racing it can only land after it
 * (serverTakesSessions conditions every grant on `restrictedAt <= now`): deciding again with the same earlier
 * `now` would fail the same way each time. Returns `now` itself when nothing is later.
 */
export function decisionTime(catalogue: Pick<Catalogue, 'servers'>, serverId: string, now: Date): Date {
  const restrictedAt = catalogue.servers.find((server) => server.serverId === serverId)?.restrictedAt;
  return restrictedAt && Date.parse(restrictedAt) > now.getTime() ? new Date(restrictedAt) : now;
}

/**
 * Decides a sign-in in API.md's order: 404 (server, user, license), 400 (product), 403 user_disabled,
 * 403 server_unlicensed, then the seat rules (join, the administrative connection of an admin_only or lapsed
 * server, the candidates in seat order with reclaim of expired holders, refusal). Pure: the caller carries the
 * plan's write out and calls `learnFromOutcome`.
 */
export function decideSignIn(input: {
  catalogue: Catalogue;
  user: SignInUser | null;
  request: SignInRequest;
  learned?: Learned;
}): SignInPlan {
  const { catalogue, user, request } = input;
  const learned = input.learned ?? NOTHING_LEARNED;
  const { now } = request;
  const server = catalogue.servers.find((s) => s.serverId === request.serverId);
  if (!server || server.removing) return { kind: 'fail', error: new NotFoundError('server') };
  if (!user) return { kind: 'fail', error: new NotFoundError('user') };
  const named = request.licenseId
    ? (catalogue.licenses.find((l) => l.licenseId === request.licenseId) ?? null)
    : null;
  if (request.licenseId && !named) return { kind: 'fail', error: new NotFoundError('license') };
  let product: Product;
  try {
    product = requestedProduct(request.product, named);
  } catch (error) {
    return { kind: 'fail', error: error as InvalidRequestError };
  }
  if (product === SERVER_PRODUCT) {
    return {
      kind: 'fail',
      error: new InvalidRequestError(
        `${product} licenses are held by servers, not by sessions; ask for a CAL or Altium NEXUS seat.`,
      ),
    };
  }
  if (user.disabled) return { kind: 'fail', error: new UserDisabledError() };
  const { state } = stateOfServer(server.serverId, catalogue.holdings, catalogue.licenses, now);
  if (state === 'unlicensed') return { kind: 'fail', error: new ServerUnlicensedError() };

  // The user's own expired session on this PC is joined and revived (API.md), before any seat rule.
  const expired = catalogue.expired.filter((h) => isExpired(h, now) && !learned.goneHolders.has(h.sessionId));
  const own = expired.find(
    (h) => h.userId === user.userId && h.machineId === request.machineId && h.product === product,
  );
  if (own) return { kind: 'join', sessionId: own.sessionId };

  const context: Context = { catalogue, user, request, product, server, expired, learned };
  if (isRestricted(state)) return decideAdminConnection(context);
  return decidePoolSeat(context);
}

interface Context {
  catalogue: Catalogue;
  user: SignInUser;
  request: SignInRequest;
  product: Product;
  server: Server;
  expired: SeatHolder[];
  learned: Learned;
}

/** A new session of this sign-in. */
function newSession(
  context: Context,
  seat: { licenseId: string; assignmentId: string; cap: string | null; adminConnection: boolean },
): Session {
  const { request, user, product, catalogue } = context;
  const at = request.now.toISOString();
  return {
    sessionId: request.sessionId,
    accountId: request.accountId,
    licenseId: seat.licenseId,
    assignmentId: seat.assignmentId,
    serverId: request.serverId,
    hostName: context.server.hostName,
    userId: user.userId,
    email: user.email,
    machineId: request.machineId,
    product,
    clients: [request.client],
    roles: user.roles,
    startedAt: at,
    expiresAt: expiryAfter(request.now, catalogue.settings.sessionTimeoutMinutes, seat.cap),
    roamingUntil: null,
    lastSeenAt: at,
    adminConnection: seat.adminConnection,
    version: 0,
  };
}

/**
 * The changes every new session makes: server live +1 (under `serverCondition`), the user as read, the seat
 * lock (must not exist: join beats take), the session and its Expiry item.
 */
function newSessionChanges(
  builder: SeatWriteBuilder,
  context: Context,
  session: Session,
  server: { set?: Record<string, string>; condition: ReturnType<typeof serverAdmitsAdminConnection> },
): void {
  const { request, user } = context;
  builder.counter({
    name: NAMES.server,
    ref: { type: 'server', accountId: request.accountId, serverId: request.serverId },
    add: { [LIVE]: 1, ...(countsAsConnection(session) ? { [CONNECTIONS]: 1 } : {}) },
    ...(server.set ? { set: server.set } : {}),
    condition: () => server.condition,
  });
  builder.change({
    op: 'check',
    name: NAMES.user,
    ref: { type: 'user', accountId: request.accountId, userId: user.userId },
    condition: userAsRead(user.profileVersion),
    returnItem: false,
  });
  builder.change({
    op: 'putLock',
    name: NAMES.lock,
    ref: lockRef(request.accountId, user.userId, session.product, request.machineId),
    sessionId: session.sessionId,
  });
  builder.change({ op: 'putSession', name: NAMES.session, session });
  builder.change({ op: 'putExpiry', name: NAMES.expiry, holder: holderOf(session) });
}

/** admin_only / lapsed: one administrator, as the server's only live session (API.md). */
function decideAdminConnection(context: Context): SignInPlan {
  const { catalogue, user, request, product, server, expired, learned } = context;
  if (!user.admin) return refuse(context, adminOnlyError(), null);
  const onServer = expired
    .filter((h) => h.serverId === server.serverId && countsAsConnection(h))
    .sort(byReclaimOrder);
  if (learned.adminConnectionTaken || server.connections > onServer.length) {
    return refuse(context, adminConnectionTakenError(), null);
  }
  const now = request.now;
  const ended = catalogue.licenses
    .filter((l) => l.product === product && Date.parse(l.validUntil) <= now.getTime())
    .sort((a, b) => byLicenseOrder(b, a))[0];
  const held = catalogue.holdings
    .filter((h) => h.serverId === server.serverId && h.kind === 'server')
    .map((h) => catalogue.licenses.find((l) => l.licenseId === h.licenseId) ?? null)
    .filter((l): l is License => l !== null)
    .sort((a, b) => byLicenseOrder(b, a))[0];
  const named = ended ?? held;
  if (!named) return refuse(context, adminOnlyError(), null);
  const session = newSession(context, {
    licenseId: named.licenseId,
    assignmentId: '',
    cap: null,
    adminConnection: true,
  });
  const builder = new SeatWriteBuilder();
  newSessionChanges(builder, context, session, {
    set: { adminConnection: session.sessionId },
    condition: serverAdmitsAdminConnection(
      onServer.map((h) => h.sessionId),
      request.now,
    ),
  });
  for (const holder of onServer) {
    endChanges(builder, holder, { at: now, reason: expiryReason(holder), reclaimAt: now, naming: 'reclaim' });
  }
  return { kind: 'grant', session, reclaimed: onServer, write: builder.build() };
}

/** What a candidate needs to serve a seat now, from the snapshot and what was learned. */
function freeOrReclaimable(
  context: Context,
  candidate: Candidate,
):
  | { kind: 'free' }
  | { kind: 'reclaim'; holder: SeatHolder }
  | { kind: 'full'; what: 'license' | 'assignment' } {
  const { request, expired, learned } = context;
  const { license, assignment } = candidate;
  const licenseFull =
    learned.fullLicenses.has(license.licenseId) || !holds(licenseHasFreeSeat(request.now), license);
  const assignmentFull =
    learned.fullAssignments.has(assignment.assignmentId) ||
    !holds(assignmentHasFreeSeat(assignment.role, request.licenseId === undefined), assignment);
  if (!licenseFull && !assignmentFull) return { kind: 'free' };
  // An expired holder frees what is full: of the assignment when the cap is full (that also frees the
  // license), of the license when only the license is.
  const pool = assignmentFull
    ? { licenseId: license.licenseId, assignmentId: assignment.assignmentId }
    : { licenseId: license.licenseId };
  const holder = expired.filter((h) => holdsSeatOf(h, pool)).sort(byReclaimOrder)[0];
  if (holder) return { kind: 'reclaim', holder };
  return { kind: 'full', what: licenseFull ? 'license' : 'assignment' };
}

/** licensed: the first candidate in seat order that is free, or full with an expired holder to reclaim. */
function decidePoolSeat(context: Context): SignInPlan {
  const { catalogue, user, request, product } = context;
  const candidates = seatCandidates({
    licenses: catalogue.licenses,
    assignments: catalogue.assignments,
    roles: user.roles,
    product,
    licenseId: request.licenseId,
    now: request.now,
  });
  const full: { candidate: Candidate; what: 'license' | 'assignment' }[] = [];
  for (const candidate of candidates) {
    const verdict = freeOrReclaimable(context, candidate);
    if (verdict.kind === 'full') {
      full.push({ candidate, what: verdict.what });
      continue;
    }
    return grantPoolSeat(context, candidate, verdict.kind === 'reclaim' ? verdict.holder : null);
  }
  // Counted once, in the row of the first license tried (or that would have been, when no role of the user
  // has an assignment on it); with no valid license of the product there is no row to count it in.
  const first =
    candidates[0]?.license ?? validLicensesOf(catalogue.licenses, product, request.now, request.licenseId)[0];
  return refuse(context, exhaustedError(context, full), first ?? null, stillFullChecks(context, full));
}

/** At most this many pools a refusal checks are still full (a transaction holds 100 items). */
const MAX_STILL_FULL_CHECKS = 90;

/**
 * The checks a refusal's write makes that each pool it found full still is (a license with no free seat, or a
 * cap reached), one per item: if a sign-out or an end freed one between the read and the write, the refusal
 * fails by that name and the sign-in decides again on a fresh read, so it is never refused while its seat was
 * free (API.md "409 seats_exhausted when no seat is free").
 */
function stillFullChecks(
  context: Context,
  full: { candidate: Candidate; what: 'license' | 'assignment' }[],
): Change[] {
  const { request } = context;
  const checks = new Map<string, Change>();
  for (const { candidate, what } of full) {
    const { license, assignment } = candidate;
    const change: Change =
      what === 'license'
        ? {
            op: 'check',
            name: `${NAMES.license}:${license.licenseId}`,
            ref: { type: 'license', accountId: request.accountId, licenseId: license.licenseId },
            condition: not(licenseHasFreeSeat(request.now)),
            returnItem: false,
          }
        : {
            op: 'check',
            name: `${NAMES.assignment}:${assignment.assignmentId}`,
            ref: {
              type: 'assignment',
              accountId: request.accountId,
              licenseId: license.licenseId,
              assignmentId: assignment.assignmentId,
            },
            condition: not(assignmentHasFreeSeat(assignment.role, request.licenseId === undefined)),
            returnItem: false,
          };
    if (checks.size < MAX_STILL_FULL_CHECKS) checks.set(change.name, change);
  }
  return [...checks.values()];
}

function grantPoolSeat(context: Context, candidate: Candidate, reclaimed: SeatHolder | null): SignInPlan {
  const { request } = context;
  const { license, assignment } = candidate;
  const picked = request.licenseId === undefined;
  const session = newSession(context, {
    licenseId: license.licenseId,
    assignmentId: assignment.assignmentId,
    cap: license.validUntil,
    adminConnection: false,
  });
  const builder = new SeatWriteBuilder();
  // The license and assignment need room only if the write adds to them on balance.
  builder.counter({
    name: NAMES.license,
    ref: { type: 'license', accountId: request.accountId, licenseId: license.licenseId },
    add: { [USED]: 1 },
    condition: (net) => ((net[USED] ?? 0) > 0 ? licenseHasFreeSeat(request.now) : licenseValid(request.now)),
  });
  builder.counter({
    name: NAMES.assignment,
    ref: {
      type: 'assignment',
      accountId: request.accountId,
      licenseId: license.licenseId,
      assignmentId: assignment.assignmentId,
    },
    add: { [USED]: 1 },
    condition: (net) =>
      (net[USED] ?? 0) > 0
        ? assignmentHasFreeSeat(assignment.role, picked)
        : assignmentServes(assignment.role, picked),
  });
  newSessionChanges(builder, context, session, { condition: serverTakesSessions(request.now) });
  if (reclaimed) {
    endChanges(builder, reclaimed, {
      at: request.now,
      reason: expiryReason(reclaimed),
      reclaimAt: request.now,
      naming: 'reclaim',
    });
  }
  return { kind: 'grant', session, reclaimed: reclaimed ? [reclaimed] : [], write: builder.build() };
}

/** A refusal's write: its denial (if a license counts it), that the user holds no seat here, the user as read. */
function refuse(
  context: Context,
  error: SeatsExhaustedError,
  countedOn: License | null,
  stillFull: Change[] = [],
): SignInPlan {
  const { request, user, product } = context;
  const builder = new SeatWriteBuilder();
  for (const check of stillFull) builder.change(check);
  if (countedOn) {
    const denial: Denial = {
      accountId: request.accountId,
      licenseId: countedOn.licenseId,
      userId: user.userId,
      roles: user.roles,
      serverId: request.serverId,
      product,
      at: request.now.toISOString(),
      nonce: request.sessionId,
    };
    builder.change({ op: 'putDenial', name: NAMES.denial, denial });
  }
  builder.change({
    op: 'check',
    name: NAMES.lock,
    ref: lockRef(request.accountId, user.userId, product, request.machineId),
    condition: itemMissing,
    returnItem: true,
  });
  builder.change({
    op: 'check',
    name: NAMES.user,
    ref: { type: 'user', accountId: request.accountId, userId: user.userId },
    condition: userAsRead(user.profileVersion),
    returnItem: false,
  });
  return { kind: 'refuse', error, write: builder.build() };
}

/** What to do after a plan's write (docs/seat-protocol.md "Outcomes"). */
export type NextStep =
  | { kind: 'done' }
  | { kind: 'join'; sessionId: string }
  | { kind: 'decide_again'; learned: Learned }
  | { kind: 'reload_user' }
  | { kind: 'fail'; error: DomainError }
  /** Nothing was learned that a new decision could use (a lock without a holder, an id clash): read again. */
  | { kind: 'read_again' };

/**
 * Turns a write's outcome into the next step, by change name: the user's seat lock → join (join beats take
 * and refusal); a reclaimed holder's change → it was revived or ended meanwhile: read the catalogue again;
 * license or assignment → full; the server → removed (404), restricted after the decision's time (read again)
 * or, for the administrative connection, taken; the user → read them again.
 */
export function learnFromOutcome(plan: SignInPlan, outcome: WriteOutcome, learned: Learned): NextStep {
  if (outcome.ok) return { kind: 'done' };
  const failed = new Set(outcome.failed);
  if (failed.has(NAMES.lock)) {
    const holder = outcome.returned[NAMES.lock]?.sessionId;
    return typeof holder === 'string' ? { kind: 'join', sessionId: holder } : { kind: 'read_again' };
  }
  if (failed.has(NAMES.user)) return { kind: 'reload_user' };
  const next = {
    fullLicenses: new Set(learned.fullLicenses),
    fullAssignments: new Set(learned.fullAssignments),
    goneHolders: new Set(learned.goneHolders),
    adminConnectionTaken: learned.adminConnectionTaken,
  };
  let taught = false;
  if (plan.kind === 'grant') {
    // A holder to reclaim that was ended or revived meanwhile changed the counters this decision rested on
    // (an ended one freed its seat): decide on a fresh read, never refuse from this one.
    if (plan.reclaimed.some((holder) => [...failed].some((name) => name.endsWith(`:${holder.sessionId}`)))) {
      return { kind: 'read_again' };
    }
    if (failed.has(NAMES.server)) {
      const item = outcome.returned[NAMES.server];
      if (!item || item.removing !== undefined) return { kind: 'fail', error: new NotFoundError('server') };
      // Restricted (admin_only or lapsed) after this decision's time: decide on a fresh read of its state.
      const restrictedAt = item.restrictedAt;
      if (typeof restrictedAt === 'string' && restrictedAt > plan.session.startedAt)
        return { kind: 'read_again' };
      if (!plan.session.adminConnection) return { kind: 'read_again' };
      next.adminConnectionTaken = true;
      taught = true;
    }
    if (failed.has(NAMES.license)) {
      next.fullLicenses.add(plan.session.licenseId);
      taught = true;
    }
    if (failed.has(NAMES.assignment)) {
      next.fullAssignments.add(plan.session.assignmentId);
      taught = true;
    }
  }
  return taught ? { kind: 'decide_again', learned: next } : { kind: 'read_again' };
}

/** The 409 a person can act on: which license or role is full, and that an administrator can free a seat. */
function exhaustedError(
  context: Context,
  full: readonly { candidate: Candidate; what: 'license' | 'assignment' }[],
): SeatsExhaustedError {
  const { request, product, catalogue } = context;
  const free = 'An administrator can free a seat with Kill Session, or add seats or assignments.';
  const named = request.licenseId
    ? catalogue.licenses.find((l) => l.licenseId === request.licenseId)
    : undefined;
  if (full.length === 0 && named && !isValidAt(named, request.now)) {
    return new SeatsExhaustedError(
      `License ${named.licenseId} is not valid now, so it has no seat to serve; ask an administrator to renew it or sign in without naming it.`,
    );
  }
  if (full.length === 0) {
    const which = request.licenseId ? `license ${request.licenseId}` : `any valid ${product} license`;
    return new SeatsExhaustedError(
      `No seat of ${which} is assigned to any of your roles; ask an administrator to assign seats to your role.`,
    );
  }
  const licenses = [...new Set(full.map((f) => f.candidate.license.licenseId))];
  if (full.every((f) => f.what === 'license')) {
    return new SeatsExhaustedError(
      `Every seat of ${product} license ${licenses.join(', ')} is in use. ${free}`,
    );
  }
  const roles = [
    ...new Set(full.filter((f) => f.what === 'assignment').map((f) => f.candidate.assignment.role)),
  ];
  return new SeatsExhaustedError(
    `The seats of license ${licenses.join(', ')} assigned to role ${roles.join(', ')} are all in use. ${free}`,
  );
}

/** The refusal of a non-administrator on an admin_only or lapsed server. */
export function adminOnlyError(): SeatsExhaustedError {
  return new SeatsExhaustedError(
    'This server has no valid Client Access License or its licenses have lapsed, so only an administrator may sign in; ask an administrator to renew the licenses.',
  );
}

/** The refusal of a second administrative connection. */
export function adminConnectionTakenError(): SeatsExhaustedError {
  return new SeatsExhaustedError(
    'This server has no valid Client Access License or its licenses have lapsed, so only one administrator may be signed in at a time, and one is; sign them out or renew the licenses.',
  );
}

/** Only connection (CAL) and design-software (client) licenses are leased by session. */
export function isSessionProduct(product: Product): boolean {
  const kind = kindOf(product);
  return kind === 'cal' || kind === 'client';
}
