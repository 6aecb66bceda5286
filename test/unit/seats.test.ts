// The seat rules as pure functions: which seat is tried first, session timing and roaming.
import { describe, expect, it } from 'vitest';
import { type Assignment, rolesSummary } from '../../domain/assignments.js';
import { InvalidRequestError } from '../../domain/errors.js';
import type { License } from '../../domain/license.js';
import { seatCandidates } from '../../domain/seat-rules.js';
import { requestedProduct } from '../../domain/sign-in.js';
import {
  expiryAfter,
  expiryCap,
  expiryReason,
  isExpired,
  roamingEnd,
  withClient,
} from '../../domain/sessions.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');

function lic(licenseId: string, validUntil: string, extra: Partial<License> = {}): License {
  return {
    licenseId,
    accountId: 'acc',
    product: 'Altium NEXUS Server CAL',
    kind: 'cal',
    seats: 5,
    used: 0,
    activationCode: 'NX',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil,
    ...extra,
  };
}
function asg(
  assignmentId: string,
  licenseId: string,
  role: string,
  seats: number | 'all',
  extra: Partial<Assignment> = {},
) {
  return {
    assignmentId,
    licenseId,
    role,
    seats,
    used: 0,
    automaticLeasing: true,
    allowRoaming: false,
    ...extra,
  };
}

describe('seatCandidates', () => {
  const licenses = [
    lic('lic_b', '2027-01-01T00:00:00.000Z'),
    lic('lic_a', '2027-01-01T00:00:00.000Z'),
    lic('lic_early', '2026-09-01T00:00:00.000Z'),
    lic('lic_expired', '2026-02-01T00:00:00.000Z'),
    lic('lic_design', '2026-07-01T00:00:00.000Z', { product: 'Altium NEXUS', kind: 'client' }),
  ];
  const assignments = [
    asg('x_all', 'lic_a', 'All Users', 'all'),
    asg('x_num', 'lic_a', 'Designers', 2),
    asg('y_all', 'lic_b', 'All Users', 'all'),
    asg('z_all', 'lic_early', 'All Users', 'all'),
    asg('z_other', 'lic_early', 'Managers', 3),
    asg('z_manual', 'lic_early', 'Designers', 1, { automaticLeasing: false }),
    asg('e_all', 'lic_expired', 'All Users', 'all'),
  ];
  const order = (input: Partial<Parameters<typeof seatCandidates>[0]>) =>
    seatCandidates({
      licenses,
      assignments,
      roles: ['All Users', 'Designers'],
      product: 'Altium NEXUS Server CAL',
      now: NOW,
      ...input,
    }).map((c) => `${c.license.licenseId}/${c.assignment.assignmentId}`);

  it('tries valid licenses by earliest validUntil then licenseId, numbered assignments before "all"', () => {
    expect(order({})).toEqual(['lic_early/z_all', 'lic_a/x_num', 'lic_a/x_all', 'lic_b/y_all']);
  });

  it('serves assignments without automatic leasing only when the license is named', () => {
    expect(order({ licenseId: 'lic_early' })).toEqual(['lic_early/z_manual', 'lic_early/z_all']);
  });

  it('offers nothing of another product, of an expired license, or to roles without an assignment', () => {
    expect(order({ product: 'Altium NEXUS' })).toEqual([]);
    expect(order({ licenseId: 'lic_expired' })).toEqual([]);
    expect(order({ roles: ['Guests'] })).toEqual([]);
  });
});

describe('requestedProduct', () => {
  it('defaults to the named license, else a CAL, and refuses a mismatch as bad input', () => {
    const design = lic('d', '2027-01-01T00:00:00.000Z', { product: 'Altium NEXUS', kind: 'client' });
    expect(requestedProduct(undefined, null)).toBe('Altium NEXUS Server CAL');
    expect(requestedProduct(undefined, design)).toBe('Altium NEXUS');
    expect(() => requestedProduct('Altium NEXUS Server CAL', design)).toThrow(InvalidRequestError);
  });
});

describe('session timing', () => {
  const license = { validUntil: '2026-06-01T00:05:00.000Z' };

  it('expires the account timeout after the request, capped at the license end (none for the administrative connection)', () => {
    const far = { validUntil: '2027-01-01T00:00:00.000Z' };
    expect(expiryAfter(NOW, 10, expiryCap({ adminConnection: false }, far))).toBe('2026-06-01T00:10:00.000Z');
    expect(expiryAfter(NOW, 1, expiryCap({ adminConnection: false }, far))).toBe('2026-06-01T00:01:00.000Z');
    expect(expiryAfter(NOW, 10, expiryCap({ adminConnection: false }, license))).toBe(license.validUntil);
    expect(expiryAfter(NOW, 1440, expiryCap({ adminConnection: true }, license))).toBe(
      '2026-06-02T00:00:00.000Z',
    );
  });

  it('roams for whole days, never past the license end, and holds the seat until the later end', () => {
    expect(roamingEnd(NOW, 2, { validUntil: '2027-01-01T00:00:00.000Z' })).toBe('2026-06-03T00:00:00.000Z');
    expect(roamingEnd(NOW, 30, license)).toBe(license.validUntil);
    const roaming = { expiresAt: '2026-06-01T00:10:00.000Z', roamingUntil: '2026-06-03T00:00:00.000Z' };
    expect(isExpired(roaming, new Date('2026-06-02T00:00:00.000Z'))).toBe(false);
    expect(isExpired(roaming, new Date('2026-06-03T00:00:00.000Z'))).toBe(true);
    expect(expiryReason(roaming)).toBe('roaming_ended');
    expect(expiryReason({ expiresAt: roaming.expiresAt, roamingUntil: null })).toBe('reclaimed');
  });

  it('lists each client once, browser first', () => {
    expect(withClient(['design_client'], 'browser')).toEqual(['browser', 'design_client']);
    expect(withClient(['browser'], 'browser')).toEqual(['browser']);
  });
});

describe('rolesSummary', () => {
  it('sums caps and use per role; any "all" makes the role "all"', () => {
    expect(
      rolesSummary([
        { role: 'Designers', seats: 2, used: 1 },
        { role: 'Designers', seats: 3, used: 2 },
        { role: 'All Users', seats: 'all', used: 4 },
        { role: 'All Users', seats: 5, used: 0 },
      ]),
    ).toEqual([
      { role: 'All Users', seats: 'all', used: 4 },
      { role: 'Designers', seats: 5, used: 3 },
    ]);
  });
});
