// Which seat a signing-in user takes: the floating pool of valid licenses, served through role assignments.
import type { Assignment } from './assignments.js';
import { InvalidRequestError, SeatsExhaustedError } from './errors.js';
import { isValidAt, type License } from './license.js';
import { CAL_PRODUCT, kindOf, type Product } from './products.js';
import type { ServerState } from './server-status.js';

export interface Candidate {
  license: License;
  assignment: Assignment;
}

/**
 * The product a sign-in asks for: the one named, else the product of the named license, else a CAL
 * (connection) seat. A named product that is not the named license's product is bad input.
 */
export function requestedProduct(product: Product | undefined, license: License | null): Product {
  if (license && product && license.product !== product) {
    throw new InvalidRequestError(
      `License ${license.licenseId} is a ${license.product} license, not ${product}; leave out product or name a matching license.`,
    );
  }
  return product ?? license?.product ?? CAL_PRODUCT;
}

/** Only connection (CAL) and design-software (client) licenses are leased by session. */
export function isSessionProduct(product: Product): boolean {
  const kind = kindOf(product);
  return kind === 'cal' || kind === 'client';
}

/**
 * The seats to try, in API.md's order: valid licenses of the product by earliest validUntil, then licenseId;
 * on each, the user's assignments with a number first, then "all" (each group by assignmentId, so the order is
 * stable). Without a named license, assignments whose automaticLeasing is false are skipped.
 */
export function seatCandidates(input: {
  licenses: readonly License[];
  assignments: readonly Assignment[];
  roles: readonly string[];
  product: Product;
  licenseId?: string | undefined;
  now: Date;
}): Candidate[] {
  const { now, product, licenseId } = input;
  const roles = new Set(input.roles);
  const licenses = input.licenses
    .filter((license) => license.product === product && isValidAt(license, now))
    .filter((license) => licenseId === undefined || license.licenseId === licenseId)
    .sort((a, b) =>
      a.validUntil === b.validUntil
        ? compare(a.licenseId, b.licenseId)
        : compare(Date.parse(a.validUntil), Date.parse(b.validUntil)),
    );
  const out: Candidate[] = [];
  for (const license of licenses) {
    const mine = input.assignments
      .filter((assignment) => assignment.licenseId === license.licenseId && roles.has(assignment.role))
      .filter((assignment) => licenseId !== undefined || assignment.automaticLeasing)
      .sort((a, b) => {
        const rank = (x: Assignment) => (x.seats === 'all' ? 1 : 0);
        return rank(a) - rank(b) || compare(a.assignmentId, b.assignmentId);
      });
    for (const assignment of mine) out.push({ license, assignment });
  }
  return out;
}

function compare<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What one seat-grant attempt found, from the store's transaction outcome. */
export type GrantOutcome =
  | { kind: 'granted' }
  /** holderSessionId: for the admin seat, the other session holding it (it may be reclaimable). */
  | { kind: 'license_full'; holderSessionId?: string }
  | { kind: 'assignment_full' }
  | { kind: 'already_seated'; sessionId: string }
  | { kind: 'conflict' }
  /** The server was removed meanwhile. */
  | { kind: 'server_gone' };

/** What the server's licensing state allows a signing-in user. */
export type AdmissionVerdict = 'pool' | 'admin_seat' | 'unlicensed' | 'refused';

/**
 * unlicensed: nobody (403); licensed: the seat pool; admin_only and lapsed: one administrator session at a time
 * through the server's admin seat, everyone else is refused as if every seat were taken.
 */
export function admission(state: ServerState, isAdmin: boolean): AdmissionVerdict {
  switch (state) {
    case 'unlicensed':
      return 'unlicensed';
    case 'licensed':
      return 'pool';
    case 'admin_only':
    case 'lapsed':
      return isAdmin ? 'admin_seat' : 'refused';
  }
}

/** The 409 a person can act on: which license or role is full, and that an administrator can free a seat. */
export function exhaustedError(input: {
  product: Product;
  tried: readonly Candidate[];
  fullLicenses: ReadonlySet<string>;
  licenseId?: string | undefined;
  /** The named license is not valid now (expired or not yet valid). */
  namedLicenseInvalid?: boolean;
}): SeatsExhaustedError {
  const free = 'An administrator can free a seat with Kill Session, or add seats or assignments.';
  if (input.tried.length === 0 && input.namedLicenseInvalid) {
    return new SeatsExhaustedError(
      `License ${input.licenseId} is not valid now, so it has no seat to serve; ask an administrator to renew it or sign in without naming it.`,
    );
  }
  if (input.tried.length === 0) {
    const which = input.licenseId ? `license ${input.licenseId}` : `any valid ${input.product} license`;
    return new SeatsExhaustedError(
      `No seat of ${which} is assigned to any of your roles; ask an administrator to assign seats to your role.`,
    );
  }
  const licenses = [...new Set(input.tried.map((c) => c.license.licenseId))];
  if (licenses.every((id) => input.fullLicenses.has(id))) {
    return new SeatsExhaustedError(
      `Every seat of ${input.product} license ${licenses.join(', ')} is in use. ${free}`,
    );
  }
  const roles = [...new Set(input.tried.map((c) => c.assignment.role))];
  return new SeatsExhaustedError(
    `The seats of license ${licenses.join(', ')} assigned to role ${roles.join(', ')} are all in use. ${free}`,
  );
}

export function adminSeatTakenError(): SeatsExhaustedError {
  return new SeatsExhaustedError(
    'This server has no valid Client Access License or its licenses have lapsed, so only one administrator may be signed in at a time, and one is; sign them out or renew the licenses.',
  );
}

export function adminOnlyError(): SeatsExhaustedError {
  return new SeatsExhaustedError(
    'This server has no valid Client Access License or its licenses have lapsed, so only an administrator may sign in; ask an administrator to renew the licenses.',
  );
}
