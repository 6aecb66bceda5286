// What `npm run nexus` remembers between commands: the portal it talks to, the registered server, the
// administrator's and the server's tokens, and the server's secret only when the user asked (--save-secret).
// One JSON file, 0600 in a 0700 folder, replaced atomically so that a watch and a signin running side by side
// never read half a file.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A bearer token and when it stops working (ISO time, by the machine's clock). */
export interface StoredToken {
  accessToken: string;
  expiresAt: string;
}

/** The whole state file. */
export interface NexusState {
  version: 1;
  /** The portal these ids and tokens belong to: tokens are never sent anywhere else. */
  url?: string;
  /** The account administrator's sign-in (login --user); the password is never kept. */
  admin?: StoredToken & { email: string };
  /** The server `register` created (host name known only then) or the server token names. */
  server?: { serverId: string; hostName?: string };
  /** The server's own token (login --secret). */
  serverToken?: StoredToken & { serverId: string };
  /** The server's credential secret, kept only after `login --secret --save-secret`. */
  secret?: string;
}

/** A state file that exists but cannot be used (exit 2: the user has to fix or remove it). */
export class StateFileError extends Error {}

/** The state in `path`; an empty state when the file does not exist yet. */
export function readState(path: string): NexusState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1 };
    throw new StateFileError(`cannot read the state file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as NexusState;
    if (parsed && typeof parsed === 'object' && parsed.version === 1) return parsed;
  } catch {
    // reported below
  }
  throw new StateFileError(
    `the state file ${path} is not one this program wrote; move it away (or pass --state <another file>) and log in again.`,
  );
}

/**
 * Writes the state for this user only: the folder 0700 when this creates it, the file 0600 (also when it existed
 * with a looser mode), through a temporary file and a rename so that readers see the old or the new file whole.
 */
export function writeState(path: string, state: NexusState): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // the mode of writeFileSync is masked by the umask; this is not
  renameSync(temporary, path);
}

/**
 * Reads the file again, applies `change` and writes it: another process (a watch, a second signin) may have
 * renewed a token since this one read it, and that must not be lost.
 */
export function updateState(path: string, change: (state: NexusState) => NexusState): NexusState {
  const next = change(readState(path));
  writeState(path, next);
  return next;
}

/** Whether a stored token still works for at least `marginSeconds`, by the machine's clock. */
export function tokenUsable(token: StoredToken | undefined, nowMs: number, marginSeconds = 0): boolean {
  return !!token && Date.parse(token.expiresAt) - marginSeconds * 1000 > nowMs;
}
