// Session timing rules: heartbeat interval and timeout, expiry capped at the license's end, roaming, liveness.
import type { License } from './license.js';

/** A session not heard from for this long stops blocking sign-ins (Keygen uses a 10-minute window too). */
export const SESSION_TIMEOUT_SECONDS = 10 * 60;
/** What a NEXUS server should use between heartbeats: half the timeout, so one lost heartbeat costs nothing. */
export const HEARTBEAT_INTERVAL_SECONDS = 5 * 60;
/** Roaming holds a design-software seat without heartbeats for 1 to 30 days. */
export const MAX_ROAMING_DAYS = 30;
/** Ended sessions are kept this long for history and reports, then TTL may remove them. */
export const ENDED_SESSION_RETENTION_DAYS = 400;

export type Client = 'browser' | 'design_client';

export type EndReason =
  | 'signed_out'
  | 'killed'
  | 'reclaimed'
  | 'roaming_ended'
  | 'license_expired'
  | 'server_removed';

export interface Session {
  sessionId: string;
  accountId: string;
  licenseId: string;
  /** Empty for the one administrative session of an admin_only or lapsed server (it takes no counted seat). */
  assignmentId: string;
  serverId: string;
  userId: string;
  machineId: string;
  product: string;
  clients: Client[];
  roles: string[];
  startedAt: string;
  expiresAt: string;
  roamingUntil: string | null;
  /** True for the administrative connection of an admin_only or lapsed server. */
  adminSeat: boolean;
  endedAt?: string;
  endReason?: EndReason;
}

const MS = 1000;

function min(a: number, b: number): number {
  return Math.min(a, b);
}

/**
 * The admin seat of an admin_only or lapsed server has no valid license to be capped by: it lives on heartbeats
 * alone (the seed keeps it for backup and configuration after the licenses lapse).
 */
export const NO_LICENSE_END = { validUntil: '9999-12-31T23:59:59.999Z' } as const;

/** The end a session's expiry is capped at: its license's, except for the admin seat. */
export function capOf(
  session: Pick<Session, 'adminSeat'>,
  license: Pick<License, 'validUntil'> | null,
): Pick<License, 'validUntil'> {
  return session.adminSeat || !license ? NO_LICENSE_END : license;
}

/** now + the timeout, never past the license's end. */
export function expiryAfterHeartbeat(now: Date, license: Pick<License, 'validUntil'>): string {
  return new Date(
    min(now.getTime() + SESSION_TIMEOUT_SECONDS * MS, Date.parse(license.validUntil)),
  ).toISOString();
}

/** A heartbeat moves expiresAt forward only: it is never earlier than before. */
export function heartbeatExpiry(
  session: Pick<Session, 'expiresAt'>,
  now: Date,
  license: Pick<License, 'validUntil'>,
): string {
  const next = expiryAfterHeartbeat(now, license);
  return Date.parse(next) > Date.parse(session.expiresAt) ? next : session.expiresAt;
}

/** now + days, never past the license's end. */
export function roamingEnd(now: Date, days: number, license: Pick<License, 'validUntil'>): string {
  return new Date(min(now.getTime() + days * 86_400 * MS, Date.parse(license.validUntil))).toISOString();
}

export function isValidRoamingDays(days: number): boolean {
  return Number.isInteger(days) && days >= 1 && days <= MAX_ROAMING_DAYS;
}

/** The time after which a live session no longer blocks anyone: the later of its expiry and its roaming end. */
export function holdsUntil(session: Pick<Session, 'expiresAt' | 'roamingUntil'>): string {
  if (session.roamingUntil && Date.parse(session.roamingUntil) > Date.parse(session.expiresAt)) {
    return session.roamingUntil;
  }
  return session.expiresAt;
}

/** Past both its expiry and its roaming end: the seat may be reclaimed by a sign-in or the hourly check. */
export function isReclaimable(session: Pick<Session, 'expiresAt' | 'roamingUntil'>, now: Date): boolean {
  return Date.parse(holdsUntil(session)) <= now.getTime();
}

/** Why a reclaimable session ends: its roaming ran out, or it simply stopped sending heartbeats. */
export function reclaimReason(session: Pick<Session, 'expiresAt' | 'roamingUntil'>): EndReason {
  return session.roamingUntil && Date.parse(session.roamingUntil) >= Date.parse(session.expiresAt)
    ? 'roaming_ended'
    : 'reclaimed';
}

export function durationSeconds(session: Pick<Session, 'startedAt'>, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(session.startedAt)) / MS));
}

/** Adds a client to a session's list once, in a stable order (browser, then design client). */
export function withClient(clients: readonly Client[], client: Client): Client[] {
  const set = new Set<Client>([...clients, client]);
  return (['browser', 'design_client'] as const).filter((c) => set.has(c));
}
