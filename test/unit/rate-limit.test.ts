// The window math of domain/rate-limit.ts that the DynamoDB counter carries out.
import { describe, expect, it } from 'vitest';
import { LOGIN_FAILURES, retryAfterSeconds, windowStep } from '../../domain/rate-limit.js';

const NOW = 1_800_000_000;
const rule = { name: 't', limit: 3, windowSeconds: 60 };

describe('windowStep', () => {
  it('opens a window with the first event, lasting windowSeconds', () => {
    expect(windowStep(null, NOW, rule)).toEqual({ kind: 'open', windowEnd: NOW + 60 });
  });

  it('counts while the window is open and under its limit', () => {
    expect(windowStep({ count: 2, windowEnd: NOW + 1 }, NOW, rule)).toEqual({ kind: 'count' });
  });

  it('refuses a full open window until its end, with retry-after in whole seconds', () => {
    expect(windowStep({ count: 3, windowEnd: NOW + 42 }, NOW, rule)).toEqual({
      kind: 'refuse',
      retryAfterSeconds: 42,
    });
  });

  it('opens a new window once the full one has passed', () => {
    expect(windowStep({ count: 3, windowEnd: NOW }, NOW, rule)).toEqual({
      kind: 'open',
      windowEnd: NOW + 60,
    });
  });

  it("is API.md's login rule: 10 failures per 15 minutes", () => {
    expect(LOGIN_FAILURES).toMatchObject({ limit: 10, windowSeconds: 900 });
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up and never says 0', () => {
    expect(retryAfterSeconds(NOW + 1.2, NOW)).toBe(2);
    expect(retryAfterSeconds(NOW, NOW)).toBe(1);
  });
});
