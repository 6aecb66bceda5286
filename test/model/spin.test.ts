// The seat protocol model-checked with Spin: the main model proves every property; every mutant and every
// rule of docs/seat-protocol.md that the model corrects yields a counterexample naming the property it breaks.
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
});

describe('the seat protocol model (Spin)', () => {
  beforeAll(async () => {
    const missing = missingTools();
    if (missing) throw new Error(missing);
    // every search at once, one per core: the two proofs first, the quick mutants behind them
    results = await runAll([...MAIN_CHECKS, ...FAILING]);
  }, 900_000);

  it('proves every safety property of the main model by an exhaustive search', () => {
    const safety = resultOf('main:safety');
    expect(safety.violation).toBeUndefined();
    expect(safety.verdict).toBe('holds');
    expect(safety.states).toBeGreaterThan(1_000_000);
    expect(SAFETY_PROPERTIES).toContain('refusal');
  });

  it('reaches every protocol step whose property it proves (nothing holds vacuously)', () => {
    const { unreachedLines } = resultOf('main:safety');
    expect(unreachedLines.length).toBeGreaterThan(0); // the report was read: some branches are unreachable
    for (const [step, line] of coverageLines()) {
      expect(line, step).toBeGreaterThan(0);
      expect(unreachedLines, step).not.toContain(line);
    }
  });

  it('proves that every expired session eventually ends, under weak fairness', () => {
    const liveness = resultOf('main:liveness');
    expect(liveness.violation).toBeUndefined();
    expect(liveness.verdict).toBe('holds');
    expect(liveness.states).toBeGreaterThan(100_000);
  });

  it.each(FAILING.map((check) => [check.id, check] as const))(
    '%s yields a counterexample to the property it breaks',
    (id, check) => {
      const result = resultOf(id);
      expect(result.verdict, result.output.slice(-2000)).toBe('violated');
      expect(check.expect).toContain(result.property);
    },
  );
});
