// The Licenses page's rules, apart from the page: product groups as the seed's, search, sort, the expiry notices
// and the Server license's System seats in words.
import {
  countOf,
  formatDate,
  KIND_LABELS,
  type License,
  licenseLabel,
  STATUS_LABELS,
  type TermPosition,
  termPosition,
} from './format.js';

/**
 * The seed's groupings of the Altium dashboard's Licenses page: the Server and CAL licenses sit in the
 * "ALTIUM NEXUS SERVER" grouping; the design software in its own.
 */
export const PRODUCT_GROUPS: readonly { name: string; products: readonly License['product'][] }[] = [
  { name: 'ALTIUM NEXUS SERVER', products: ['Altium NEXUS Server', 'Altium NEXUS Server CAL'] },
  { name: 'ALTIUM NEXUS', products: ['Altium NEXUS'] },
];

/**
 * The words above the licenses: what a person can do from here. Administrators open a license to activate it,
 * download its .alf, see who holds its seats and assign them to roles; members only read its seats, use and
 * term there, so their words name nothing else.
 */
export function licensesLead(isAdmin: boolean): string {
  const intro = "Your company's licenses, grouped as on the Altium dashboard.";
  return isAdmin
    ? `${intro} Open one to activate it, download its license file (.alf), see who holds its seats and assign them to roles.`
    : `${intro} Open one to see its seats, how many are in use and how long it stays valid.`;
}

/** A notice shows licenses ending within this many days. */
export const ENDING_SOON_DAYS = 30;

/** The columns the licenses table sorts by. */
export type SortKey = 'product' | 'seats' | 'used' | 'status' | 'validUntil' | 'daysLeft' | 'activationCode';

/** A sort: the column and its direction. */
export interface Sort {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

const STATUS_ORDER: Record<License['status'], number> = { valid: 0, not_yet_valid: 1, expired: 2 };

function compare(a: License, b: License, key: SortKey): number {
  switch (key) {
    case 'seats':
    case 'used':
      return a[key] - b[key];
    case 'status':
      return STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    case 'validUntil':
    case 'daysLeft':
      // Days left orders exactly as the end of the term does.
      return Date.parse(a.validUntil) - Date.parse(b.validUntil);
    default:
      return a[key].localeCompare(b[key]);
  }
}

/** The licenses sorted by one column; ties keep the order of the activation code, so the order is stable. */
export function sortLicenses(licenses: readonly License[], sort: Sort): License[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...licenses].sort(
    (a, b) => sign * compare(a, b, sort.key) || a.activationCode.localeCompare(b.activationCode),
  );
}

/**
 * The licenses whose product, kind, status or activation code contains every word of the query (any case).
 * "cal valid" finds the valid CALs; a part of a code finds that license.
 */
export function searchLicenses(licenses: readonly License[], query: string): License[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...licenses];
  return licenses.filter((license) => {
    const text = [
      license.product,
      KIND_LABELS[license.kind],
      STATUS_LABELS[license.status],
      license.activationCode,
    ]
      .join(' ')
      .toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** The licenses in the seed's groups, in group order; empty groups are left out. */
export function groupLicenses(licenses: readonly License[]): { name: string; licenses: License[] }[] {
  return PRODUCT_GROUPS.map((group) => ({
    name: group.name,
    licenses: licenses.filter((license) => group.products.includes(license.product)),
  })).filter((group) => group.licenses.length > 0);
}

/** What the Used number of a license means, in words; for a Server license, the servers' System seats. */
export function usedHint(license: Pick<License, 'kind' | 'used' | 'seats'>): string {
  if (license.kind === 'server') {
    if (license.used === 0) return 'No NEXUS server holds it yet';
    return `System seat of ${countOf(license.used, 'NEXUS server')}`;
  }
  if (license.used === 0) return 'Nobody holds a seat now';
  return license.used === 1 ? '1 person signed in' : `${license.used} people signed in`;
}

/** The long explanation of a Server license's Used, for its page. */
export const SYSTEM_SEAT_EXPLANATION =
  'Each NEXUS server that acquires this Server license holds one of its seats for its internal System user, so Used counts servers, not people.';

/** How to renew: the back office (the license operator) issues renewals. */
export const RENEWAL_ADVICE =
  'To renew, ask your license operator (the back office that issued it) for a renewal: the renewed license keeps its activation code and assignments, so nothing needs to be activated again.';

/** A notice about licenses that end soon or have ended. */
export interface ExpiryNotice {
  level: 'warning' | 'ended';
  /** The heading sentence. */
  title: string;
  /** One line per license, by name, with its date. */
  items: string[];
  advice: string;
}

/**
 * The notices for a list of licenses at `now`: one for those ending within 30 days (soonest first) and one for
 * those that have ended (latest first). Licenses not started yet are neither.
 */
export function expiryNotices(licenses: readonly License[], now: Date): ExpiryNotice[] {
  const placed = licenses.map((license) => ({ license, position: termPosition(license, now) }));
  const soon = placed
    .filter(({ position }) => position.phase === 'running' && position.days <= ENDING_SOON_DAYS)
    .sort((a, b) => a.position.days - b.position.days);
  const ended = placed
    .filter(({ position }) => position.phase === 'ended')
    .sort((a, b) => a.position.days - b.position.days);
  const notices: ExpiryNotice[] = [];
  if (soon.length) {
    notices.push({
      level: 'warning',
      title:
        soon.length === 1
          ? `A license ends within ${ENDING_SOON_DAYS} days`
          : `${soon.length} licenses end within ${ENDING_SOON_DAYS} days`,
      items: soon.map(({ license, position }) => endingLine(license, position)),
      advice: RENEWAL_ADVICE,
    });
  }
  if (ended.length) {
    notices.push({
      level: 'ended',
      title: ended.length === 1 ? 'A license has ended' : `${ended.length} licenses have ended`,
      items: ended.map(
        ({ license }) =>
          `${licenseLabel(license)} ended on ${formatDate(license.validUntil)}: ${endedEffect(license)}`,
      ),
      advice: RENEWAL_ADVICE,
    });
  }
  return notices;
}

function endingLine(license: License, position: TermPosition): string {
  const when = position.days <= 1 ? 'ends within a day' : `ends in ${position.days} days`;
  return `${licenseLabel(license)} ${when}, on ${formatDate(license.validUntil)}`;
}

/** What a lapsed license means for people, per kind (the seed's rules). */
function endedEffect(license: License): string {
  if (license.kind === 'server')
    return 'servers holding only this license keep one administrative connection for backup and configuration.';
  if (license.kind === 'cal') return 'its seats no longer let people sign in to the NEXUS servers.';
  return 'its design-software seats can no longer be leased.';
}
