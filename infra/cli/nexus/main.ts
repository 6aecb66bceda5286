// `npm run nexus -- <command>`: one command line, its command run, its errors reported, its exit code returned.
import { parseCommandLine, USAGE } from './args.js';
import {
  acquire,
  type HintFor,
  importFile,
  licenses,
  loginSecret,
  loginUser,
  register,
  status,
} from './commands.js';
import { CliError, EXIT, type Io, reportError, toCliError } from './output.js';
import { type Context, contextOf } from './portal.js';
import { signIn } from './signin.js';
import { StateFileError } from './state.js';
import { PromptCancelled } from './terminal.js';
import { watchFolder } from './watch.js';

/** Runs one command line and returns its exit code (0 done, 1 refused or unreachable, 2 bad usage). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandLine(argv, io.env);
  if (!parsed.ok) {
    const json = argv.includes('--json');
    reportError(io, json, new CliError(EXIT.usage, 'usage', parsed.message));
    return EXIT.usage;
  }
  const { command, global } = parsed;
  if (command.name === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  let hintFor: HintFor | undefined;
  const hint = (next: HintFor) => {
    hintFor = next;
  };
  let url = global.url ?? '';
  try {
    const ctx: Context = contextOf(io, global);
    url = ctx.url;
    switch (command.name) {
      case 'login-user':
        await loginUser(ctx, command.email, hint);
        break;
      case 'login-secret':
        await loginSecret(ctx, command.saveSecret, hint);
        break;
      case 'register':
        await register(ctx, command.hostName, hint);
        break;
      case 'licenses':
        await licenses(ctx, command, hint);
        break;
      case 'acquire':
        await acquire(ctx, command.licenseIds, command.dir, hint);
        break;
      case 'import':
        await importFile(ctx, command.file, hint);
        break;
      case 'watch':
        await watchFolder(ctx, command.folder, command.everySeconds, hint);
        break;
      case 'signin':
        await signIn(ctx, command, hint);
        break;
      case 'status':
        await status(ctx, hint);
        break;
    }
    return EXIT.ok;
  } catch (error) {
    const failure =
      error instanceof StateFileError || error instanceof PromptCancelled
        ? new CliError(EXIT.usage, 'usage', error.message)
        : toCliError(error, url, hintFor);
    reportError(io, global.json, failure);
    return failure.exitCode;
  }
}
