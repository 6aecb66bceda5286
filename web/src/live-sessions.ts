// The Sessions page's rules (the seed's Admin - Sessions), apart from the browser: the filters chosen by name,
// a session's license by name, and what removing a server or disabling or deleting a user does to sessions.
import type { Schemas } from '../../client/index.js';
import { CLIENT_LABELS, formatTime } from './format.js';

/** A live session of the account as GET /v1/sessions lists it. */
export type AccountSession = Schemas['AccountSession'];

/** The Sessions page's filters: ids chosen by name in the page's selects; '' for all. */
export interface SessionFilter {
  serverId: string;
  userId: string;
  licenseId: string;
}

/** No filter: every live session. */
export const NO_FILTER: SessionFilter = { serverId: '', userId: '', licenseId: '' };

/** The query of GET /v1/sessions for the filters (only those chosen). */
export function sessionQuery(filter: SessionFilter): Partial<SessionFilter> {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as Partial<SessionFilter>;
}

/** Whether any filter is chosen. */
export function isFiltered(filter: SessionFilter): boolean {
  return Boolean(filter.serverId || filter.userId || filter.licenseId);
}

/** A session's clients, with its roaming: "Browser, Design client (roaming until …)". */
export function clientsText(session: Pick<AccountSession, 'clients' | 'roamingUntil'>): string {
  const clients = session.clients.map((client) => CLIENT_LABELS[client] ?? client).join(', ');
  return session.roamingUntil ? `${clients} (roaming until ${formatTime(session.roamingUntil)})` : clients;
}

/** Whose sessions a change ends: a server's or a user's. */
export type SessionOwner = 'server' | 'user';

/**
 * What a change does to the live sessions counted just before it (`more`: the count is of a first page only), for
 * the confirmation: "its 2 live sessions end at once, freeing their seats", "they have no live session".
 */
export function sessionsEnding(count: number, more: boolean, owner: SessionOwner): string {
  if (count === 0 && !more)
    return owner === 'server' ? 'it has no live session' : 'they have no live session';
  const whose = owner === 'server' ? 'its' : 'their';
  const one = count === 1 && !more;
  return `${whose} ${more ? `${count} or more` : count} live session${one ? '' : 's'} ${one ? 'ends' : 'end'} at once, freeing ${one ? 'its seat' : 'their seats'}`;
}

/** The same after the change: "their 2 live sessions ended", or nothing when there were none. */
export function sessionsEnded(count: number, more: boolean, owner: SessionOwner): string {
  if (count === 0 && !more) return '';
  const whose = owner === 'server' ? 'its' : 'their';
  const one = count === 1 && !more;
  return `${whose} ${more ? `${count} or more` : count} live session${one ? '' : 's'} ended`;
}
