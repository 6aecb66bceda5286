// Sessions and their timing: expiry after a heartbeat (the account's timeout, capped at the license's end),
// roaming, when a live session is expired, and why one ends (API.md "External PLS: seats").
import type { License } from './license.js';
import type { Product } from './products.js';

/** Roaming holds a design-software seat without heartbeats for 1 to 30 days (API.md). */
export const MAX_ROAMING_DAYS = 30;
/** Ended sessions are kept this long for history and reports, then TTL may remove them. */
export const ENDED_SESSION_RETENTION_DAYS = 400;

export type Client = 'browser' | 'design_client';
export const CLIENT_ORDER: readonly Client[] = ['browser', 'design_client'];

/**
 * Why a session ended (API.md "live ... until it ends"): sign-out by its server, Kill Session by an
 * administrator, reclaim of an expired session, roaming returned or run out, the license's expiry, the
 * server's removal, an admin_only/lapsed server keeping one connection, the user disabled or deleted.
 */
export type EndReason =
  | 'signed_out'
  | 'killed'
  | 'reclaimed'
  | 'roaming_ended'
  | 'license_expired'
  | 'server_removed'
  | 'server_restricted'
  | 'user_disabled'
  | 'user_deleted';

export interface Session {
  sessionId: string;
  accountId: string;
  /** The license whose seat it holds; for the administrative connection the license it names (API.md). */
  licenseId: string;
  /** The assignment it was served through; '' for the administrative connection (no seat of any license). */
  assignmentId: string;
  serverId: string;
  /** The server's host name and the user's email at sign-in: the Sessions page lists them without a read per row. */
  hostName: string;
  userId: string;
  email: string;
  machineId: string;
  product: Product;
  clients: Client[];
  /** The user's roles at sign-in (usage reports filter by them). */
  roles: string[];
  /** ISO times. */
  startedAt: string;
  expiresAt: string;
  roamingUntil: string | null;
  /** The time of the request that last set expiresAt (a sign-in, join or heartbeat): the later one wins. */
  lastSeenAt: string;
  /** The one administrative connection of an admin_only or lapsed server (takes no license seat). */
  adminConnection: boolean;
  /** Bumped by every change; each write is conditioned on the version it read. */
  version: number;
  endedAt?: string;
  endReason?: EndReason;
}

/**
 * What the session's Expiry item records (docs/seat-protocol.md): enough to end the session, free its seat and
 * know which pools it counts in, without reading the session. Written with every change of the session, so
 * `version` always equals the session's.
 */
export type SeatHolder = Pick<
  Session,
  | 'sessionId'
  | 'accountId'
  | 'licenseId'
  | 'assignmentId'
  | 'serverId'
  | 'userId'
  | 'machineId'
  | 'product'
  | 'startedAt'
  | 'expiresAt'
  | 'roamingUntil'
  | 'adminConnection'
  | 'version'
>;

/** The Expiry record of a session. */
export function holderOf(session: Session): SeatHolder {
  return {
    sessionId: session.sessionId,
    accountId: session.accountId,
    licenseId: session.licenseId,
    assignmentId: session.assignmentId,
    serverId: session.serverId,
    userId: session.userId,
    machineId: session.machineId,
    product: session.product,
    startedAt: session.startedAt,
    expiresAt: session.expiresAt,
    roamingUntil: session.roamingUntil,
    adminConnection: session.adminConnection,
    version: session.version,
  };
}

const MS = 1000;

/**
 * The end a session's expiry and roaming are capped at: its license's validUntil (API.md "A session's
 * expiresAt never passes its license's validUntil"); none for the administrative connection, which holds no
 * license seat (the seed keeps it "for backup and configuration purposes").
 */
export function expiryCap(
  session: Pick<Session, 'adminConnection'>,
  license: Pick<License, 'validUntil'> | null,
): string | null {
  return session.adminConnection || !license ? null : license.validUntil;
}

/** now + timeoutMinutes, never past `cap` (an ISO time, or null for none). ISO time. */
export function expiryAfter(now: Date, timeoutMinutes: number, cap: string | null): string {
  const next = now.getTime() + timeoutMinutes * 60 * MS;
  return new Date(cap === null ? next : Math.min(next, Date.parse(cap))).toISOString();
}

/** now + days, never past the license's end (API.md roaming). ISO time. */
export function roamingEnd(now: Date, days: number, license: Pick<License, 'validUntil'>): string {
  return new Date(Math.min(now.getTime() + days * 86_400 * MS, Date.parse(license.validUntil))).toISOString();
}

/** The time until which a live session holds its seat: the later of its expiry and its roaming end. ISO. */
export function holdsUntil(session: Pick<Session, 'expiresAt' | 'roamingUntil'>): string {
  if (session.roamingUntil && session.roamingUntil > session.expiresAt) return session.roamingUntil;
  return session.expiresAt;
}

/** API.md: a live session is expired when expiresAt (or roamingUntil while roaming) has passed. */
export function isExpired(session: Pick<Session, 'expiresAt' | 'roamingUntil'>, now: Date): boolean {
  return Date.parse(holdsUntil(session)) <= now.getTime();
}

/** Why an expired session ends when nobody else is involved: its roaming ran out, or its heartbeats stopped. */
export function expiryReason(session: Pick<Session, 'expiresAt' | 'roamingUntil'>): EndReason {
  return session.roamingUntil && session.roamingUntil >= session.expiresAt ? 'roaming_ended' : 'reclaimed';
}

/** Whole seconds since the session started (the seed's "duration of license usage"). */
export function durationSeconds(session: Pick<Session, 'startedAt'>, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(session.startedAt)) / MS));
}

/** Adds a client to a session's list once, in a stable order (browser, then design client). */
export function withClient(clients: readonly Client[], client: Client): Client[] {
  const set = new Set<Client>([...clients, client]);
  return CLIENT_ORDER.filter((c) => set.has(c));
}

/** Seat order for reclaim (API.md): the expired holder with the earliest expiresAt, then sessionId. */
export function byReclaimOrder(
  a: Pick<Session, 'expiresAt' | 'sessionId'>,
  b: Pick<Session, 'expiresAt' | 'sessionId'>,
): number {
  return a.expiresAt < b.expiresAt
    ? -1
    : a.expiresAt > b.expiresAt
      ? 1
      : a.sessionId < b.sessionId
        ? -1
        : a.sessionId > b.sessionId
          ? 1
          : 0;
}
