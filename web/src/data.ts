// Reads that several pages share, through the typed client: whole lists gathered page by page.
import { ok, type PortalClient } from '../../client/index.js';
import type { License } from './format.js';
import type { Assignment } from './roles.js';
import type { ListedServer } from './servers.js';
import type { User } from './users.js';

/** A list is read in pages of this many items (the API's largest page). */
const PAGE_SIZE = 100;
/** Beyond this many items a list stops growing: no account of this portal comes near it. */
export const MAX_ITEMS = 5000;

/**
 * Every item of a paged list: `fetchPage(nextToken)` answers one page; pages are read until nextToken is null
 * (or MAX_ITEMS). Sorting and searching then see the whole list, not the first page.
 */
export async function collectPages<T>(
  fetchPage: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    items.push(...page.items);
    nextToken = page.nextToken ?? undefined;
  } while (nextToken && items.length < MAX_ITEMS);
  return items;
}

/** Every license of the account. */
export function listLicenses(api: PortalClient): Promise<License[]> {
  return collectPages(async (nextToken) => {
    const page = await ok(
      api.GET('/v1/licenses', {
        params: { query: { limit: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) } },
      }),
    );
    return { items: page.licenses, nextToken: page.nextToken };
  });
}

/** One license. */
export function getLicense(api: PortalClient, licenseId: string): Promise<License> {
  return ok(api.GET('/v1/licenses/{licenseId}', { params: { path: { licenseId } } }));
}

/** Every assignment of a CAL or design-software license. */
export function listAssignments(api: PortalClient, licenseId: string): Promise<Assignment[]> {
  return collectPages(async (nextToken) => {
    const page = await ok(
      api.GET('/v1/licenses/{licenseId}/assignments', {
        params: { path: { licenseId }, query: { limit: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) } },
      }),
    );
    return { items: page.assignments, nextToken: page.nextToken };
  });
}

/** Only CAL and design-software licenses have assignments, sessions and usage reports. */
export function hasSeatsForPeople(license: Pick<License, 'kind'>): boolean {
  return license.kind === 'cal' || license.kind === 'client';
}

/** Every NEXUS server of the account, with its licensing state. */
export function listServers(api: PortalClient): Promise<ListedServer[]> {
  return collectPages(async (nextToken) => {
    const page = await ok(
      api.GET('/v1/servers', {
        params: { query: { limit: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) } },
      }),
    );
    return { items: page.servers, nextToken: page.nextToken };
  });
}

/** Every user of the account. */
export function listUsers(api: PortalClient): Promise<User[]> {
  return collectPages(async (nextToken) => {
    const page = await ok(
      api.GET('/v1/users', { params: { query: { limit: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) } } }),
    );
    return { items: page.users, nextToken: page.nextToken };
  });
}

/**
 * How many live sessions a server or a user holds now, read from one page of GET /v1/sessions: `more` when there
 * are more than a page (the confirmation then says "or more" rather than reading every page).
 */
export async function countSessions(
  api: PortalClient,
  filter: { serverId: string } | { userId: string },
): Promise<{ count: number; more: boolean }> {
  const page = await ok(api.GET('/v1/sessions', { params: { query: { ...filter, limit: PAGE_SIZE } } }));
  return { count: page.sessions.length, more: page.nextToken !== null };
}

/** Names by id, to show people and things instead of ids. */
export function namesOf<T>(items: readonly T[], id: (item: T) => string, name: (item: T) => string) {
  return new Map(items.map((item) => [id(item), name(item)]));
}
