// Runs the Spin model of the seat protocol (model/seat-protocol.pml): generate the verifier, compile it, search.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../model/seat-protocol.pml');
export const INSTALL_HINT =
  'Spin and a C compiler are needed: run `bash scripts/install-system-deps.sh` (Debian: apt-get install spin gcc).';

/** Every property the model checks, with the text by which pan names it. */
export const PROPERTIES = {
  seats: { title: "seats held never exceed the license's seats", marker: /seatsHeld<=/ },
  cap: { title: 'seats held through the capped assignment never exceed its cap', marker: /cappedHeld<=/ },
  adminConnection: { title: 'at most one live administrative connection', marker: /liveAdminConnections<=/ },
  userPcLock: { title: 'no user + PC + product holds two live sessions', marker: /liveOnOnePc<=/ },
  deletedServer: { title: 'no live session on a deleted server', marker: /srvExists\|\|/ },
  restricted: { title: 'a restricted (lapsed) server keeps one connection', marker: /restrictDone/ },
  counters: { title: 'used / live / adminConnection match the live sessions', marker: /countersMatch/ },
  reclaimExpired: { title: 'a reclaim ends only an expired session', marker: /reclaimOfExpired/ },
  refusal: {
    title: 'no sign-in is refused while a pool it could use had an expired holder',
    marker: /justified\[/,
  },
  modelSlot: { title: '(model) a client signs in only when its session slot is free', marker: /live\[me\]/ },
  deadlock: { title: 'no deadlock (invalid end state)', marker: /invalid end state/ },
  liveness: {
    title: 'every expired session eventually ends (weak fairness)',
    marker: /acceptance cycle|non-progress cycle/,
  },
} as const;
export type PropertyId = keyof typeof PROPERTIES;
export const SAFETY_PROPERTIES: PropertyId[] = [
  'seats',
  'cap',
  'adminConnection',
  'userPcLock',
  'deletedServer',
  'restricted',
  'counters',
  'reclaimExpired',
  'refusal',
  'modelSlot',
  'deadlock',
];

export interface Check {
  id: string;
  title: string;
  /** preprocessor flags of the model (spin -D) */
  defines: string[];
  mode: 'safety' | 'liveness';
  /** undefined: every property must hold; else the properties of which Spin must find one violated */
  expect?: PropertyId[];
  /** breadth-first search: the shortest counterexample (for trails) */
  bfs?: boolean;
  /** pan's hash table: 2^hashBits slots (default 24) */
  hashBits?: number;
}

const MAIN = 'main';
/** The proof: every safety property on the whole configuration; liveness without the dashboard (see README). */
export const MAIN_CHECKS: Check[] = [
  // 2^26 hash slots: for ~20 million states, 2^24 gave five times the hash conflicts and took longer
  { id: `${MAIN}:safety`, title: 'main model, safety', defines: [], mode: 'safety', hashBits: 26 },
  {
    id: `${MAIN}:liveness`,
    title: 'main model, liveness',
    defines: ['NO_DASHBOARD'],
    mode: 'liveness',
    hashBits: 26,
  },
];

/** Known bugs that must be caught, generated from the main model by a flag. */
export const MUTANTS: Check[] = [
  {
    id: 'MUTANT_READ_THEN_WRITE',
    title: 'the grant checks the counts it read, then writes (check-then-act)',
    defines: ['MUTANT_READ_THEN_WRITE'],
    mode: 'safety',
    bfs: true,
    expect: ['seats', 'cap'],
  },
  {
    id: 'MUTANT_ADMIN_NO_LOCK',
    title: 'the administrative connection without the user + PC lock',
    defines: ['MUTANT_ADMIN_NO_LOCK'],
    mode: 'safety',
    bfs: true,
    expect: ['userPcLock'],
  },
  {
    id: 'MUTANT_DELETE_NO_SERVER_COND',
    title: 'a grant not conditioned on the server existing and not removing',
    defines: ['MUTANT_DELETE_NO_SERVER_COND'],
    mode: 'safety',
    bfs: true,
    expect: ['deletedServer'],
  },
  {
    id: 'MUTANT_RECLAIM_NO_EXPIRY',
    title: 'reclaim without the expiry condition',
    defines: ['MUTANT_RECLAIM_NO_EXPIRY'],
    mode: 'safety',
    bfs: true,
    expect: ['reclaimExpired'],
  },
  {
    id: 'MUTANT_GRANT_NO_RESTRICTED_AT',
    title: 'a grant not conditioned on restrictedAt <= now (serverTakesSessions)',
    defines: ['MUTANT_GRANT_NO_RESTRICTED_AT'],
    mode: 'safety',
    bfs: true,
    expect: ['restricted'],
  },
  {
    id: 'MUTANT_NO_DUE_RECLAIM',
    title: 'the hourly check without its reclaim of due sessions',
    defines: ['MUTANT_NO_DUE_RECLAIM', 'NO_DASHBOARD'],
    mode: 'liveness',
    expect: ['liveness'],
  },
];

/** Rules of the first docs/seat-protocol.md that the code replaced: each put back fails (see model/README.md). */
export const FINDINGS: Check[] = [
  {
    id: 'DOC_DECIDE_AGAIN',
    title: 'decide again from the same snapshot after a failed condition',
    defines: ['DOC_DECIDE_AGAIN'],
    mode: 'safety',
    bfs: true,
    expect: ['refusal'],
  },
  {
    id: 'DOC_ADMIN_NO_ADMINCONN',
    title: 'the administrative connection conditioned on no adminConnection, even one it reclaims',
    defines: ['DOC_ADMIN_NO_ADMINCONN'],
    mode: 'safety',
    bfs: true,
    expect: ['refusal'],
  },
  {
    id: 'DOC_END_NO_KIND',
    title: 'a reclaim not conditioned on the version as read (a conversion between read and write)',
    defines: ['DOC_END_NO_KIND'],
    mode: 'safety',
    bfs: true,
    expect: ['counters'],
  },
  {
    // the same change as MUTANT_GRANT_NO_RESTRICTED_AT: the first doc's rule was the code's bug
    id: 'DOC_NO_RESTRICT_GUARD',
    title: 'the server condition "exists, not removing" only (lapse racing a grant)',
    defines: ['DOC_NO_RESTRICT_GUARD'],
    mode: 'safety',
    bfs: true,
    expect: ['restricted'],
  },
];

/**
 * A variant that must hold: the reclaim conditioned on the version as read but not on "still expired at now"
 * (model/README.md: a revival always moves the version, so the version alone already keeps a revived session).
 */
export const VARIANTS: Check[] = [
  {
    id: 'RECLAIM_VERSION_ONLY',
    title: 'the reclaim on its version only (must hold)',
    defines: ['RECLAIM_VERSION_ONLY'],
    mode: 'safety',
  },
];

/** `npm run model -- --large`, three searches beyond the main proof: every refusal checked against every instant
 * of its sign-in (the witness); the hourly lease expiring under a running check (two runs overlap); liveness
 * with Kill Session and server removal. */
export const LARGE_CHECKS: Check[] = [
  {
    id: 'large:witness',
    title: 'large: refusal witness',
    defines: ['WITNESS'],
    mode: 'safety',
    hashBits: 25,
  },
  {
    id: 'large:lease',
    title: 'large: lease expiry',
    defines: ['LEASE_EXPIRY'],
    mode: 'safety',
    hashBits: 26,
  },
  {
    id: 'large:liveness',
    title: 'large: liveness with the dashboard',
    defines: [],
    mode: 'liveness',
    hashBits: 25,
  },
];

export interface Result {
  check: Check;
  verdict: 'holds' | 'violated' | 'incomplete';
  /** what Spin found violated (when verdict is violated) */
  property?: PropertyId;
  /** the text pan printed for the violation */
  violation?: string;
  states: number;
  visited?: number;
  transitions: number;
  depth: number;
  seconds: number;
  memoryMb: number;
  /** statements of the model no run reached (pan's unreached report, model lines only) */
  unreachedLines: number[];
  output: string;
  /** the work directory (kept for trails) */
  dir: string;
}

/** Undefined when spin and a C compiler are on the PATH, else what to run. */
export function missingTools(path = process.env.PATH ?? ''): string | undefined {
  const missing = ['spin', 'gcc'].filter(
    (tool) => spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { env: { PATH: path } }).status !== 0,
  );
  return missing.length ? `${missing.join(' and ')} not found. ${INSTALL_HINT}` : undefined;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, out }));
  });
}

const number = (text: string, pattern: RegExp): number => {
  const found = pattern.exec(text)?.[1];
  return found === undefined ? 0 : Number(found);
};

/** Reads pan's report. */
export function parsePan(check: Check, output: string, dir: string): Result {
  const violation = /pan:1: (.*?) \(at depth \d+\)/.exec(output)?.[1];
  const property = violation
    ? (Object.keys(PROPERTIES) as PropertyId[]).find((id) => PROPERTIES[id].marker.test(violation))
    : undefined;
  const incomplete = /max search depth too small|reached -DMEMLIM bound|out of memory/.test(output);
  const unreachedLines = [...output.matchAll(/^\s+seat-protocol\.pml:(\d+), state/gm)].map((m) =>
    Number(m[1]),
  );
  return {
    check,
    verdict: violation ? 'violated' : incomplete || !/errors: 0/.test(output) ? 'incomplete' : 'holds',
    ...(property ? { property } : {}),
    ...(violation ? { violation } : {}),
    states: number(output, /(\d+) states, stored/),
    ...(/visited\)/.test(output) ? { visited: number(output, /states, stored \(([\d.e+]+) visited\)/) } : {}),
    transitions: number(output, /([\d.e+]+) transitions \(= (?:stored|visited)\+matched\)/),
    depth: number(output, /depth reached (\d+)/),
    seconds: number(output, /pan: elapsed time ([\d.e+]+) seconds/),
    memoryMb: number(output, /([\d.]+)\s+total actual memory usage/),
    unreachedLines,
    output,
    dir,
  };
}

/** One search: spin -a, gcc, pan. Exhaustive (hash-table storage with COLLAPSE compression: no state lost). */
export async function runCheck(check: Check, options: { keep?: boolean } = {}): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'seat-model-'));
  try {
    copyFileSync(MODEL_FILE, join(dir, 'seat-protocol.pml'));
    const defines = [...check.defines, ...(check.bfs ? ['BFS'] : [])].map((flag) => `-D${flag}`);
    const generated = await run('spin', [...defines, '-a', 'seat-protocol.pml'], dir);
    if (generated.code !== 0 || /error/i.test(generated.out.replace(/^ltl .*$/gm, ''))) {
      throw new Error(`spin -a failed for ${check.id}:\n${generated.out}`);
    }
    const search =
      check.mode === 'safety'
        ? ['-DSAFETY', '-DNOCLAIM', ...(check.bfs ? ['-DBFS'] : [])]
        : ['-DNFAIR=4' /* weak fairness over the model's 10 processes and the claim */];
    const compiled = await run(
      'gcc',
      // a counterexample search is short: compiling fast (-O0) saves more than the faster verifier would
      [check.expect ? '-O0' : '-O2', '-w', '-DCOLLAPSE', '-DMEMLIM=8192', ...search, '-o', 'pan', 'pan.c'],
      dir,
    );
    if (compiled.code !== 0) throw new Error(`gcc failed for ${check.id}:\n${compiled.out}`);
    const panArgs = [
      '-m3000000',
      `-w${check.hashBits ?? 24}`,
      ...(check.mode === 'liveness' ? ['-a', '-f'] : []),
    ];
    const searched = await run('./pan', panArgs, dir);
    return parsePan(check, searched.out, dir);
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs checks side by side, one per core. */
export async function runAll(checks: Check[], parallel = availableParallelism()): Promise<Result[]> {
  const results: Result[] = new Array(checks.length);
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const index = next++;
      const check = checks[index];
      if (check) results[index] = await runCheck(check);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, checks.length)) }, worker));
  return results;
}

/** The narrated counterexample of a failing check (spin -t replays the trail; the model's printf tell it). */
export async function trail(check: Check): Promise<{ result: Result; story: string }> {
  const result = await runCheck({ ...check, bfs: true }, { keep: true });
  try {
    if (result.verdict !== 'violated') return { result, story: '' };
    const defines = [...check.defines, 'BFS'].map((flag) => `-D${flag}`);
    const replay = await run('spin', [...defines, '-t', 'seat-protocol.pml'], result.dir);
    const story = replay.out
      .split('\n')
      .map((line) => line.trim())
      .filter(
        (line) =>
          line && !/^ltl |^#processes|^\d+ processes created|^\S+(\[\d+\])? = |^\d+:\s+proc/.test(line),
      )
      .join('\n');
    return { result, story };
  } finally {
    rmSync(result.dir, { recursive: true, force: true });
  }
}

/** Lines of the model whose statements the main search must reach (so no property holds vacuously). */
export function coverageLines(): Map<string, number> {
  const lines = readFileSync(MODEL_FILE, 'utf8').split('\n');
  const find = (needle: string) => lines.findIndex((line) => line.includes(needle)) + 1;
  return new Map(
    Object.entries({
      'a refusal': find('assert(justified[me])'),
      'a reclaim-and-take or the administrative connection reclaiming': find('reclaimOfExpired = exp[hi];'),
      'the administrative connection granted': find('pk == P_ADMIN -> kind[me] = K_ADM'),
      "the hourly check's reclaim": find('reclaimOfExpired = exp[j];'),
      'a conversion into the administrative connection': find('kind[j] = K_ADM; srvAdmin = j;'),
      'the server deleted': find('srvExists = 0; srvRemoving = 0;'),
      'a join through the lock': find(':: oc == O_LOCK -> pk = P_JOIN'),
    }),
  );
}
