// `watch <folder>`: the seed's install folder. License files found there at start are imported, so are those
// dropped in later, and every hour (the seed: "The software checks every hour for the presence of valid license
// files") the local files are checked against the published keys and the server's state is printed.
import { type FSWatcher, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { ok, PortalError } from '../../../client/index.js';
import { describeVerdict, type Jwk, verifyAlf } from '../../../domain/alf.js';
import { describeImport, type HintFor, importText, reportLines, serverReport } from './commands.js';
import { shortTime, toCliError, usageError } from './output.js';
import { type Context, type ServerSession, serverHint, serverSession } from './portal.js';

/** Events are gathered this long before the folder is read: a copy in progress fires several. */
const SETTLE_MS = 200;

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Whether a directory entry is a license file. */
export function isLicenseFileName(name: string): boolean {
  return /\.alf$/i.test(name) && !name.startsWith('.');
}

/** A file as it was when last imported: a file replaced in place (other size or time) is imported again. */
interface Seen {
  size: number;
  mtimeMs: number;
}

/** One local file's check: valid, expired, not yet valid, or why it is not a valid file. */
export function checkLocalFile(text: string, keys: readonly Jwk[], nowMs: number): string {
  const verdict = verifyAlf(text, keys);
  if (!verdict.valid) return describeVerdict(verdict);
  const { grant } = verdict;
  const until = `${grant.product}, license ${grant.licenseId}`;
  if (nowMs >= Date.parse(grant.validUntil)) return `expired at ${shortTime(grant.validUntil)} UTC: ${until}`;
  if (nowMs < Date.parse(grant.validFrom))
    return `not valid before ${shortTime(grant.validFrom)} UTC: ${until}`;
  return `valid until ${shortTime(grant.validUntil)} UTC: ${until}`;
}

/** Runs the watch until Ctrl-C (resolves) or a refusal that another try cannot cure (rejects). */
export async function watchFolder(
  ctx: Context,
  folder: string,
  everySeconds: number,
  hint: (h: HintFor) => void,
): Promise<void> {
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw usageError(
      `cannot watch ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      'Name an existing folder (the server’s install folder, or the --dir of acquire).',
    );
  }
  const session = await serverSession(ctx);
  const hintFor = serverHint(session);
  hint(hintFor);
  const emit = (event: Record<string, unknown>, line: string) => {
    if (ctx.global.json) ctx.io.out(JSON.stringify({ at: new Date(ctx.io.nowMs()).toISOString(), ...event }));
    else ctx.io.out(line);
  };
  const seen = new Map<string, Seen>();
  let fatal: unknown = null;

  /** Imports the license files that are new or changed since they were last read. */
  const scan = async () => {
    let names: string[];
    try {
      names = readdirSync(folder).filter(isLicenseFileName).sort();
    } catch (error) {
      emit(
        { event: 'folder_error', message: (error as Error).message },
        `Cannot read ${folder}: ${(error as Error).message}`,
      );
      return;
    }
    for (const name of [...seen.keys()]) if (!names.includes(name)) seen.delete(name);
    for (const name of names) {
      const path = join(folder, name);
      let stat: { size: number; mtimeMs: number };
      let text: string;
      try {
        stat = statSync(path);
        text = readFileSync(path, 'utf8');
      } catch {
        continue; // gone again, or not readable yet: the next event or check tries again
      }
      const before = seen.get(name);
      if (before && before.size === stat.size && before.mtimeMs === stat.mtimeMs) continue;
      // Settled (imported, or refused for what the file says): not sent again until the file changes.
      if (await importOne(session, name, text)) seen.set(name, { size: stat.size, mtimeMs: stat.mtimeMs });
      else seen.delete(name);
    }
  };

  /** Imports one file; false when another try may do better (the portal busy or away, a seat taken now). */
  const importOne = async (server: ServerSession, name: string, text: string): Promise<boolean> => {
    try {
      const { data, status } = await importText(server, text);
      emit(
        { event: status === 201 ? 'imported' : 'already_held', file: name, ...data },
        describeImport(name, data, status),
      );
      return true;
    } catch (error) {
      const failure = toCliError(error, ctx.url, hintFor);
      // A refused token ends the watch: no later try can do better without a new login.
      if (error instanceof PortalError && (error.status === 401 || error.status === 403)) fatal = error;
      emit(
        { event: 'import_failed', file: name, error: { code: failure.code, message: failure.message } },
        `Not imported ${name}: ${failure.message}${failure.status ? ` (${failure.code})` : ''}${failure.hint ? ` ${failure.hint}` : ''}`,
      );
      // A file the portal calls invalid stays so until it is replaced; anything else is tried at the next check.
      return failure.code === 'invalid_license_file';
    }
  };

  /** The hourly check: every local file against the published keys, then the server's state. */
  const check = async () => {
    await scan();
    try {
      const { keys } = await ok(session.client.GET('/v1/keys'));
      const names = readdirSync(folder).filter(isLicenseFileName).sort();
      const files = names.map((name) => {
        let verdict: string;
        try {
          verdict = checkLocalFile(readFileSync(join(folder, name), 'utf8'), keys as Jwk[], ctx.io.nowMs());
        } catch (error) {
          verdict = `unreadable: ${(error as Error).message}`;
        }
        return { file: name, verdict };
      });
      const report = await serverReport(session);
      emit(
        { event: 'checked', folder, files, status: report },
        [
          `Checked ${folder}: ${files.length} license file${files.length === 1 ? '' : 's'}`,
          ...files.map((file) => `  ${file.file}: ${file.verdict}`),
          ...reportLines(report),
        ].join('\n'),
      );
    } catch (error) {
      if (error instanceof PortalError && (error.status === 401 || error.status === 403)) fatal = error;
      const failure = toCliError(error, ctx.url, hintFor);
      emit(
        { event: 'check_failed', error: { code: failure.code, message: failure.message } },
        `The check failed: ${failure.message}${failure.hint ? ` ${failure.hint}` : ''} Trying again at the next check.`,
      );
    }
  };

  // One step at a time (imports, checks), in the order they were asked for; none starts after Ctrl-C.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    queue = queue
      .then(() => (stopped ? undefined : step()))
      .then(() => {
        if (fatal) stop();
      });
  };

  let settle: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = () => {
    if (stopped) return;
    stopped = true;
    watcher?.close();
    if (settle) clearTimeout(settle);
    if (timer) clearInterval(timer);
    removeStop();
    // What is under way finishes first: an import half sent is not left to guess.
    void queue.then(finish);
  };
  const removeStop = ctx.io.onStop(stop);

  ctx.progress(
    `Watching ${folder} for server ${session.serverId}: license files are imported as they appear; checked every ${everySeconds} s. Ctrl-C stops.`,
  );
  try {
    watcher = watch(folder, (_event, name) => {
      if (stopped || (name && !isLicenseFileName(String(name)))) return;
      if (settle) clearTimeout(settle);
      settle = setTimeout(() => enqueue(scan), SETTLE_MS);
    });
    watcher.on('error', () => {
      // The folder went away or the watch broke: the periodic check still scans it.
    });
  } catch {
    ctx.progress('This system cannot watch the folder for changes; new files are picked up at each check.');
  }
  enqueue(check); // it imports what is there first
  timer = setInterval(() => enqueue(check), Math.min(everySeconds * 1000, MAX_TIMER_MS));
  await done;
  emit({ event: 'stopped', folder }, `Stopped watching ${folder}.`);
  if (fatal) throw fatal;
}
