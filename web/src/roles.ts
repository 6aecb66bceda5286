// The Roles page's arithmetic: seats, used and available per role and product, and per license within each.
// Seats of different products never add up: a CAL seat serves a connection to a NEXUS server, a design-software
// seat the design software, so one cannot stand in for the other.
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

/** One role's share of one product: the sum over that product's licenses, which are interchangeable. */
export interface RoleOnProduct {
  product: License['product'];
  seats: number | 'all';
  used: number;
  available: number;
  licenses: RoleOnLicense[];
}

/** One role, product by product (never a total over products: their seats are not interchangeable). */
export interface RoleUse {
  role: string;
  products: RoleOnProduct[];
}

function addSeats(a: number | 'all', b: number | 'all'): number | 'all' {
  return a === 'all' || b === 'all' ? 'all' : a + b;
}

/**
 * Seats, use and availability per role and product, from each license's assignments. A number is a cap, not a
 * reservation, so a role's available seats on a license are the smaller of what its cap leaves and the license's
 * free seats; a license that is not valid now has none available. Totals add up the licenses of one product only.
 * Roles come by name, each role's products by name.
 */
export function rolesUse(
  licenses: readonly License[],
  assignmentsByLicense: ReadonlyMap<string, readonly Assignment[]>,
): RoleUse[] {
  const byRole = new Map<string, Map<License['product'], RoleOnProduct>>();
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
      const products = byRole.get(role) ?? new Map<License['product'], RoleOnProduct>();
      const total = products.get(license.product) ?? {
        product: license.product,
        seats: 0,
        used: 0,
        available: 0,
        licenses: [],
      };
      total.seats = addSeats(total.seats, entry.seats);
      total.used += entry.used;
      total.available += entry.available;
      total.licenses.push(entry);
      products.set(license.product, total);
      byRole.set(role, products);
    }
  }
  return [...byRole]
    .map(([role, products]) => ({
      role,
      products: [...products.values()].sort((a, b) => a.product.localeCompare(b.product)),
    }))
    .sort((a, b) => a.role.localeCompare(b.role));
}
