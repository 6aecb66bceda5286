// Server status: one pure function of the server's Server licenses, the account's CALs and a time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serverState } from '../../domain/server-status.js';

const now = new Date('2026-06-01T00:00:00.000Z');
const valid = { validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' };
const expired = { validFrom: '2025-01-01T00:00:00.000Z', validUntil: '2026-01-01T00:00:00.000Z' };
const future = { validFrom: '2026-09-01T00:00:00.000Z', validUntil: '2027-09-01T00:00:00.000Z' };
const endsNow = { validFrom: '2025-06-01T00:00:00.000Z', validUntil: now.toISOString() };

describe('serverState', () => {
  it.each([
    ['never held a Server license', [], [valid], 'unlicensed'],
    ['holds only one that has not started', [future], [valid], 'unlicensed'],
    ['holds a valid one, the account has a valid CAL', [valid], [valid], 'licensed'],
    ['holds a valid one, the account has no CAL', [valid], [], 'admin_only'],
    ['holds a valid one, every CAL has expired', [valid], [expired], 'admin_only'],
    ['holds a valid one, the CAL has not started', [valid], [future], 'admin_only'],
    ['every Server license it held has expired', [expired], [valid], 'lapsed'],
    ['expired at exactly now (validUntil is exclusive)', [endsNow], [valid], 'lapsed'],
    ['an expired and a valid one', [expired, valid], [valid], 'licensed'],
  ] as const)('%s -> %s', (_, held, cals, state) => {
    expect(serverState({ heldServerLicenses: [...held], accountCals: [...cals], now })).toBe(state);
  });

  it('is lapsed once every Server license it held has ended, whatever the account’s CALs', () => {
    const term = fc
      .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 }))
      .map(([start, days]) => ({
        validFrom: new Date(Date.UTC(2026, 0, 1) + start * 86_400_000).toISOString(),
        validUntil: new Date(Date.UTC(2026, 0, 1) + (start + days) * 86_400_000).toISOString(),
      }));
    fc.assert(
      fc.property(
        fc.array(term, { minLength: 1, maxLength: 4 }),
        fc.array(term, { maxLength: 3 }),
        (held, cals) => {
          const lastEnd = Math.max(...held.map((t) => Date.parse(t.validUntil)));
          const after = new Date(lastEnd + 1);
          expect(serverState({ heldServerLicenses: held, accountCals: cals, now: after })).toBe('lapsed');
        },
      ),
    );
  });
});
