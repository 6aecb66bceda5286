// Calendar-month terms, license status at a given time, renewal and activation codes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatActivationCode,
  issueLicense,
  licenseStatus,
  renewedValidUntil,
} from '../../domain/license.js';
import { addCalendarMonths } from '../../domain/time.js';

describe('addCalendarMonths', () => {
  it.each([
    ['2026-01-31T10:00:00.000Z', 1, '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', 1, '2028-02-29T00:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', 12, '2029-02-28T12:00:00.000Z'],
    ['2026-03-31T00:00:00.000Z', 1, '2026-04-30T00:00:00.000Z'],
    ['2026-11-28T02:00:00.000Z', 12, '2027-11-28T02:00:00.000Z'],
    ['2026-12-15T00:00:00.000Z', 1, '2027-01-15T00:00:00.000Z'],
    ['2026-05-31T23:59:59.999Z', 13, '2027-06-30T23:59:59.999Z'],
    // Years below 100 stay themselves (Date.UTC alone reads them as 1900-1999).
    ['0001-01-31T00:00:00.000Z', 1, '0001-02-28T00:00:00.000Z'],
    ['0099-12-15T00:00:00.000Z', 1, '0100-01-15T00:00:00.000Z'],
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(addCalendarMonths(new Date(from), months).toISOString()).toBe(expected);
  });

  it('always lands in the target calendar month and never on a later day of the month', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9989-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 120 }),
        (from, months) => {
          const to = addCalendarMonths(from, months);
          const monthIndex = from.getUTCFullYear() * 12 + from.getUTCMonth() + months;
          expect(to.getUTCFullYear() * 12 + to.getUTCMonth()).toBe(monthIndex);
          expect(to.getUTCDate()).toBeLessThanOrEqual(from.getUTCDate());
          expect(to.getTime()).toBeGreaterThan(from.getTime());
        },
      ),
    );
  });
});

describe('license status', () => {
  const license = { validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' };
  it.each([
    ['2025-12-31T23:59:59.999Z', 'not_yet_valid'],
    ['2026-01-01T00:00:00.000Z', 'valid'],
    ['2026-12-31T23:59:59.999Z', 'valid'],
    ['2027-01-01T00:00:00.000Z', 'expired'],
  ])('at %s it is %s', (at, status) => {
    expect(licenseStatus(license, new Date(at))).toBe(status);
  });

  it('issues a 12-month term from now by default and maps the product to its kind', () => {
    const now = new Date('2026-11-28T02:00:00.000Z');
    const issued = issueLicense(
      { licenseId: 'l', accountId: 'a', product: 'Altium NEXUS Server CAL', seats: 5, activationCode: 'c' },
      now,
    );
    expect(issued).toMatchObject({
      kind: 'cal',
      used: 0,
      validFrom: '2026-11-28T02:00:00.000Z',
      validUntil: '2027-11-28T02:00:00.000Z',
    });
  });

  it('renews from the end while it runs, and from now once it has passed', () => {
    const now = new Date('2026-06-01T00:00:00.000Z');
    expect(renewedValidUntil({ validUntil: '2026-09-30T00:00:00.000Z' }, 12, now)).toBe(
      '2027-09-30T00:00:00.000Z',
    );
    expect(renewedValidUntil({ validUntil: '2026-01-31T00:00:00.000Z' }, 1, now)).toBe(
      '2026-07-01T00:00:00.000Z',
    );
  });
});

describe('license terms a license file can state (years 1970 to 9999)', () => {
  const input = {
    licenseId: 'l',
    accountId: 'a',
    product: 'Altium NEXUS Server CAL' as const,
    seats: 1,
    activationCode: 'c',
  };
  const now = new Date('2026-11-30T00:00:00.000Z');

  it('refuses a validFrom before 1970 or a term that would end after 9999 with 400 invalid_request', () => {
    for (const validFrom of ['0001-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z']) {
      expect(() => issueLicense({ ...input, validFrom }, now)).toThrow(
        expect.objectContaining({ code: 'invalid_request', message: expect.stringContaining('1970') }),
      );
    }
    expect(() => issueLicense({ ...input, validFrom: '9999-12-31T00:00:00Z' }, now)).toThrow(
      expect.objectContaining({ code: 'invalid_request', message: expect.stringContaining('9999-12-31') }),
    );
    expect(() => renewedValidUntil({ validUntil: '9999-06-30T00:00:00.000Z' }, 12, now)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });

  it('issues and renews up to the last day of 9999, and from 1970 on', () => {
    expect(issueLicense({ ...input, validFrom: '1970-01-01T00:00:00Z' }, now).validUntil).toBe(
      '1971-01-01T00:00:00.000Z',
    );
    expect(issueLicense({ ...input, validFrom: '9998-12-31T00:00:00Z' }, now).validUntil).toBe(
      '9999-12-31T00:00:00.000Z',
    );
    expect(renewedValidUntil({ validUntil: '9999-11-30T00:00:00.000Z' }, 1, now)).toBe(
      '9999-12-30T00:00:00.000Z',
    );
  });
});

describe('activation codes', () => {
  it('are four groups of four unambiguous characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(formatActivationCode(bytes)).toMatch(/^NX(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
      }),
    );
  });
});
