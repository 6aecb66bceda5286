// How `npm run nexus` talks to people and scripts: results on stdout (tables, or JSON with --json), progress and
// errors on stderr, and the errors' exit codes.
import { PortalError } from '../../../client/index.js';

/** What the commands need of the outside world; tests hand in their own. */
export interface Io {
  /** One line on stdout. */
  out(line: string): void;
  /** One line on stderr. */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Replaces the global fetch for every request to the portal (unit tests). */
  fetch?: (request: Request) => Promise<Response>;
  /** Reads a secret or password: hidden from a terminal, or the first line of piped standard input. */
  readSecret(prompt: string): Promise<string>;
  /** Calls `handler` on Ctrl-C or SIGTERM until the returned function is called. */
  onStop(handler: () => void): () => void;
  /** The machine's clock, in ms. */
  nowMs(): number;
}

/** Exit codes: 0 done, 1 the portal refused or could not be reached (or a file could not be written), 2 bad usage. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

/** An error the command line reports and exits with; `hint` says what to run next. */
export class CliError extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad usage or a step to run first: exit 2. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(EXIT.usage, 'usage', message, hint);
}

/** Where a request could not reach the portal (refused connection, DNS, TLS): its cause's code or message. */
function networkCause(error: unknown): string | null {
  // fetch (undici) fails with TypeError('fetch failed') and the socket's error as its cause; a TypeError
  // without a cause is a bug here, not the network's.
  if (!(error instanceof TypeError)) return null;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (!cause) return null;
  return cause.code ?? cause.message ?? error.message;
}

/**
 * The CliError of anything a command threw: the portal's own error (its code and message, exit 1), a network
 * failure (exit 1, with what to check), or an unexpected error (exit 1, its message).
 */
export function toCliError(
  error: unknown,
  url: string,
  hintFor?: (error: PortalError) => string | undefined,
) {
  if (error instanceof CliError) return error;
  if (error instanceof PortalError) {
    return new CliError(EXIT.refused, error.code, error.message, hintFor?.(error), error.status);
  }
  const cause = networkCause(error);
  if (cause !== null) {
    return new CliError(
      EXIT.refused,
      'network_error',
      `cannot reach the portal at ${url} (${cause}).`,
      `Check that it runs (\`npm start\`) and the URL (--url or NEXUS_PORTAL_URL).`,
    );
  }
  return new CliError(EXIT.refused, 'error', (error as Error)?.message ?? String(error));
}

/** Prints an error the way --json or a person wants it. */
export function reportError(io: Io, json: boolean, error: CliError): void {
  if (json) {
    io.err(
      JSON.stringify({
        error: {
          code: error.code,
          message: error.message,
          ...(error.status !== undefined ? { status: error.status } : {}),
          ...(error.hint ? { hint: error.hint } : {}),
        },
      }),
    );
    return;
  }
  const status = error.status !== undefined ? ` (${error.code}, HTTP ${error.status})` : '';
  io.err(`error: ${error.message}${status}`);
  if (error.hint) io.err(error.hint);
}

/** A plain-text table: a header row, then one row per item, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** An ISO time as `YYYY-MM-DD HH:MM` (UTC): enough for people, and the same in every time zone. */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
