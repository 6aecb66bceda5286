// The command line of `npm run nexus`: which command, which options, parsed with node:util parseArgs (strict, so
// a mistyped option is an error, never ignored). Pure: reads only argv and the environment it is given.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** How the command line names the program in usage lines and hints. */
export const PROGRAM = 'npm run nexus --';

/** The portal a NEXUS server talks to when neither --url nor NEXUS_PORTAL_URL says otherwise (API.md). */
export const DEFAULT_URL = 'http://127.0.0.1:9780';

/** A watch re-checks its folder this often by default: the seed's "checks every hour". */
export const DEFAULT_EVERY_SECONDS = 3600;

/** Where acquired .alf files go by default. */
export const DEFAULT_LICENSE_DIR = './nexus-licenses';

/** Options every command takes. */
export interface GlobalOptions {
  /** Given by --url or NEXUS_PORTAL_URL; undefined: the state file's portal, else DEFAULT_URL. */
  url: string | undefined;
  /** The state file (--state, NEXUS_STATE, else the default under the XDG state folder). */
  statePath: string;
  /** Results as JSON on stdout (one object, or one per line for watch and signin); errors as JSON on stderr. */
  json: boolean;
}

/** One command with its own arguments. */
export type Command =
  | { name: 'help' }
  | { name: 'login-user'; email: string }
  | { name: 'login-secret'; saveSecret: boolean }
  | { name: 'register'; hostName: string }
  | { name: 'licenses'; product: string | undefined; validOnly: boolean }
  | { name: 'acquire'; licenseIds: string[]; dir: string }
  | { name: 'import'; file: string }
  | { name: 'watch'; folder: string; everySeconds: number }
  | {
      name: 'signin';
      userId: string;
      machineId: string;
      client: 'browser' | 'design_client';
      heartbeatSeconds: number | undefined;
    }
  | { name: 'status' };

/** A parsed command line, or why it is not one (exit code 2). */
export type Parsed = { ok: true; command: Command; global: GlobalOptions } | { ok: false; message: string };

export const USAGE = `usage: ${PROGRAM} <command> [options]

A NEXUS server's side of the license portal, through the typed client.

Commands:
  login --user <email>        an account administrator's sign-in (password from the terminal or NEXUS_PASSWORD)
  register <hostName>         register this NEXUS server and create its first credential (administrator)
  login --secret [--save-secret]
                              exchange the server's credential (NEXUS_SERVER_SECRET or standard input) for a
                              server token; --save-secret keeps the secret in the state file to renew unattended
  licenses [--product <text>] [--valid-only]
                              the company's licenses, as the Add Licenses window lists them
  acquire <licenseId...> [--dir <folder>]
                              acquire licenses From cloud and write their .alf files (default ${DEFAULT_LICENSE_DIR})
  import <file.alf>           import a license file (From file)
  watch <folder> [--every <seconds>]
                              import the .alf files in a folder now and as they appear; re-check them and print
                              the server's state every hour (or every <seconds>)
  signin <userId> <machineId> [--client browser|design_client] [--heartbeat <seconds>]
                              take a seat for a user and hold it with heartbeats until Ctrl-C, then sign out
  status                      the server's licensing state and the licenses it rests on

Options of every command:
  --url <url>      the portal (NEXUS_PORTAL_URL; default: the state file's portal, else ${DEFAULT_URL})
  --state <file>   where the server id and tokens are kept (NEXUS_STATE; default ~/.local/state/nexus-license-portal/nexus.json)
  --json           results as JSON on stdout for scripts; errors as JSON on stderr
  --help           this text

Exit codes: 0 done; 1 the portal refused, could not be reached, or a file could not be written;
2 bad usage (unknown command or option, a missing argument, a file that cannot be read, or a step to run first).`;

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const GLOBAL_OPTIONS: OptionSpec = {
  url: { type: 'string' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** The options each command takes besides the global ones, and how many positionals (min, max; max -1: any). */
const COMMANDS: Record<string, { options: OptionSpec; positionals: [number, number]; names: string }> = {
  login: {
    options: { user: { type: 'string' }, secret: { type: 'boolean' }, 'save-secret': { type: 'boolean' } },
    positionals: [0, 0],
    names: '',
  },
  register: { options: {}, positionals: [1, 1], names: '<hostName>' },
  licenses: {
    options: { product: { type: 'string' }, 'valid-only': { type: 'boolean' } },
    positionals: [0, 0],
    names: '',
  },
  acquire: { options: { dir: { type: 'string' } }, positionals: [1, -1], names: '<licenseId...>' },
  import: { options: {}, positionals: [1, 1], names: '<file.alf>' },
  watch: { options: { every: { type: 'string' } }, positionals: [1, 1], names: '<folder>' },
  signin: {
    options: { client: { type: 'string' }, heartbeat: { type: 'string' } },
    positionals: [2, 2],
    names: '<userId> <machineId>',
  },
  status: { options: {}, positionals: [0, 0], names: '' },
  help: { options: {}, positionals: [0, 1], names: '' },
};

/** The default state file: per user, under the XDG state folder, so no repository or install folder holds tokens. */
export function defaultStatePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'nexus-license-portal', 'nexus.json');
}

/** A positive number of seconds, or null. */
function seconds(value: string): number | null {
  const n = Number(value);
  return /^\d+(\.\d+)?$/.test(value.trim()) && Number.isFinite(n) && n > 0 ? n : null;
}

function usageOf(command: string): string {
  const spec = COMMANDS[command];
  const options = Object.entries(spec?.options ?? {})
    .map(([name, option]) => `[--${name}${option.type === 'string' ? ' <value>' : ''}]`)
    .join(' ');
  return `usage: ${PROGRAM} ${command} ${spec?.names ?? ''} ${options}`.replace(/ +/g, ' ').trim();
}

/**
 * parseArgs' own message, but never quoting a value: a secret or a password typed where it does not belong
 * must not be echoed into a terminal's scrollback or a CI log.
 */
function explain(error: unknown, command: string): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option?.startsWith('--secret')) {
    return 'login --secret takes no value: the secret is read from NEXUS_SERVER_SECRET or standard input, never from the command line.';
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option && /^--?pass(word)?\b/.test(option)) {
    return 'there is no password option: the password is read from the terminal or NEXUS_PASSWORD, never from the command line.';
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${command} has no option ${option ?? ''}.`.trim();
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${option ?? 'an option'} needs a value.`;
  return 'the command line could not be read.';
}

/** Parses `argv` (without node and the script) into a command; reads NEXUS_PORTAL_URL and NEXUS_STATE from `env`. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  // First pass, lenient: find the command word wherever global options put it.
  const first = parseArgs({
    args: [...argv],
    options: GLOBAL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const commandToken = first.tokens?.find((token) => token.kind === 'positional');
  const wantsHelp = first.values.help === true;
  if (!commandToken) {
    return wantsHelp ? helpOf(env) : { ok: false, message: `a command is missing.\n\n${USAGE}` };
  }
  const command = commandToken.value;
  const spec = COMMANDS[command];
  if (!spec) {
    return {
      ok: false,
      message: `there is no command "${command}". Run \`${PROGRAM} --help\` for the list.`,
    };
  }
  const rest = argv.filter((_, index) => index !== commandToken.index);
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...spec.options },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    return { ok: false, message: `${explain(error, command)}\n${usageOf(command)}` };
  }
  if (values.help || command === 'help') return helpOf(env);

  const [min, max] = spec.positionals;
  if (positionals.length < min) {
    return { ok: false, message: `${command} needs ${spec.names}.\n${usageOf(command)}` };
  }
  if (max >= 0 && positionals.length > max) {
    // The extra words are not quoted: after `login --secret` they may well be a secret.
    return {
      ok: false,
      message: `${command} takes ${max === 0 ? 'no arguments' : `only ${spec.names}`}${
        command === 'login'
          ? ': secrets and passwords are never read from the command line (use NEXUS_SERVER_SECRET, NEXUS_PASSWORD or standard input)'
          : ''
      }.\n${usageOf(command)}`,
    };
  }

  const url = str(values.url) ?? (env.NEXUS_PORTAL_URL || undefined);
  if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) {
    return { ok: false, message: `--url must be an http(s) URL such as ${DEFAULT_URL}.` };
  }
  const global: GlobalOptions = {
    url,
    statePath: str(values.state) ?? (env.NEXUS_STATE || defaultStatePath(env)),
    json: values.json === true,
  };
  const made = commandOf(command, positionals, values);
  return typeof made === 'string'
    ? { ok: false, message: `${made}\n${usageOf(command)}` }
    : { ok: true, command: made, global };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function helpOf(env: NodeJS.ProcessEnv): Parsed {
  return {
    ok: true,
    command: { name: 'help' },
    global: { url: undefined, statePath: env.NEXUS_STATE || defaultStatePath(env), json: false },
  };
}

/** The command, or what is wrong with its arguments. */
function commandOf(
  command: string,
  positionals: string[],
  values: Record<string, unknown>,
): Command | string {
  const [a = '', b = ''] = positionals;
  switch (command) {
    case 'login': {
      const user = str(values.user);
      const secret = values.secret === true;
      if ((user !== undefined) === secret) return 'login needs exactly one of --user <email> or --secret.';
      if (user !== undefined) {
        if (values['save-secret']) return '--save-secret goes with login --secret.';
        if (!/^[^\s@]+@[^\s@]+$/.test(user)) return '--user needs the administrator’s email.';
        return { name: 'login-user', email: user };
      }
      return { name: 'login-secret', saveSecret: values['save-secret'] === true };
    }
    case 'register':
      return a.trim() ? { name: 'register', hostName: a.trim() } : 'register needs the server’s host name.';
    case 'licenses': {
      const product = str(values.product);
      if (product !== undefined && !product.trim()) return '--product needs some text of the product name.';
      return { name: 'licenses', product: product?.trim(), validOnly: values['valid-only'] === true };
    }
    case 'acquire': {
      const ids = positionals.map((id) => id.trim()).filter(Boolean);
      if (ids.length !== positionals.length) return 'acquire needs license ids (empty ones are not).';
      return { name: 'acquire', licenseIds: [...new Set(ids)], dir: str(values.dir) ?? DEFAULT_LICENSE_DIR };
    }
    case 'import':
      return { name: 'import', file: a };
    case 'watch': {
      const every = str(values.every);
      const everySeconds = every === undefined ? DEFAULT_EVERY_SECONDS : seconds(every);
      if (everySeconds === null) return '--every needs a number of seconds greater than 0.';
      return { name: 'watch', folder: a, everySeconds };
    }
    case 'signin': {
      const client = str(values.client) ?? 'browser';
      if (client !== 'browser' && client !== 'design_client') {
        return '--client is browser or design_client.';
      }
      const heartbeat = str(values.heartbeat);
      const heartbeatSeconds = heartbeat === undefined ? undefined : seconds(heartbeat);
      if (heartbeatSeconds === null) return '--heartbeat needs a number of seconds greater than 0.';
      return { name: 'signin', userId: a, machineId: b, client, heartbeatSeconds };
    }
    case 'status':
      return { name: 'status' };
    default:
      return { name: 'help' };
  }
}
