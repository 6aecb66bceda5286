// Assignments distribute a CAL's or design license's seats to roles: a number is a cap, "all" is any free seat.
import { ALL_USERS_ROLE } from './account.js';
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
