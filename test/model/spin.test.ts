// The seat protocol model-checked with Spin: the main proof (every property holds, exhaustively: safety and
// liveness, side by side on two cores, about two minutes; model/README.md, "Measured"), and every mutant and
// every rule of the first docs/seat-protocol.md that the code replaced yields a counterexample naming the
// property it breaks. MODEL_PROOF=0 leaves the proof out (the mutants and findings still run).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  coverageLines,
  FINDINGS,
  MAIN_CHECKS,
  missingTools,
  MUTANTS,
  type Result,
  runAll,
  SAFETY_PROPERTIES,
} from '../../scripts/model/spin.js';

const FAILING = [...MUTANTS, ...FINDINGS];
const PROOF = process.env.MODEL_PROOF !== '0';
let results: Result[] = [];
const resultOf = (id: string): Result => {
  const result = results.find((r) => r.check.id === id);
  if (!result) throw new Error(`${id} did not run`);
  return result;
};

describe('the Spin model runner', () => {
  it('says what to run when spin or gcc is missing', () => {
    expect(missingTools('/nonexistent')).toMatch(
      /spin and gcc not found.*bash scripts\/install-system-deps\.sh/,
    );
  });

  it('knows every mutant and finding of the model, and finds each coverage line in it', () => {
    expect(FAILING.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'MUTANT_READ_THEN_WRITE',
        'MUTANT_ADMIN_NO_LOCK',
        'MUTANT_DELETE_NO_SERVER_COND',
        'MUTANT_RECLAIM_NO_EXPIRY',
        'MUTANT_GRANT_NO_RESTRICTED_AT',
        'MUTANT_NO_DUE_RECLAIM',
        'DOC_DECIDE_AGAIN',
        'DOC_ADMIN_NO_ADMINCONN',
        'DOC_END_NO_KIND',
        'DOC_NO_RESTRICT_GUARD',
      ]),
    );
    for (const [step, line] of coverageLines()) expect(line, step).toBeGreaterThan(0);
  });
});

describe('the seat protocol model (Spin)', () => {
  beforeAll(async () => {
    const missing = missingTools();
    if (missing) throw new Error(missing);
    // two searches at once (the machine has two cores): the proof's two first, then the mutants and findings
    // (the safety ones breadth-first, seconds each) on whichever core is free
    results = await runAll([...(PROOF ? MAIN_CHECKS : []), ...FAILING], 2);
  }, 900_000);

  it.each(FAILING.map((check) => [check.id, check] as const))(
    '%s yields a counterexample to the property it breaks',
    (id, check) => {
      const result = resultOf(id);
      expect(result.verdict, result.output.slice(-2000)).toBe('violated');
      expect(check.expect).toContain(result.property);
    },
  );

  it.runIf(PROOF)('proves every safety property of the main model by an exhaustive search', () => {
    const safety = resultOf('main:safety');
    expect(safety.violation).toBeUndefined();
    expect(safety.verdict).toBe('holds');
    expect(safety.states).toBeGreaterThan(1_000_000);
    expect(SAFETY_PROPERTIES).toContain('refusal');
    for (const [step, line] of coverageLines()) expect(safety.unreachedLines, step).not.toContain(line);
  });

  it.runIf(PROOF)('proves that every expired session eventually ends, under weak fairness', () => {
    const liveness = resultOf('main:liveness');
    expect(liveness.violation).toBeUndefined();
    expect(liveness.verdict).toBe('holds');
  });
});
