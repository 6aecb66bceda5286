// The Roles page's arithmetic: seats, used and available per role, and per license within each role.
import type { Schemas } from '../../client/index.js';
import { type License, licenseLabel } from './format.js';

/** An assignment as the API lists it. */
export type Assignment = Schemas['Assignment'];

/** One role's share of one license. */
export interface RoleOnLicense {
  licenseId: string;
  label: string;
  seats: number | 'all';
  used: number;
  /** Seats this role could still take on this license now. */
  available: number;
}

/** One role over all licenses. */
export interface RoleUse {
  role: string;
  seats: number | 'all';
  used: number;
  available: number;
  licenses: RoleOnLicense[];
}

function addSeats(a: number | 'all', b: number | 'all'): number | 'all' {
  return a === 'all' || b === 'all' ? 'all' : a + b;
}

/**
 * Seats, use and availability per role, from each license's assignments. A number is a cap, not a reservation,
 * so a role's available seats on a license are the smaller of what its cap leaves and the license's free seats;
 * a license that is not valid now has none available.
 */
export function rolesUse(
  licenses: readonly License[],
  assignmentsByLicense: ReadonlyMap<string, readonly Assignment[]>,
): RoleUse[] {
  const byRole = new Map<string, RoleUse>();
  for (const license of licenses) {
    const perRole = new Map<string, { seats: number | 'all'; used: number }>();
    for (const assignment of assignmentsByLicense.get(license.licenseId) ?? []) {
      const current = perRole.get(assignment.role) ?? { seats: 0, used: 0 };
      perRole.set(assignment.role, {
        seats: addSeats(current.seats, assignment.seats),
        used: current.used + assignment.used,
      });
    }
    const free = license.status === 'valid' ? Math.max(0, license.seats - license.used) : 0;
    for (const [role, share] of perRole) {
      const capLeft = share.seats === 'all' ? Number.POSITIVE_INFINITY : share.seats - share.used;
      const entry: RoleOnLicense = {
        licenseId: license.licenseId,
        label: licenseLabel(license),
        seats: share.seats,
        used: share.used,
        available: Math.max(0, Math.min(capLeft, free)),
      };
      const total = byRole.get(role) ?? { role, seats: 0, used: 0, available: 0, licenses: [] };
      total.seats = addSeats(total.seats, entry.seats);
      total.used += entry.used;
      total.available += entry.available;
      total.licenses.push(entry);
      byRole.set(role, total);
    }
  }
  return [...byRole.values()].sort((a, b) => a.role.localeCompare(b.role));
}
