// The Audit page's rules, apart from the browser: each event in words (who, what, on what, how) with names in
// place of ids, the From/To days as the API's range, and the CSV pages joined into one file.
import type { Schemas } from '../../client/index.js';
import { countOf, formatDate, seatsText } from './format.js';

/** One event of the audit log. */
export type AuditEvent = Schemas['AuditEvent'];
/** An action the log records. */
export type AuditAction = AuditEvent['action'];

/** The words people read for each action, in the order the Action filter lists them. */
export const ACTION_LABELS: Record<AuditAction, string> = {
  'license.issued': 'License issued',
  'license.renewed': 'License renewed',
  'license.expired': 'License ended',
  'activation.created': 'License activated',
  'license.acquired': 'License acquired From cloud',
  'license.imported': 'License imported From file',
  'assignment.created': 'Assignment added',
  'assignment.updated': 'Assignment changed',
  'assignment.deleted': 'Assignment deleted',
  'server.registered': 'Server registered',
  'server.removed': 'Server removed',
  'server.lapsed': 'Server lapsed',
  'credential.created': 'Server credential created',
  'credential.revoked': 'Server credential revoked',
  'session.killed': 'Session killed',
  'user.created': 'User created',
  'user.updated': 'User changed',
  'user.deleted': 'User deleted',
  'settings.updated': 'Settings changed',
};

/** Names of the account's things by id, read from their lists; what is gone is named from the event itself. */
export interface AuditNames {
  users: ReadonlyMap<string, string>;
  servers: ReadonlyMap<string, string>;
  licenses: ReadonlyMap<string, string>;
}

/** No names known (the lists could not be read): events are described from their details alone. */
export const NO_NAMES: AuditNames = { users: new Map(), servers: new Map(), licenses: new Map() };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const yesNo = (value: unknown) => (value ? 'yes' : 'no');

/**
 * The names the events themselves carry, added to `names`: a removed server's host name (server.*, acquisitions)
 * and a deleted user's email (user.*), so that other events about them still name them.
 */
export function withNamesOf(events: readonly AuditEvent[], names: AuditNames): AuditNames {
  const users = new Map(names.users);
  const servers = new Map(names.servers);
  for (const { action, targetId, details } of events) {
    const hostName = text(details.hostName);
    if (action.startsWith('server.') && hostName && !servers.has(targetId)) servers.set(targetId, hostName);
    const serverId = text(details.serverId);
    if (serverId && hostName && !servers.has(serverId)) servers.set(serverId, hostName);
    const email = text(details.email);
    if (action.startsWith('user.') && email && !users.has(targetId)) users.set(targetId, email);
  }
  return { users, servers, licenses: names.licenses };
}

/** Who made the change: a user's email, the license operator, a NEXUS server, or the hourly check. */
export function actorText(event: AuditEvent, names: AuditNames): string {
  const { type, id } = event.actor;
  if (type === 'operator') return 'License operator';
  if (type === 'system') return 'Hourly check';
  if (type === 'server') return `Server ${names.servers.get(id) ?? 'since removed'}`;
  return names.users.get(id) ?? 'A deleted user';
}

function licenseName(id: unknown, details: Record<string, unknown>, names: AuditNames): string {
  return names.licenses.get(text(id)) ?? (text(details.product) || 'a license');
}

function serverName(id: unknown, details: Record<string, unknown>, names: AuditNames): string {
  return text(details.hostName) || names.servers.get(text(id)) || 'a removed server';
}

/** What the change was on, by name. */
export function targetText(event: AuditEvent, names: AuditNames): string {
  const { details, targetId } = event;
  switch (event.action) {
    case 'license.issued':
    case 'license.renewed':
    case 'license.expired':
      return licenseName(targetId, details, names);
    case 'license.acquired':
    case 'license.imported':
      return `${licenseName(targetId, details, names)} for ${serverName(details.serverId, details, names)}`;
    case 'activation.created':
      return `${licenseName(details.licenseId, details, names)} for host ${text(details.hostName) || text(details.hostId)}`;
    case 'server.registered':
    case 'server.removed':
    case 'server.lapsed':
      return serverName(targetId, details, names);
    case 'credential.created':
    case 'credential.revoked':
      return `A credential of ${names.servers.get(text(details.serverId)) ?? 'a removed server'}`;
    case 'session.killed': {
      const user = names.users.get(text(details.userId)) ?? 'a deleted user';
      const server = names.servers.get(text(details.serverId)) ?? 'a removed server';
      return `Session of ${user} on ${text(details.machineId)} (${server})`;
    }
    case 'assignment.created':
    case 'assignment.updated':
    case 'assignment.deleted':
      return `${text(details.role)} on ${licenseName(details.licenseId, details, names)}`;
    case 'settings.updated':
      return 'License manager settings';
    case 'user.created':
    case 'user.updated':
    case 'user.deleted':
      return text(details.email) || names.users.get(targetId) || 'a user';
  }
}

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  roles: 'Roles',
  admin: 'Administrator',
  disabled: 'Disabled',
};

function valueText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  if (value === '' || value === null || value === undefined) return '(none)';
  return String(value);
}

/** How it changed, in a short line ("Administrator: no → yes"), or '' when the target says it all. */
export function detailsText(event: AuditEvent): string {
  const { details } = event;
  switch (event.action) {
    case 'license.issued':
      return `${countOf(Number(details.seats), 'seat')}, ${formatDate(text(details.validFrom))} to ${formatDate(text(details.validUntil))}`;
    case 'license.renewed':
      return `Valid until ${formatDate(text(details.validUntil))} (was ${formatDate(text(details.previousValidUntil))})`;
    case 'license.expired':
      return `Ended on ${formatDate(text(details.validUntil))}`;
    case 'assignment.created':
    case 'assignment.updated':
      return `Seats: ${seatsText(details.seats === 'all' ? 'all' : Number(details.seats))}; automatic leasing ${yesNo(details.automaticLeasing)}; roaming ${yesNo(details.allowRoaming)}`;
    case 'settings.updated': {
      const parts: string[] = [];
      if (typeof details.autoAssignAllUsers === 'boolean')
        parts.push(`All Users assignment for new CALs ${details.autoAssignAllUsers ? 'on' : 'off'}`);
      if (typeof details.sessionTimeoutMinutes === 'number')
        parts.push(`session timeout ${details.sessionTimeoutMinutes} minutes`);
      return parts.join('; ');
    }
    case 'user.created': {
      const roles = Array.isArray(details.roles) ? details.roles.filter((role) => role !== 'All Users') : [];
      return `Roles: ${roles.length ? roles.join(', ') : 'All Users only'}; administrator ${yesNo(details.admin)}`;
    }
    case 'user.updated': {
      const changes = (details.changes ?? {}) as Record<string, { from?: unknown; to?: unknown }>;
      return Object.entries(changes)
        .map(([field, change]) => {
          // Every user is in All Users: the change is in the other roles.
          const shown = (value: unknown) =>
            valueText(Array.isArray(value) ? value.filter((role) => role !== 'All Users') : value);
          return `${FIELD_LABELS[field] ?? field}: ${shown(change.from)} → ${shown(change.to)}`;
        })
        .join('; ');
    }
    case 'server.lapsed':
      return `Lapsed as of ${formatDate(text(details.lapsedAsOf))}`;
    default:
      return '';
  }
}

/** The API's range for From and To (UTC days, both included), or the sentence saying what to fix. */
export function auditRange(from: string, to: string): { from?: string; to?: string } | { error: string } {
  const start = from ? Date.parse(`${from}T00:00:00Z`) : null;
  const end = to ? Date.parse(`${to}T00:00:00Z`) : null;
  if (Number.isNaN(start) || Number.isNaN(end)) return { error: 'Enter From and To as dates (YYYY-MM-DD).' };
  if (start !== null && end !== null && start > end)
    return { error: 'From is after To; choose a From day on or before the To day.' };
  return {
    ...(start !== null ? { from: new Date(start).toISOString() } : {}),
    // To includes its whole day: the API's `to` is the first moment not included.
    ...(end !== null ? { to: new Date(end + 86_400_000).toISOString() } : {}),
  };
}

/** CSV pages of one listing (each with its header row) as one file: the first header, then every page's rows. */
export function joinCsvPages(pages: readonly string[]): string {
  const lines: string[] = [];
  pages.forEach((page, index) => {
    const rows = page.split('\r\n').filter((line) => line !== '');
    lines.push(...(index === 0 ? rows : rows.slice(1)));
  });
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}
