// Every other change of a live session, decided: end it (for any reason), touch it (heartbeat, join),
// let it roam, or convert it into a server's administrative connection. Each returns the one guarded write
// (docs/seat-protocol.md "Join, heartbeat, roaming" and "End").
import type { Assignment } from './assignments.js';
import { and, missing } from './conditions.js';
import { RoamingNotAllowedError } from './errors.js';
import type { License } from './license.js';
import { CLIENT_PRODUCT } from './products.js';
import {
  CONNECTIONS,
  countsAsConnection,
  LIVE,
  lockHeldBy,
  present,
  sessionAsRead,
  sessionExpiredAt,
  USED,
} from './seat-rules.js';
import type { AuditRecord } from './audit.js';
import { expiryRef, refKey, type SeatWrite, SeatWriteBuilder } from './seat-write.js';
import {
  type Client,
  type EndReason,
  expiryAfter,
  expiryCap,
  holderOf,
  roamingEnd,
  type SeatHolder,
  type Session,
  withClient,
} from './sessions.js';

/** The seat lock of a user + PC + product (API.md: one seat per user per PC). */
export function lockRef(accountId: string, userId: string, product: string, machineId: string) {
  return { type: 'seatLock' as const, accountId, userId, product, machineId };
}

/** How endChanges names its changes: plainly (one session ends) or per holder (a reclaim inside a grant). */
export type EndNaming = 'plain' | 'reclaim';

/** The name of one part of a session's end in a write. */
export function endPartName(part: string, sessionId: string, naming: EndNaming): string {
  if (naming === 'plain') return part;
  return part === 'session' ? `reclaim:${sessionId}` : `reclaim-${part}:${sessionId}`;
}

/**
 * Adds the changes that end one session (docs/seat-protocol.md "End"): the session (not ended and as read; for
 * a reclaim also still expired at `reclaimAt`), its seat lock (naming it) and Expiry item deleted, and its
 * counters given back: license and assignment −1 unless it is the administrative connection, server live −1
 * (and its administrative connection cleared). Contributions merge with others to the same items.
 */
export function endChanges(
  builder: SeatWriteBuilder,
  holder: SeatHolder,
  end: { at: Date; reason: EndReason; reclaimAt?: Date | undefined; naming?: EndNaming },
): void {
  const naming = end.naming ?? 'plain';
  const name = (part: string) => endPartName(part, holder.sessionId, naming);
  builder.change({
    op: 'updateSession',
    name: name('session'),
    ref: { type: 'session', accountId: holder.accountId, sessionId: holder.sessionId },
    update: { end: { endedAt: end.at.toISOString(), endReason: end.reason } },
    condition: end.reclaimAt
      ? and(sessionAsRead(holder.version), sessionExpiredAt(end.reclaimAt))
      : sessionAsRead(holder.version),
  });
  builder.change({
    op: 'delete',
    name: name('lock'),
    ref: lockRef(holder.accountId, holder.userId, holder.product, holder.machineId),
    condition: lockHeldBy(holder.sessionId),
  });
  builder.change({ op: 'delete', name: name('expiry'), ref: expiryRef(holder), condition: present });
  if (!holder.adminConnection) {
    builder.counter({
      name: name('license'),
      ref: { type: 'license', accountId: holder.accountId, licenseId: holder.licenseId },
      add: { [USED]: -1 },
      condition: () => present,
    });
    builder.counter({
      name: name('assignment'),
      ref: {
        type: 'assignment',
        accountId: holder.accountId,
        licenseId: holder.licenseId,
        assignmentId: holder.assignmentId,
      },
      add: { [USED]: -1 },
      condition: () => present,
    });
  }
  builder.counter({
    name: name('server'),
    ref: { type: 'server', accountId: holder.accountId, serverId: holder.serverId },
    add: { [LIVE]: -1, ...(countsAsConnection(holder) ? { [CONNECTIONS]: -1 } : {}) },
    ...(holder.adminConnection ? { remove: ['adminConnection'] } : {}),
    condition: () => present,
  });
}

/**
 * Ends one session for `reason` at `at` (sign-out, Kill Session, reclaim, roaming end, license expiry, server
 * removal, restriction, user disabled or deleted), with an audit record in the same write when given. The
 * write fails by name `session` when the session ended or changed since `holder` was read (read again), or —
 * with `reclaimAt` — is no longer expired (a heartbeat revived it: leave it).
 */
export function planEnd(
  holder: SeatHolder,
  end: { at: Date; reason: EndReason; reclaimAt?: Date; audit?: AuditRecord },
): SeatWrite {
  const builder = new SeatWriteBuilder();
  endChanges(builder, holder, end);
  if (end.audit) builder.change({ op: 'putAudit', name: 'audit', record: end.audit });
  return builder.build();
}

/** The result of a heartbeat or join decision. */
export type TouchPlan =
  /** A later heartbeat or join (or one at the same instant, to a later expiry) already set it: answer with it. */
  { kind: 'unchanged'; session: Session } | { kind: 'write'; session: Session; write: SeatWrite };

/**
 * A heartbeat or a join (API.md): expiresAt = now + the account's timeout, capped at the license's validUntil
 * (none for the administrative connection), even where that is earlier (a shorter timeout applies at once);
 * of two racing requests the one with the later `now` sets the expiry (lastSeenAt). A join adds its client. An
 * expired live session is revived. The write fails by name `session` when the session changed or ended since
 * it was read: read it again.
 */
export function planTouch(input: {
  session: Session;
  license: Pick<License, 'validUntil'> | null;
  timeoutMinutes: number;
  now: Date;
  addClient?: Client;
}): TouchPlan {
  const { session, now, addClient } = input;
  const computed = expiryAfter(now, input.timeoutMinutes, expiryCap(session, input.license));
  // API.md: the account's timeout applies from the next touch, even where that makes expiresAt earlier; but of
  // two racing heartbeats the later expiresAt stays. A touch earlier than the last one changes nothing of the
  // expiry; one at the same instant races it, so the later of the two expiries stays.
  const seen = now.toISOString();
  const expiresAt =
    session.lastSeenAt === seen && session.expiresAt > computed ? session.expiresAt : computed;
  const later = session.lastSeenAt > seen || (session.lastSeenAt === seen && session.expiresAt === expiresAt);
  const clients = addClient ? withClient(session.clients, addClient) : session.clients;
  const newClient = clients.length !== session.clients.length;
  if (later && !newClient) return { kind: 'unchanged', session };
  const next: Session = later
    ? { ...session, clients, version: session.version + 1 }
    : { ...session, clients, expiresAt, lastSeenAt: seen, version: session.version + 1 };
  const builder = new SeatWriteBuilder();
  builder.change({
    op: 'updateSession',
    name: 'session',
    ref: { type: 'session', accountId: session.accountId, sessionId: session.sessionId },
    update: {
      ...(later ? {} : { expiresAt: next.expiresAt, lastSeenAt: next.lastSeenAt }),
      version: next.version,
      ...(newClient && addClient ? { addClient } : {}),
    },
    condition: sessionAsRead(session.version),
  });
  moveExpiry(builder, session, next);
  return { kind: 'write', session: next, write: builder.build() };
}

/** Rewrites a session's Expiry item for its new state: in place when its time is the same, else moved. */
function moveExpiry(builder: SeatWriteBuilder, before: Session, after: Session): void {
  const from = expiryRef(before);
  const to = expiryRef(after);
  if (refKey(from) === refKey(to)) {
    builder.change({ op: 'updateExpiry', name: 'expiry', ref: to, holder: holderOf(after) });
    return;
  }
  builder.change({ op: 'delete', name: 'expiry-old', ref: from, condition: present });
  builder.change({ op: 'putExpiry', name: 'expiry', holder: holderOf(after) });
}

/**
 * Starts roaming (API.md): only a design-software session whose assignment allows roaming, else
 * RoamingNotAllowedError; roamingUntil = now + days, capped at the license's end; the seat is held without
 * heartbeats until then. The write fails by name `session` when the session changed since read.
 */
export function planRoamingStart(input: {
  session: Session;
  assignment: Assignment | null;
  license: Pick<License, 'validUntil'>;
  days: number;
  now: Date;
}): { session: Session; roamingUntil: string; write: SeatWrite } {
  const { session, assignment, now } = input;
  if (session.product !== CLIENT_PRODUCT || session.adminConnection) {
    throw new RoamingNotAllowedError(
      'Only Altium NEXUS design-software seats may roam; connection (CAL) seats and the administrative connection cannot.',
    );
  }
  if (!assignment?.allowRoaming) {
    throw new RoamingNotAllowedError(
      "This seat's assignment does not allow roaming; an administrator can turn on Allow Roaming for it.",
    );
  }
  const roamingUntil = roamingEnd(now, input.days, input.license);
  const next: Session = { ...session, roamingUntil, version: session.version + 1 };
  const builder = new SeatWriteBuilder();
  builder.change({
    op: 'updateSession',
    name: 'session',
    ref: { type: 'session', accountId: session.accountId, sessionId: session.sessionId },
    update: { roamingUntil, version: next.version },
    condition: sessionAsRead(session.version),
  });
  moveExpiry(builder, session, next);
  return { session: next, roamingUntil, write: builder.build() };
}

/**
 * Converts a live session into its server's administrative connection (the hourly check, when the server
 * becomes admin_only or lapsed: the seed keeps "a single administrative connection"): its license and
 * assignment seats are given back and the server names it, conditioned on the server naming none yet (at most
 * one per server) and on the session being as read.
 */
export function planConversion(holder: SeatHolder): SeatWrite {
  const next: SeatHolder = {
    ...holder,
    adminConnection: true,
    assignmentId: '',
    version: holder.version + 1,
  };
  const builder = new SeatWriteBuilder();
  builder.change({
    op: 'updateSession',
    name: 'session',
    ref: { type: 'session', accountId: holder.accountId, sessionId: holder.sessionId },
    update: { adminConnection: true, assignmentId: '', version: next.version },
    condition: sessionAsRead(holder.version),
  });
  builder.change({ op: 'updateExpiry', name: 'expiry', ref: expiryRef(next), holder: next });
  if (!holder.adminConnection) {
    builder.counter({
      name: 'license',
      ref: { type: 'license', accountId: holder.accountId, licenseId: holder.licenseId },
      add: { [USED]: -1 },
      condition: () => present,
    });
    builder.counter({
      name: 'assignment',
      ref: {
        type: 'assignment',
        accountId: holder.accountId,
        licenseId: holder.licenseId,
        assignmentId: holder.assignmentId,
      },
      add: { [USED]: -1 },
      condition: () => present,
    });
  }
  builder.counter({
    name: 'server',
    ref: { type: 'server', accountId: holder.accountId, serverId: holder.serverId },
    set: { adminConnection: holder.sessionId },
    condition: () => and(present, missing('adminConnection')),
  });
  return builder.build();
}
