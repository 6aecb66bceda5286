// The audit log's records (API.md "Audit log"): who did what to which target, written with the change itself.
import { csvText } from './csv.js';
import { InvalidRequestError } from './errors.js';
import type { Caller } from './identity.js';

/** The actions API.md lists; nothing else is logged (seat grants, sign-outs by a server, heartbeats are not). */
export const AUDIT_ACTIONS = [
  'license.issued',
  'license.renewed',
  'license.expired',
  'activation.created',
  'server.registered',
  'server.removed',
  'server.lapsed',
  'license.acquired',
  'license.imported',
  'session.killed',
  'assignment.created',
  'assignment.updated',
  'assignment.deleted',
  'settings.updated',
  'user.created',
  'user.updated',
  'user.deleted',
  'credential.created',
  'credential.revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who made a change: a user, a back-office operator, a NEXUS server (its credential) or the hourly check. */
export interface AuditActor {
  type: 'user' | 'operator' | 'server' | 'system';
  id: string;
}

/** The hourly check, as an actor. */
export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'hourly-check' };

/** One record. `details` never holds a secret or a password. */
export interface AuditRecord {
  eventId: string;
  accountId: string;
  /** ISO time of the change. */
  at: string;
  actor: AuditActor;
  action: AuditAction;
  targetId: string;
  details: Record<string, unknown>;
}

/**
 * The actor of a change a caller makes: an account user or a back-office operator by its user id, a NEXUS server
 * with its own token by its server id (API.md "actor": `{"type","id"}`). A new kind of caller gets its actor
 * here (the switch is exhaustive).
 */
export function actorOf(caller: Caller): AuditActor {
  switch (caller.kind) {
    case 'user':
      return { type: 'user', id: caller.userId };
    case 'operator':
      return { type: 'operator', id: caller.userId };
    case 'server':
      return { type: 'server', id: caller.serverId };
    default:
      return unknownCaller(caller);
  }
}

function unknownCaller(caller: never): never {
  throw new Error(`no audit actor for caller ${JSON.stringify(caller)}`);
}

/** An audit event as GET /v1/audit lists it (API.md "Audit log"): the record without its account. */
export type AuditEvent = Omit<AuditRecord, 'accountId'>;

/** API.md: "CSV columns: `eventId,at,actorType,actorId,action,targetId,details` (details as JSON)". */
export const AUDIT_CSV_COLUMNS = [
  'eventId',
  'at',
  'actorType',
  'actorId',
  'action',
  'targetId',
  'details',
] as const;

/** The events as CSV (RFC 4180, header row, CRLF), `details` as JSON text, in the order given. */
export function auditCsv(events: readonly AuditEvent[]): string {
  return csvText(
    AUDIT_CSV_COLUMNS,
    events.map((event) => [
      event.eventId,
      event.at,
      event.actor.type,
      event.actor.id,
      event.action,
      event.targetId,
      JSON.stringify(event.details),
    ]),
  );
}

/** Filters of an audit listing: `at` in [from, to) (ISO times, either open) and one action. */
export interface AuditFilter {
  from?: string | undefined;
  to?: string | undefined;
  action?: AuditAction | undefined;
}

/**
 * The filter of GET /v1/audit from its query: times as the records hold them (`Date.toISOString`), whatever
 * offset the caller wrote. InvalidRequestError (400) when `from` is after `to`.
 */
export function auditFilter(query: {
  from?: string | undefined;
  to?: string | undefined;
  action?: AuditAction | undefined;
}): AuditFilter {
  const from = query.from === undefined ? undefined : new Date(query.from).toISOString();
  const to = query.to === undefined ? undefined : new Date(query.to).toISOString();
  if (from !== undefined && to !== undefined && from > to) {
    throw new InvalidRequestError('from is after to; give a range that starts before it ends.');
  }
  return { from, to, action: query.action };
}
