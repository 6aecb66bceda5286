// The audit log's records (API.md "Audit log"): who did what to which target, written with the change itself.

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
 * The actor of a change made by `caller` (API.md "actor":{"type":"user"|"operator"|"server"|"system","id"}): a
 * user or operator by its user id, a NEXUS server with its own token by its server id.
 */
export function actorOf(
  caller:
    | { kind: 'user'; userId: string }
    | { kind: 'operator'; userId: string }
    | { kind: 'server'; serverId: string },
): AuditActor {
  return caller.kind === 'server'
    ? { type: 'server', id: caller.serverId }
    : { type: caller.kind, id: caller.userId };
}
