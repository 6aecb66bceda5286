// The text rule (API.md "Text"), decided once in domain/text.ts and applied by every request schema.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod/mini';
import * as s from '../../functions/api/schemas.js';
import { isCleanText } from '../../domain/text.js';
import { BAD_STRINGS } from '../support/bad-text.js';

const valid = (schema: z.core.$ZodType, value: unknown) =>
  (schema as z.ZodMiniType)['~standard'].validate(value) as { issues?: unknown[] };

describe('isCleanText', () => {
  it.each(BAD_STRINGS)('refuses %s', (_name, value) => {
    expect(isCleanText(value)).toBe(false);
  });

  it.each([
    'Ada Lovelace',
    'Zoë Ünal-Ørsted',
    'Designers 🧑‍💻', // a surrogate pair is text
    'A\u00a0B', // U+00A0 (no-break space) is the first character past the C1 controls
    '',
  ])('accepts %j', (value) => {
    expect(isCleanText(value)).toBe(true);
  });
});

describe('every request string of the schemas applies it', () => {
  const cases: [string, z.core.$ZodType, (bad: string) => unknown][] = [
    ['account name', s.createAccountRequest, (bad) => ({ name: bad })],
    [
      'role',
      s.createUserRequest,
      (bad) => ({ email: 'a@b.example', password: 'p'.repeat(12), roles: [bad], admin: false }),
    ],
    [
      'password',
      s.createUserRequest,
      (bad) => ({ email: 'a@b.example', password: `${bad}xxxxxxxxxxxx`, roles: [], admin: false }),
    ],
    ['token username', s.tokenRequest, (bad) => ({ username: bad, password: 'x' })],
    ['token password', s.tokenRequest, (bad) => ({ username: 'x', password: bad })],
    ['host name', s.registerServerRequest, (bad) => ({ hostName: bad })],
    ['host id', s.activateRequest, (bad) => ({ hostId: bad })],
    ['machine id', s.signInRequest, (bad) => ({ userId: 'usr_1', machineId: bad, client: 'browser' })],
    ['assignment role', s.assignmentRequest, (bad) => ({ role: bad, seats: 1 })],
    ['product filter', s.licenseListQuery, (bad) => ({ product: bad })],
    [
      'report role',
      s.usageQuery,
      (bad) => ({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', interval: 'day', role: bad }),
    ],
  ];
  it.each(cases)('%s', (_name, schema, withBad) => {
    expect(valid(schema, withBad('fine')).issues).toBeUndefined();
    for (const [kind, bad] of BAD_STRINGS) {
      expect(valid(schema, withBad(bad)).issues, kind).toBeDefined();
    }
  });
});
