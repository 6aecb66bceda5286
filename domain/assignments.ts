// Assignments distribute a CAL's or design license's seats to roles: a number is a cap, "all" is any free seat.
import { ALL_USERS_ROLE } from './account.js';
import { SeatsOvercommittedError } from './errors.js';
import type { LicenseKind } from './products.js';

export type AssignmentSeats = number | 'all';

export interface Assignment {
  assignmentId: string;
  licenseId: string;
  role: string;
  seats: AssignmentSeats;
  used: number;
  automaticLeasing: boolean;
  allowRoaming: boolean;
}

/** Only connection (CAL) and design-software licenses are served by seat; Server licenses are held by servers. */
export function takesAssignments(kind: LicenseKind): boolean {
  return kind === 'cal' || kind === 'client';
}

/** The assignment a new CAL or design license gets when the account's autoAssignAllUsers setting is on. */
export function defaultAssignment(assignmentId: string, licenseId: string): Assignment {
  return {
    assignmentId,
    licenseId,
    role: ALL_USERS_ROLE,
    seats: 'all',
    used: 0,
    automaticLeasing: true,
    allowRoaming: false,
  };
}

/** The seats an assignment counts toward the license's sum: its number, or nothing for "all". */
export function numberedSeats(seats: AssignmentSeats): number {
  return seats === 'all' ? 0 : seats;
}

/**
 * The largest sum of numbered caps the license may already carry before a change that adds `delta` seats:
 * the store turns it into a condition so that two changes at once cannot overcommit between them.
 */
export function assignedSeatsLimit(licenseSeats: number, delta: number): number {
  return licenseSeats - delta;
}

/** Whether a change adding `delta` numbered seats fits, judged from what is known now (a fast first check). */
export function fitsLicense(licenseSeats: number, assignedNow: number, delta: number): boolean {
  return assignedNow + delta <= licenseSeats;
}

export interface RoleUse {
  role: string;
  seats: AssignmentSeats;
  used: number;
}

/** Seat availability and use per role, summed over its assignments; any "all" makes the role's seats "all". */
export function rolesSummary(assignments: readonly Pick<Assignment, 'role' | 'seats' | 'used'>[]): RoleUse[] {
  const byRole = new Map<string, RoleUse>();
  for (const assignment of assignments) {
    const current = byRole.get(assignment.role) ?? { role: assignment.role, seats: 0, used: 0 };
    current.seats =
      current.seats === 'all' || assignment.seats === 'all' ? 'all' : current.seats + assignment.seats;
    current.used += Math.max(0, assignment.used);
    byRole.set(assignment.role, current);
  }
  return [...byRole.values()].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}

/** The refusal when numbered caps would add up to more than the license's seats. */
export function overcommittedError(license: { licenseId: string; seats: number }): SeatsOvercommittedError {
  return new SeatsOvercommittedError(
    `The numbered seats assigned on license ${license.licenseId} would add up to more than its ${license.seats} seats; lower a number or use "all".`,
  );
}
