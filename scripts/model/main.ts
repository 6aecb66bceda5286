// `npm run model`: proves the seat protocol model with Spin and prints states, time and a verdict per property.
//   npm run model                      the main model (safety and liveness); exit 1 on any violation
//   npm run model -- --mutants         also the mutants and the findings, each of which must fail
//   npm run model -- --large           the larger configuration (overlapping hourly runs, refusal witness)
//   npm run model -- --variants        also the variants that must hold (RECLAIM_VERSION_ONLY)
//   npm run model -- --trail <id>      a counterexample of a mutant or finding, narrated (the shortest, for safety)
import {
  type Check,
  coverageLines,
  FINDINGS,
  LARGE_CHECKS,
  MAIN_CHECKS,
  missingTools,
  MUTANTS,
  PROPERTIES,
  type Result,
  runAll,
  SAFETY_PROPERTIES,
  trail,
  VARIANTS,
} from './spin.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function line(result: Result): string {
  const visited = result.visited ? ` (${fmt(result.visited)} visited)` : '';
  return (
    `${result.check.title.padEnd(40)} ${fmt(result.states).padStart(11)} states${visited}, ` +
    `${fmt(result.transitions)} transitions, depth ${fmt(result.depth)}, ${result.seconds.toFixed(1)} s, ` +
    `${fmt(result.memoryMb)} MB`
  );
}

function proofTable(results: Result[]): boolean {
  let ok = true;
  console.log('\nproperty                                                                   verdict');
  const verdictOf = (mode: Check['mode'], id: string) => {
    const runs = results.filter((r) => r.check.mode === mode);
    const violated = runs.find((r) => r.verdict === 'violated' && r.property === id);
    if (violated) return `VIOLATED in ${violated.check.id}: ${violated.violation}`;
    if (runs.length === 0) return 'not run';
    if (runs.some((r) => r.verdict === 'incomplete')) return 'INCOMPLETE SEARCH';
    if (runs.some((r) => r.verdict === 'violated'))
      return 'not decided (a search stopped at another violation)';
    return 'holds (exhaustive)';
  };
  for (const id of SAFETY_PROPERTIES) {
    const verdict = verdictOf('safety', id);
    if (!verdict.startsWith('holds')) ok = false;
    console.log(`${PROPERTIES[id].title.padEnd(74)} ${verdict}`);
  }
  const live = verdictOf('liveness', 'liveness');
  if (!live.startsWith('holds')) ok = false;
  console.log(`${PROPERTIES.liveness.title.padEnd(74)} ${live}`);
  return ok;
}

function coverage(result: Result | undefined): boolean {
  if (result?.verdict !== 'holds') return true;
  const missed = [...coverageLines()].filter(([, lineNo]) => result.unreachedLines.includes(lineNo));
  for (const [what, lineNo] of missed) console.log(`NOT REACHED: ${what} (seat-protocol.pml:${lineNo})`);
  return missed.length === 0;
}

function mutantTable(results: Result[]): boolean {
  let ok = true;
  console.log('\nmust fail                          expected violation          found');
  for (const result of results) {
    const expected = result.check.expect ?? [];
    const caught = result.verdict === 'violated' && !!result.property && expected.includes(result.property);
    if (!caught) ok = false;
    console.log(
      `${result.check.id.padEnd(34)} ${expected.join(' or ').padEnd(27)} ${caught ? 'caught' : 'MISSED'}: ` +
        `${result.violation ?? result.verdict} (${fmt(result.states)} states, depth ${fmt(result.depth)}, ` +
        `${result.seconds.toFixed(1)} s)`,
    );
  }
  return ok;
}

async function main(args: string[]): Promise<number> {
  const missing = missingTools();
  if (missing) {
    console.error(missing);
    return 2;
  }
  const trailAt = args.indexOf('--trail');
  if (trailAt >= 0) {
    const id = args[trailAt + 1];
    const check = [...MUTANTS, ...FINDINGS].find((c) => c.id === id);
    if (!check) {
      console.error(`--trail needs one of: ${[...MUTANTS, ...FINDINGS].map((c) => c.id).join(', ')}`);
      return 2;
    }
    const { result, story } = await trail(check);
    console.log(`${check.id}: ${check.title}\n${line(result)}\n${result.violation ?? result.verdict}\n`);
    console.log(story);
    return result.verdict === 'violated' ? 0 : 1;
  }
  const large = args.includes('--large');
  const proof = [...(large ? LARGE_CHECKS : MAIN_CHECKS), ...(args.includes('--variants') ? VARIANTS : [])];
  const failing = args.includes('--mutants') ? [...MUTANTS, ...FINDINGS] : [];
  console.log(`model/seat-protocol.pml, ${large ? 'large' : 'main'} configuration (model/README.md)`);
  const results = await runAll([...proof, ...failing]);
  const proofResults = results.slice(0, proof.length);
  for (const result of proofResults) console.log(line(result));
  let ok = proofTable(proofResults);
  for (const result of proofResults.filter((r) => r.check.mode === 'safety')) ok = coverage(result) && ok;
  if (failing.length) ok = mutantTable(results.slice(proof.length)) && ok;
  const passed = failing.length
    ? 'every property holds; every mutant and finding fails'
    : 'every property holds';
  console.log(`\nverdict: ${ok ? passed : 'FAILED'}`);
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
