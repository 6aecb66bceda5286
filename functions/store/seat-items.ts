// The items of the seat lifecycle (sessions, their Expiry items, seat locks, denials, audit records): their
// keys, index attributes and attribute shapes, in both directions. The keys themselves are in keys.ts.
import type { AuditRecord } from '../../domain/audit.js';
import type { Product } from '../../domain/products.js';
import type { Denial, ItemRef } from '../../domain/seat-write.js';
import {
  CLIENT_ORDER,
  ENDED_SESSION_RETENTION_DAYS,
  type EndReason,
  holdsUntil,
  type SeatHolder,
  type Session,
} from '../../domain/sessions.js';
import { dueAttributes, type Key, keys } from './keys.js';

/** Days the audit log keeps a record (API.md "Kept at least 400 days"). */
export const AUDIT_RETENTION_DAYS = 400;

/** The key of an item a seat write names. */
export function keyOf(ref: ItemRef): Key {
  switch (ref.type) {
    case 'license':
      return keys.license(ref.accountId, ref.licenseId);
    case 'assignment':
      return keys.assignment(ref.accountId, ref.licenseId, ref.assignmentId);
    case 'server':
      return keys.server(ref.accountId, ref.serverId);
    case 'user':
      return keys.user(ref.accountId, ref.userId);
    case 'session':
      return keys.session(ref.accountId, ref.sessionId);
    case 'seatLock':
      return keys.seatLock(ref.accountId, ref.userId, ref.product, ref.machineId);
    case 'expiry':
      return keys.expiry(ref.accountId, ref.holdsUntil, ref.sessionId);
  }
}

/** Index attributes of a live session: its license's list (seat holders only) and the account's live list. */
export function liveSessionIndexes(
  session: Pick<Session, 'accountId' | 'licenseId' | 'startedAt' | 'sessionId' | 'adminConnection'>,
) {
  return {
    ...(session.adminConnection
      ? {}
      : keys.sessionsOfLicense(session.licenseId, session.startedAt, session.sessionId)),
    ...keys.liveSessionsOfAccount(session.accountId, session.startedAt, session.sessionId),
  };
}

/** A new session's item. */
export function sessionItem(session: Session): Record<string, unknown> {
  return {
    ...keys.session(session.accountId, session.sessionId),
    ...liveSessionIndexes(session),
    entity: 'Session',
    sessionId: session.sessionId,
    accountId: session.accountId,
    licenseId: session.licenseId,
    assignmentId: session.assignmentId,
    serverId: session.serverId,
    hostName: session.hostName,
    userId: session.userId,
    email: session.email,
    machineId: session.machineId,
    product: session.product,
    clients: new Set(session.clients),
    roles: session.roles,
    startedAt: session.startedAt,
    expiresAt: session.expiresAt,
    ...(session.roamingUntil ? { roamingUntil: session.roamingUntil } : {}),
    lastSeenAt: session.lastSeenAt,
    adminConnection: session.adminConnection,
    version: session.version,
  };
}

function clientsOf(value: unknown): Session['clients'] {
  const list = value instanceof Set ? [...value] : Array.isArray(value) ? value : [];
  return CLIENT_ORDER.filter((c) => list.includes(c));
}

/** A session from its item (items of the first design, without version or lastSeenAt, read as version 0). */
export function sessionFromItem(item: Record<string, unknown>): Session {
  return {
    sessionId: item.sessionId as string,
    accountId: item.accountId as string,
    licenseId: item.licenseId as string,
    assignmentId: (item.assignmentId as string | undefined) ?? '',
    serverId: item.serverId as string,
    hostName: typeof item.hostName === 'string' ? item.hostName : '',
    userId: item.userId as string,
    email: typeof item.email === 'string' ? item.email : '',
    machineId: item.machineId as string,
    product: item.product as Product,
    clients: clientsOf(item.clients),
    roles: Array.isArray(item.roles) ? (item.roles as string[]) : [],
    startedAt: item.startedAt as string,
    expiresAt: item.expiresAt as string,
    roamingUntil: typeof item.roamingUntil === 'string' ? item.roamingUntil : null,
    lastSeenAt: typeof item.lastSeenAt === 'string' ? item.lastSeenAt : (item.startedAt as string),
    adminConnection: item.adminConnection === true,
    version: typeof item.version === 'number' ? item.version : 0,
    ...(typeof item.endedAt === 'string' ? { endedAt: item.endedAt } : {}),
    ...(typeof item.endReason === 'string' ? { endReason: item.endReason as EndReason } : {}),
  };
}

/** A session's Expiry item: its SeatHolder, in the catalogue range and on the due index at holdsUntil. */
export function expiryItem(holder: SeatHolder): Record<string, unknown> {
  const until = holdsUntil(holder);
  return {
    ...keys.expiry(holder.accountId, until, holder.sessionId),
    ...dueAttributes('SESSION', holder.sessionId, until),
    entity: 'Expiry',
    ...holder,
    roamingUntil: holder.roamingUntil ?? undefined,
  };
}

/** A SeatHolder from an Expiry item. */
export function holderFromItem(item: Record<string, unknown>): SeatHolder {
  return {
    sessionId: item.sessionId as string,
    accountId: item.accountId as string,
    licenseId: item.licenseId as string,
    assignmentId: (item.assignmentId as string | undefined) ?? '',
    serverId: item.serverId as string,
    userId: item.userId as string,
    machineId: item.machineId as string,
    product: item.product as Product,
    startedAt: item.startedAt as string,
    expiresAt: item.expiresAt as string,
    roamingUntil: typeof item.roamingUntil === 'string' ? item.roamingUntil : null,
    adminConnection: item.adminConnection === true,
    version: typeof item.version === 'number' ? item.version : 0,
  };
}

/** A seat lock: names the live session of a user + PC + product. */
export function lockItem(
  ref: Extract<ItemRef, { type: 'seatLock' }>,
  sessionId: string,
): Record<string, unknown> {
  return { ...keyOf(ref), entity: 'SeatLock', sessionId, userId: ref.userId, product: ref.product };
}

/** A refused sign-in, for the usage report. */
export function denialItem(denial: Denial): Record<string, unknown> {
  return {
    ...keys.denial(denial.accountId, denial.licenseId, denial.at, denial.nonce),
    entity: 'Denial',
    ...denial,
  };
}

/** An audit record, kept AUDIT_RETENTION_DAYS (TTL). */
export function auditItem(record: AuditRecord): Record<string, unknown> {
  return {
    ...keys.auditEvent(record.accountId, record.at, record.eventId),
    entity: 'AuditEvent',
    ...record,
    ttl: Math.floor(Date.parse(record.at) / 1000) + AUDIT_RETENTION_DAYS * 86_400,
  };
}

/** The ttl of an ended session (epoch seconds): history is kept ENDED_SESSION_RETENTION_DAYS. */
export function endedSessionTtl(endedAt: string): number {
  return Math.floor(Date.parse(endedAt) / 1000) + ENDED_SESSION_RETENTION_DAYS * 86_400;
}
