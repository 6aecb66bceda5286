// Seat leasing, the one path that takes and frees seats: read, decide (domain/), write the one guarded
// transaction (store/seat-ledger.ts), learn from its outcome, decide again — bounded (docs/seat-protocol.md).
// Handlers call these; the hourly check, server removal and user administration end sessions through them.
import type { Assignment } from '../../domain/assignments.js';
import type { AuditActor, AuditRecord } from '../../domain/audit.js';
import type { User } from '../../domain/account.js';
import { BusyError, NotFoundError, UserDisabledError } from '../../domain/errors.js';
import type { License } from '../../domain/license.js';
import type { Product } from '../../domain/products.js';
import type { SeatWrite, WriteOutcome } from '../../domain/seat-write.js';
import type { Server } from '../../domain/server-status.js';
import { planEnd, planRoamingStart, planTouch } from '../../domain/session-lifecycle.js';
import {
  type Client,
  type EndReason,
  holderOf,
  isExpired,
  type SeatHolder,
  type Session,
} from '../../domain/sessions.js';
import type { LicenseManagerSettings } from '../../domain/settings.js';
import {
  type Catalogue,
  decideSignIn,
  decisionTime,
  type Learned,
  learnFromOutcome,
  NOTHING_LEARNED,
  type SignInRequest,
  type SignInUser,
} from '../../domain/sign-in.js';
import { backoffMs, type RetryPolicy, SEAT_RETRY, sleep, withRetry } from '../store/retry.js';
import { type CatalogueSource, sharedCatalogueReads } from './catalogue-reads.js';

/** What seat leasing reads and writes through (the store's repositories, or doubles in unit tests). */
export interface SeatLeasingPorts {
  /** Scopes process-level sharing (the table name). */
  scope: string;
  catalogue: CatalogueSource;
  ledger: { write(write: SeatWrite, clientRequestToken?: string): Promise<WriteOutcome> };
  sessions: {
    get(accountId: string, sessionId: string): Promise<Session | null>;
    liveHolders(accountId: string, only?: { serverId?: string; userId?: string }): Promise<SeatHolder[]>;
  };
  users: { get(accountId: string, userId: string): Promise<User | null> };
  licenses: { get(accountId: string, licenseId: string): Promise<License | null> };
  assignments: {
    get(accountId: string, licenseId: string, assignmentId: string): Promise<Assignment | null>;
  };
  settings: { get(accountId: string): Promise<LicenseManagerSettings> };
  servers: {
    get(accountId: string, serverId: string): Promise<Server | null>;
    markRemoving(accountId: string, serverId: string, at: Date): Promise<void>;
    remove(accountId: string, serverId: string, now: Date, audit: AuditRecord): Promise<boolean>;
  };
  newId(prefix: string): string;
  /** The portal's clock (the local runtime's tests may move it). */
  clock(): Date;
  retry?: RetryPolicy;
}

/** A sign-in's input: POST /v1/servers/{serverId}/sessions of the caller's account. */
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
 * Which sessions a call may touch: with `serverId` (a NEXUS server's own token), only that server's; another
 * server's session answers NotFoundError as a missing one does. Empty: any session of the account.
 */
export interface ServerScope {
  serverId?: string;
}

/** A sign-in's result: 201 with a new session, or 200 with the session it joined. */
export interface SignInResult {
  status: 201 | 200;
  session: Session;
}

/** Decisions one sign-in may make before it answers busy (each teaches a fact, so this is never reached). */
const MAX_DECISIONS = 40;
/** Optimistic re-reads of one session (racing heartbeats, joins, ends), with jittered backoff, before busy. */
const SESSION_ATTEMPTS = 8;
/** Users kept in memory per process; every write checks the copy (profileVersion), so it is never trusted blind. */
const MAX_CACHED_USERS = 10_000;

function signInUser(user: User): SignInUser {
  return {
    userId: user.userId,
    email: user.email,
    roles: user.roles,
    admin: user.admin,
    disabled: user.disabled,
    profileVersion: user.profileVersion,
  };
}

/** Seat leasing over the given ports. */
export function createSeatLeasing(ports: SeatLeasingPorts) {
  const policy = ports.retry ?? SEAT_RETRY;
  const reads = sharedCatalogueReads(ports.catalogue, ports.clock);
  const knownUsers = new Map<string, SignInUser>();
  const write = (w: SeatWrite, token?: string) => withRetry(() => ports.ledger.write(w, token), policy);

  async function loadUser(accountId: string, userId: string, fresh: boolean): Promise<SignInUser | null> {
    const key = `${accountId}|${userId}`;
    const known = fresh ? undefined : knownUsers.get(key);
    if (known) return known;
    const user = await ports.users.get(accountId, userId);
    if (!user) {
      knownUsers.delete(key);
      return null;
    }
    if (knownUsers.size >= MAX_CACHED_USERS) knownUsers.clear();
    knownUsers.set(key, signInUser(user));
    return signInUser(user);
  }

  /**
   * Joins a live session (another client of the user on the same PC, or the user's own expired session): its
   * expiry moves as a heartbeat's would and the client is added. null when it ended meanwhile.
   */
  async function join(
    accountId: string,
    sessionId: string,
    now: Date,
    client: Client,
    known?: { catalogue: Catalogue },
  ): Promise<Session | null> {
    for (let attempt = 0; attempt < SESSION_ATTEMPTS; attempt++) {
      const session = await ports.sessions.get(accountId, sessionId);
      if (!session || session.endedAt) return null;
      const { license, settings } = await licenseAndSettings(accountId, session, known?.catalogue);
      const plan = planTouch({
        session,
        license,
        timeoutMinutes: settings.sessionTimeoutMinutes,
        now,
        addClient: client,
      });
      if (plan.kind === 'unchanged') return plan.session;
      const outcome = await write(plan.write);
      if (outcome.ok) return plan.session;
      await sleep(backoffMs(policy, attempt));
    }
    throw new BusyError(policy.retryAfterSeconds);
  }

  async function licenseAndSettings(
    accountId: string,
    session: Session,
    catalogue?: Catalogue,
  ): Promise<{ license: License | null; settings: LicenseManagerSettings }> {
    if (catalogue) {
      return {
        license: catalogue.licenses.find((l) => l.licenseId === session.licenseId) ?? null,
        settings: catalogue.settings,
      };
    }
    const [license, settings] = await Promise.all([
      ports.licenses.get(accountId, session.licenseId),
      ports.settings.get(accountId),
    ]);
    return { license, settings };
  }

  /**
   * A live session of the account, or NotFoundError (ended, missing, another account's; with `only.serverId`, a
   * session of another server too: API.md "A server token may heartbeat, sign out and roam only sessions whose
   * `serverId` is its server").
   */
  async function liveSession(
    accountId: string,
    sessionId: string,
    only: ServerScope = {},
    what = 'session',
  ): Promise<Session> {
    const session = await ports.sessions.get(accountId, sessionId);
    if (!session || session.endedAt) throw new NotFoundError(what);
    if (only.serverId !== undefined && session.serverId !== only.serverId) throw new NotFoundError(what);
    return session;
  }

  /**
   * Ends one session for `reason` through the one path (planEnd), re-reading when it changed meanwhile. With
   * `reclaimAt` only while it is still expired then (a heartbeat that revived it wins). true when THIS call
   * ended it, false when it had ended already (or was revived).
   */
  async function end(
    holder: SeatHolder,
    reason: EndReason,
    now: Date,
    options: { audit?: (holder: SeatHolder) => AuditRecord; reclaimAt?: Date } = {},
  ): Promise<boolean> {
    let current: SeatHolder | null = holder;
    for (let attempt = 0; attempt < SESSION_ATTEMPTS && current; attempt++) {
      const plan = planEnd(current, {
        at: now,
        reason,
        ...(options.audit ? { audit: options.audit(current) } : {}),
        ...(options.reclaimAt ? { reclaimAt: options.reclaimAt } : {}),
      });
      const outcome = await write(plan);
      if (outcome.ok) return true;
      if (!outcome.failed.includes('session')) {
        // The session is as read, yet another of its items is not as every seat write leaves it: retrying
        // cannot help, and freeing the seat anyway could break a count. A bug to report, never contention.
        throw new Error(`ending session ${holder.sessionId} failed on ${outcome.failed.join(', ')}`);
      }
      await sleep(backoffMs(policy, attempt));
      const session = await ports.sessions.get(holder.accountId, holder.sessionId);
      current = session && !session.endedAt ? holderOf(session) : null;
      if (current && options.reclaimAt && !isExpired(current, options.reclaimAt)) return false;
    }
    if (current) throw new BusyError(policy.retryAfterSeconds);
    return false;
  }

  return {
    /**
     * POST /v1/servers/{serverId}/sessions (API.md "External PLS: seats"). Errors: NotFoundError (server, user,
     * license), InvalidRequestError (product), UserDisabledError, ServerUnlicensedError, SeatsExhaustedError,
     * BusyError (contention outlasting the retries).
     */
    async signIn(input: SignInInput): Promise<SignInResult> {
      const { accountId } = input;
      // Moves on only to a restriction of the server later than the request's time (decisionTime).
      let now = input.now;
      const readCatalogue = async () => {
        const read = await reads.read(`${ports.scope}|${accountId}`, accountId, now);
        now = decisionTime(read, input.serverId, now);
        return read;
      };
      let [catalogue, user] = await Promise.all([readCatalogue(), loadUser(accountId, input.userId, false)]);
      let learned: Learned = NOTHING_LEARNED;
      let freshUser = false;
      for (let step = 0; step < MAX_DECISIONS; step++) {
        const request: SignInRequest = { ...input, now, sessionId: ports.newId('ses') };
        const plan = decideSignIn({ catalogue, user, request, learned });
        if (plan.kind === 'fail') {
          // A refusal that rests on a remembered copy of the user is checked against the store once.
          if (!freshUser && plan.error instanceof UserDisabledError) {
            user = await loadUser(accountId, input.userId, true);
            freshUser = true;
            continue;
          }
          throw plan.error;
        }
        if (plan.kind === 'join') {
          const joined = await join(accountId, plan.sessionId, now, input.client, { catalogue });
          if (joined) return { status: 200, session: joined };
          catalogue = await readCatalogue();
          learned = NOTHING_LEARNED;
          continue;
        }
        // One token per decision: an SDK retry of a write that did commit is answered as committed.
        const outcome = await write(plan.write, `${request.sessionId}-${step}`);
        const next = learnFromOutcome(plan, outcome, learned);
        switch (next.kind) {
          case 'done':
            if (plan.kind === 'refuse') throw plan.error;
            return { status: 201, session: plan.session };
          case 'join': {
            const joined = await join(accountId, next.sessionId, now, input.client, { catalogue });
            if (joined) return { status: 200, session: joined };
            catalogue = await readCatalogue();
            learned = NOTHING_LEARNED;
            break;
          }
          case 'decide_again':
            learned = next.learned;
            break;
          case 'reload_user':
            user = await loadUser(accountId, input.userId, true);
            freshUser = true;
            break;
          case 'fail':
            throw next.error;
          case 'read_again':
            catalogue = await readCatalogue();
            learned = NOTHING_LEARNED;
            break;
        }
      }
      throw new BusyError(policy.retryAfterSeconds);
    },

    /**
     * POST /v1/sessions/{id}/heartbeat: the new expiresAt (API.md). NotFoundError when ended or missing, or of
     * another server than `only.serverId`.
     */
    async heartbeat(
      accountId: string,
      sessionId: string,
      now: Date,
      only: ServerScope = {},
    ): Promise<Session> {
      for (let attempt = 0; attempt < SESSION_ATTEMPTS; attempt++) {
        const session = await liveSession(accountId, sessionId, only);
        const { license, settings } = await licenseAndSettings(accountId, session);
        const plan = planTouch({ session, license, timeoutMinutes: settings.sessionTimeoutMinutes, now });
        if (plan.kind === 'unchanged') return plan.session;
        if ((await write(plan.write)).ok) return plan.session;
        await sleep(backoffMs(policy, attempt));
      }
      throw new BusyError(policy.retryAfterSeconds);
    },

    /**
     * DELETE /v1/sessions/{id}: sign-out by its server (not audited; with `serverId`, only a session of that
     * server), or Kill Session by an administrator (with its audit record, API.md "session.killed"). The seat is
     * free when it answers. NotFoundError when ended or missing, or of another server than the signing-out one.
     */
    async endSession(
      accountId: string,
      sessionId: string,
      now: Date,
      by: ({ reason: 'signed_out' } & ServerScope) | { reason: 'killed'; actor: AuditActor },
    ): Promise<void> {
      const session = await liveSession(accountId, sessionId, by.reason === 'signed_out' ? by : {});
      const audit =
        by.reason === 'killed'
          ? (holder: SeatHolder): AuditRecord => ({
              eventId: ports.newId('evt'),
              accountId,
              at: now.toISOString(),
              actor: by.actor,
              action: 'session.killed',
              targetId: holder.sessionId,
              details: {
                userId: holder.userId,
                serverId: holder.serverId,
                licenseId: holder.licenseId,
                machineId: holder.machineId,
              },
            })
          : undefined;
      if (!(await end(holderOf(session), by.reason, now, audit ? { audit } : {}))) {
        throw new NotFoundError('session');
      }
    },

    /**
     * POST /v1/sessions/{id}/roaming (API.md): the new roamingUntil (ISO). RoamingNotAllowedError, NotFoundError
     * (also for a session of another server than `only.serverId`).
     */
    async startRoaming(
      accountId: string,
      sessionId: string,
      days: number,
      now: Date,
      only: ServerScope = {},
    ): Promise<string> {
      for (let attempt = 0; attempt < SESSION_ATTEMPTS; attempt++) {
        const session = await liveSession(accountId, sessionId, only);
        const [assignment, license] = await Promise.all([
          session.assignmentId
            ? ports.assignments.get(accountId, session.licenseId, session.assignmentId)
            : Promise.resolve(null),
          ports.licenses.get(accountId, session.licenseId),
        ]);
        if (!license) throw new NotFoundError('session');
        const plan = planRoamingStart({ session, assignment, license, days, now });
        if ((await write(plan.write)).ok) return plan.roamingUntil;
        await sleep(backoffMs(policy, attempt));
      }
      throw new BusyError(policy.retryAfterSeconds);
    },

    /**
     * DELETE /v1/sessions/{id}/roaming: returns a roaming seat early. NotFoundError when not roaming, or of
     * another server than `only.serverId`.
     */
    async endRoaming(accountId: string, sessionId: string, now: Date, only: ServerScope = {}): Promise<void> {
      const session = await liveSession(accountId, sessionId, only, 'roaming seat');
      if (!session.roamingUntil) throw new NotFoundError('roaming seat');
      if (!(await end(holderOf(session), 'roaming_ended', now))) throw new NotFoundError('roaming seat');
    },

    /**
     * Ends one session found by the hourly check (the holder as read from its Expiry item); with `reclaimAt`
     * only while it is still expired then. true when THIS call ended it.
     */
    endHolder(holder: SeatHolder, reason: EndReason, now: Date, reclaimAt?: Date): Promise<boolean> {
      return end(holder, reason, now, reclaimAt ? { reclaimAt } : {});
    },

    /**
     * Ends every live session of a user at once (disabled or deleted, API.md "their seats are free when the call
     * answers"). The caller has already made the user's grants fail (disabled, or the user gone). Returns how
     * many THIS call ended.
     */
    async endSessionsOfUser(
      accountId: string,
      userId: string,
      reason: 'user_disabled' | 'user_deleted',
      now: Date,
    ) {
      let ended = 0;
      for (const holder of await ports.sessions.liveHolders(accountId, { userId })) {
        if (await end(holder, reason, now)) ended++;
      }
      knownUsers.delete(`${accountId}|${userId}`);
      return ended;
    },

    /**
     * DELETE /v1/servers/{serverId} (API.md): marks the server removing (every later grant fails), ends its live
     * sessions, then deletes it and frees its System seats with the audit record. When it answers, no session
     * of that server holds a seat. NotFoundError when the server does not exist.
     */
    async removeServer(accountId: string, serverId: string, now: Date, actor: AuditActor): Promise<void> {
      const server = await ports.servers.get(accountId, serverId);
      if (!server) throw new NotFoundError('server');
      await ports.servers.markRemoving(accountId, serverId, now);
      for (let attempt = 0; attempt < SESSION_ATTEMPTS; attempt++) {
        for (const holder of await ports.sessions.liveHolders(accountId, { serverId })) {
          await end(holder, 'server_removed', now);
        }
        const removed = await ports.servers.remove(accountId, serverId, now, {
          eventId: ports.newId('evt'),
          accountId,
          at: now.toISOString(),
          actor,
          action: 'server.removed',
          targetId: serverId,
          details: { hostName: server.hostName },
        });
        if (removed) return;
      }
      throw new BusyError(policy.retryAfterSeconds);
    },
  };
}

export type SeatLeasing = ReturnType<typeof createSeatLeasing>;
