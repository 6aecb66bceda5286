// The External PLS sign-in: who may sign in, which seat in API.md's order, one transaction per attempt.
import { TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { BusyError, InvalidRequestError, NotFoundError, ServerUnlicensedError } from '../../domain/errors.js';
import { isValidAt, type License } from '../../domain/license.js';
import { type Product, SERVER_PRODUCT } from '../../domain/products.js';
import {
  adminOnlyError,
  adminSeatTakenError,
  admission,
  type Candidate,
  exhaustedError,
  type GrantOutcome,
  isSessionProduct,
  requestedProduct,
  seatCandidates,
} from '../../domain/seats.js';
import { serverState } from '../../domain/server-status.js';
import {
  type Client,
  capOf,
  isReclaimable,
  NO_LICENSE_END,
  expiryAfterHeartbeat,
  reclaimReason,
  type Session,
} from '../../domain/sessions.js';
import type { User } from '../../domain/account.js';
import type { Assignment } from '../../domain/assignments.js';
import type { RouteResult } from '../api/results.js';
import type { Routes } from '../api/routes.js';
import { createAccountStore } from '../store/accounts.js';
import { createCatalogStore } from '../store/catalog.js';
import type { TableContext } from '../store/client.js';
import { newId } from '../store/ids.js';
import { createLicenseStore } from '../store/licenses.js';
import { SEAT_RETRY, withRetry } from '../store/retry.js';
import type { Holding } from '../store/servers.js';
import { createSessionStore } from '../store/sessions.js';

/** Optimistic re-reads of one session (a heartbeat racing a sign-in on the same PC) before answering busy. */
export const CHANGE_ATTEMPTS = 5;
/** Whole sign-in passes when a joined session ended under us (its seat lock vanished between two requests). */
const SIGN_IN_PASSES = 3;

/** The answer of a sign-in: 201 with a new session or 200 with the joined one (the route table's schema). */
type SignInResult = RouteResult<Routes['signIn']>;

function sessionBody(session: Session) {
  return {
    sessionId: session.sessionId,
    licenseId: session.licenseId,
    assignmentId: session.assignmentId || null,
    userId: session.userId,
    machineId: session.machineId,
    // A session is only ever created for one of PRODUCTS; the stored type is a plain string.
    product: session.product as Product,
    clients: session.clients,
    startedAt: session.startedAt,
    expiresAt: session.expiresAt,
    roamingUntil: session.roamingUntil,
  };
}

export interface SignInInput {
  accountId: string;
  serverId: string;
  userId: string;
  machineId: string;
  client: Client;
  product?: Product | undefined;
  licenseId?: string | undefined;
  now: Date;
}

/**
 * What a sign-in reads before its one write: the server's holdings, the account's licenses and assignments.
 * It is always read after the request arrived, so the seat order of API.md sees every license and assignment
 * created before the sign-in; sign-ins arriving together share one such read.
 */
interface Catalogue {
  holdings: Holding[];
  licenses: License[];
  assignments: Assignment[];
}
const MAX_CACHED = 1000;
/** Users are never changed nor removed once created (roles included), so a copy stays right. */
const knownUsers = new Map<string, User>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_CACHED) map.clear();
  map.set(key, value);
}

/** Catalogue reads in flight: sign-ins arriving together share one (a burst costs one read, not one each). */
const inFlight = new Map<string, { startedAt: number; promise: Promise<Catalogue> }>();

/**
 * A catalogue read that started no earlier than `notBefore` (so it sees every write that committed before
 * the request began): joins one in flight when it qualifies, else starts one.
 */
function freshCatalogue(
  ctx: TableContext,
  input: SignInInput,
  key: string,
  notBefore: number,
): Promise<Catalogue> {
  const running = inFlight.get(key);
  if (running && running.startedAt >= notBefore) return running.promise;
  const startedAt = Date.now();
  const promise = createCatalogStore(ctx)
    .read(input.accountId)
    .then(({ licenses, assignments, servers, holdings }) => {
      if (!servers.some((server) => server.serverId === input.serverId)) throw new NotFoundError('server');
      return { holdings: holdings.filter((h) => h.serverId === input.serverId), licenses, assignments };
    })
    .finally(() => {
      if (inFlight.get(key)?.promise === promise) inFlight.delete(key);
    });
  inFlight.set(key, { startedAt, promise });
  return promise;
}

async function loadUser(ctx: TableContext, accountId: string, userId: string): Promise<User> {
  const key = `${ctx.table}|${accountId}|${userId}`;
  const known = knownUsers.get(key);
  if (known) return known;
  const user = await createAccountStore(ctx).getUser(accountId, userId);
  if (!user) throw new NotFoundError('user');
  remember(knownUsers, key, user);
  return user;
}

/** The sign-in: one shared fresh read of the catalogue and the user, then the grant. */
export async function signIn(ctx: TableContext, input: SignInInput): Promise<SignInResult> {
  const arrived = Date.now();
  const key = `${ctx.table}|${input.accountId}|${input.serverId}`;
  // Every read a grant needs, at once: one round trip before the one write.
  const [catalogue, user] = await Promise.all([
    freshCatalogue(ctx, input, key, arrived),
    loadUser(ctx, input.accountId, input.userId),
  ]);
  return signInWith(ctx, input, catalogue, user);
}

/** Who may, which seat in API.md's order, one transaction per attempt, reclaim, then refuse. */
async function signInWith(
  ctx: TableContext,
  input: SignInInput,
  catalogue: Catalogue,
  user: User,
): Promise<SignInResult> {
  const { accountId, serverId, now } = input;
  const sessions = createSessionStore(ctx);
  const { holdings, licenses, assignments } = catalogue;
  const named = input.licenseId ? licenses.find((l) => l.licenseId === input.licenseId) : null;
  if (input.licenseId && !named) throw new NotFoundError('license');
  const product = requestedProduct(input.product, named ?? null);
  if (!isSessionProduct(product)) {
    throw new InvalidRequestError(
      `${product} licenses are held by servers, not by sessions; ask for a CAL or Altium NEXUS seat.`,
    );
  }
  const byId = new Map(licenses.map((l) => [l.licenseId, l]));
  const state = serverState({
    heldServerLicenses: holdings.filter((h) => h.kind === 'server').map((h) => byId.get(h.licenseId) ?? h),
    accountCals: licenses.filter((l) => l.kind === 'cal'),
    now,
  });
  const verdict = admission(state, user.admin);
  if (verdict === 'unlicensed') throw new ServerUnlicensedError();
  if (verdict === 'refused') throw adminOnlyError();

  const fresh = (license: License, assignmentId: string, sessionId: string): Session => ({
    sessionId,
    accountId,
    licenseId: license.licenseId,
    assignmentId,
    serverId,
    userId: user.userId,
    machineId: input.machineId,
    product,
    clients: [input.client],
    roles: user.roles,
    startedAt: now.toISOString(),
    expiresAt: expiryAfterHeartbeat(now, verdict === 'admin_seat' ? NO_LICENSE_END : license),
    roamingUntil: null,
    adminSeat: verdict === 'admin_seat',
  });

  /** Joins the session that already holds this user's seat on this PC; null when it ended meanwhile. */
  const join = async (sessionId: string): Promise<SignInResult | null> => {
    const current = await sessions.get(accountId, sessionId);
    if (!current || current.endedAt) return null;
    const expiresAt = expiryAfterHeartbeat(
      now,
      capOf(
        current,
        byId.get(current.licenseId) ?? (await createLicenseStore(ctx).get(accountId, current.licenseId)),
      ),
    );
    const joined = await sessions.touch(accountId, sessionId, expiresAt, input.client);
    return joined ? { statusCode: 200, body: sessionBody(joined) } : null;
  };

  const attempt = async (grant: () => Promise<GrantOutcome>): Promise<GrantOutcome> =>
    withRetry(async () => {
      const outcome = await grant();
      if (outcome.kind === 'conflict') {
        throw new TransactionConflictException({ message: 'seat lock without holder', $metadata: {} });
      }
      return outcome;
    });

  for (let pass = 0; pass < SIGN_IN_PASSES; pass++) {
    const sessionId = newId('ses');

    if (verdict === 'admin_seat') {
      // The seed keeps one Server and one CAL seat for backup and configuration: the session names the CAL
      // that ended last (or the server's own license when the account never had a CAL).
      const kept =
        licenses
          .filter((l) => l.product === product)
          .sort((a, b) => Date.parse(b.validUntil) - Date.parse(a.validUntil))[0] ??
        licenses.filter(
          (l) => l.product === SERVER_PRODUCT && holdings.some((h) => h.licenseId === l.licenseId),
        )[0];
      if (!kept) throw adminOnlyError();
      const session = fresh(kept, '', sessionId);
      const outcome = await attempt(() => sessions.grantAdminSeat(session));
      if (outcome.kind === 'granted') return { statusCode: 201, body: sessionBody(session) };
      if (outcome.kind === 'already_seated') {
        const joined = await join(outcome.sessionId);
        if (joined) return joined;
        continue;
      }
      // The administrator holding the seat may have gone silent: reclaim it as the hourly check would.
      const holder = outcome.kind === 'license_full' ? outcome.holderSessionId : undefined;
      const stale = holder ? await sessions.get(accountId, holder) : null;
      if (stale && !stale.endedAt && isReclaimable(stale, now)) {
        await withRetry(() =>
          sessions.endSession(accountId, stale.sessionId, 'reclaimed', now, {
            onlyIfReclaimable: true,
            session: stale,
          }),
        );
        continue;
      }
      throw adminSeatTakenError();
    }

    const candidates = seatCandidates({
      licenses,
      assignments,
      roles: user.roles,
      product,
      licenseId: input.licenseId,
      now,
    });
    const tried: Candidate[] = [];
    const full = new Set<string>();
    let reclaimed = false;
    let rejoin = false;
    for (let round = 0; round < 2 && !rejoin; round++) {
      for (const [index, candidate] of candidates.entries()) {
        if (full.has(candidate.license.licenseId)) continue;
        const session = fresh(candidate.license, candidate.assignment.assignmentId, sessionId);
        const outcome = await attempt(() =>
          sessions.grant({
            session,
            role: candidate.assignment.role,
            now,
            clientRequestToken: `${sessionId}-${round}-${index}`,
            requireAutomaticLeasing: input.licenseId === undefined,
          }),
        );
        if (outcome.kind === 'server_gone') throw new NotFoundError('server');
        if (round === 0) tried.push(candidate);
        if (outcome.kind === 'granted') return { statusCode: 201, body: sessionBody(session) };
        if (outcome.kind === 'already_seated') {
          const joined = await join(outcome.sessionId);
          if (joined) return joined;
          rejoin = true;
          break;
        }
        if (outcome.kind === 'license_full') full.add(candidate.license.licenseId);
      }
      if (rejoin || reclaimed || full.size === 0) break;
      // A full license may hold sessions nobody heard from within their timeout: end them as the hourly
      // check would (each conditioned on still being past its time), then try the seats once more.
      reclaimed = true;
      let freed = 0;
      for (const licenseId of full) {
        for (const stale of await sessions.reclaimableOfLicense(licenseId, now)) {
          const ended = await withRetry(() =>
            sessions.endSession(accountId, stale.sessionId, reclaimReason(stale), now, {
              onlyIfReclaimable: true,
              session: stale,
            }),
          );
          if (ended) freed++;
        }
      }
      if (freed === 0) break;
      full.clear();
    }
    if (rejoin) continue;

    // Counted once, in the row of the first license the portal tried (or would have, when no role of the
    // user has an assignment on it); with no valid license of the product at all there is no row to count in.
    const first =
      tried[0]?.license ??
      licenses
        .filter(
          (l) =>
            l.product === product && l.validFrom <= now.toISOString() && l.validUntil > now.toISOString(),
        )
        .filter((l) => !input.licenseId || l.licenseId === input.licenseId)
        .sort(
          (a, b) => a.validUntil.localeCompare(b.validUntil) || a.licenseId.localeCompare(b.licenseId),
        )[0];
    if (first) {
      await sessions.recordDenial({
        accountId,
        licenseId: first.licenseId,
        userId: user.userId,
        roles: user.roles,
        serverId,
        product,
        at: now,
        nonce: sessionId,
      });
    }
    throw exhaustedError({
      product,
      tried,
      fullLicenses: full,
      licenseId: input.licenseId,
      namedLicenseInvalid: named ? !isValidAt(named, now) : false,
    });
  }
  throw new BusyError(SEAT_RETRY.retryAfterSeconds);
}
