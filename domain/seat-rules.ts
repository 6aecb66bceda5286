// The seat pools' rules, each written once as a Condition: the domain evaluates it on what it read, the store
// compiles it into the transaction (docs/seat-protocol.md "The pools"). Also the seat order of API.md.
import type { Assignment } from './assignments.js';
import { and, attr, type Condition, compare, itemExists, missing, not, or, value } from './conditions.js';
import { isValidAt, type License } from './license.js';
import { CAL_PRODUCT, type Product } from './products.js';
import type { SeatHolder } from './sessions.js';

const iso = (now: Date) => now.toISOString();

/** Counter attribute names on License, Assignment and Server items. */
export const USED = 'used';
/** A server's live sessions (all products). */
export const LIVE = 'live';
/** A server's live connections: connection (CAL) sessions and its administrative connection. */
export const CONNECTIONS = 'connections';

/**
 * Whether a session is one of its server's connections: a connection (CAL) seat or the administrative
 * connection. An admin_only or lapsed server keeps "a single administrative connection" (the seed); design-
 * software seats belong to their own licenses and are left alone by the restriction.
 */
export function countsAsConnection(session: { product: string; adminConnection: boolean }): boolean {
  return session.adminConnection || session.product === CAL_PRODUCT;
}

/** A counter that may be absent on old items counts as 0. */
function counterBelow(counter: string, limit: { attr: string }): Condition {
  return or(missing(counter), compare(attr(counter), '<', limit));
}

/** The counter equals `n`; a counter absent on old items counts as 0 (so it equals 0). */
export function counterEquals(counter: string, n: number): Condition {
  return n === 0
    ? or(missing(counter), compare(attr(counter), '=', value(0)))
    : compare(attr(counter), '=', value(n));
}

/** API.md: a license is valid iff validFrom ≤ now < validUntil. */
export function licenseValid(now: Date): Condition {
  return and(
    itemExists,
    compare(attr('validFrom'), '<=', value(iso(now))),
    compare(attr('validUntil'), '>', value(iso(now))),
  );
}

/** One more seat of the license may be held: valid now and used < seats (API.md invariant). */
export function licenseHasFreeSeat(now: Date): Condition {
  return and(licenseValid(now), counterBelow(USED, { attr: 'seats' }));
}

/**
 * The assignment serves the user's role now: not deleted, still for that role and, when the portal picked it,
 * still with automatic leasing (API.md "without it the portal picks, skipping assignments whose
 * automaticLeasing is false").
 */
export function assignmentServes(role: string, picked: boolean): Condition {
  return and(
    itemExists,
    missing('deletedAt'),
    compare(attr('role'), '=', value(role)),
    picked && compare(attr('automaticLeasing'), '=', value(true)),
  );
}

/** One more seat through this assignment: its number is a cap ("all": any free seat of the license). */
export function assignmentHasFreeSeat(role: string, picked: boolean): Condition {
  return and(
    assignmentServes(role, picked),
    or(compare(attr('seats'), '=', value('all')), counterBelow(USED, { attr: 'seats' })),
  );
}

/**
 * The server exists, is not being removed (API.md: after DELETE's 204 no session of it holds a seat), and was
 * not restricted (admin_only or lapsed, by the hourly check) after `now`: a decision made on the state before
 * that restriction must not land after it (the restriction has already looked at the server's connections).
 */
export function serverTakesSessions(now: Date): Condition {
  return and(
    itemExists,
    missing('removing'),
    or(missing('restrictedAt'), compare(attr('restrictedAt'), '<=', value(iso(now)))),
  );
}

/**
 * The administrative connection of an admin_only or lapsed server: after this write the server has exactly
 * one live connection (API.md "admits exactly one live session at a time"). `reclaimed` are the ids of the
 * server's expired connections the same write ends (all of them), so `connections` must equal their number.
 */
export function serverAdmitsAdminConnection(reclaimed: readonly string[], now: Date): Condition {
  return and(
    serverTakesSessions(now),
    counterEquals(CONNECTIONS, reclaimed.length),
    or(
      missing('adminConnection'),
      ...reclaimed.map((id) => compare(attr('adminConnection'), '=', value(id))),
    ),
  );
}

/** The signing-in user is as the decision read it: present, not disabled, same roles and admin flag. */
export function userAsRead(profileVersion: number): Condition {
  return and(
    itemExists,
    not(compare(attr('disabled'), '=', value(true))),
    counterEquals('profileVersion', profileVersion),
  );
}

/** A session item that has not ended and is as it was read (every change bumps its version). */
export function sessionAsRead(version: number): Condition {
  return and(itemExists, missing('endedAt'), counterEquals('version', version));
}

/** A session that is still expired at `now` (a heartbeat that revived it wins over a reclaim). */
export function sessionExpiredAt(now: Date): Condition {
  return and(
    compare(attr('expiresAt'), '<=', value(iso(now))),
    or(missing('roamingUntil'), compare(attr('roamingUntil'), '<=', value(iso(now)))),
  );
}

/** The seat lock of a user + PC + product names this session. */
export function lockHeldBy(sessionId: string): Condition {
  return and(itemExists, compare(attr('sessionId'), '=', value(sessionId)));
}

/** The item exists (a counter that only gives back, or an item deleted by the owner of its key). */
export const present: Condition = itemExists;

/** One seat of one license through one assignment. */
export interface Candidate {
  license: License;
  assignment: Assignment;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** API.md's license order: earliest validUntil, then licenseId. */
export function byLicenseOrder(a: License, b: License): number {
  return compareStrings(a.validUntil, b.validUntil) || compareStrings(a.licenseId, b.licenseId);
}

/** The valid licenses of a product at `now`, in API.md's order (optionally only the named one). */
export function validLicensesOf(
  licenses: readonly License[],
  product: Product,
  now: Date,
  licenseId?: string,
): License[] {
  return licenses
    .filter((l) => l.product === product && isValidAt(l, now))
    .filter((l) => licenseId === undefined || l.licenseId === licenseId)
    .sort(byLicenseOrder);
}

/**
 * The seats to try, in API.md's order: valid licenses of the product by earliest validUntil, then licenseId;
 * on each, the user's assignments with a number first, then "all" (each group by assignmentId). Without a
 * named license, assignments whose automaticLeasing is false are skipped.
 */
export function seatCandidates(input: {
  licenses: readonly License[];
  assignments: readonly Assignment[];
  roles: readonly string[];
  product: Product;
  licenseId?: string | undefined;
  now: Date;
}): Candidate[] {
  const roles = new Set(input.roles);
  const out: Candidate[] = [];
  for (const license of validLicensesOf(input.licenses, input.product, input.now, input.licenseId)) {
    const mine = input.assignments
      .filter((a) => a.licenseId === license.licenseId && roles.has(a.role))
      .filter((a) => input.licenseId !== undefined || a.automaticLeasing)
      .sort((a, b) => {
        const rank = (x: Assignment) => (x.seats === 'all' ? 1 : 0);
        return rank(a) - rank(b) || compareStrings(a.assignmentId, b.assignmentId);
      });
    for (const assignment of mine) out.push({ license, assignment });
  }
  return out;
}

/** Whether a holder counts in a license's pool / an assignment's pool (the administrative connection: none). */
export function holdsSeatOf(holder: SeatHolder, pool: { licenseId: string; assignmentId?: string }): boolean {
  if (holder.adminConnection || holder.licenseId !== pool.licenseId) return false;
  return pool.assignmentId === undefined || holder.assignmentId === pool.assignmentId;
}
