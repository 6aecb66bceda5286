// Who `npm run nexus` is at the portal: the typed client with the administrator's token (login --user) or the
// server's own token (login --secret), renewed before it expires by the client's TokenKeeper.
import {
  createPortalClient,
  ok,
  type PortalClient,
  type PortalError,
  type Schemas,
  TokenKeeper,
} from '../../../client/index.js';
import { DEFAULT_URL, type GlobalOptions, PROGRAM } from './args.js';
import { type Io, usageError } from './output.js';
import { type NexusState, readState, tokenUsable, updateState } from './state.js';

/** Renew a token this many seconds before it expires (the TokenKeeper's margin). */
export const RENEW_MARGIN_SECONDS = 60;

/** What every command gets: the resolved portal URL, the options and the outside world. */
export interface Context {
  io: Io;
  global: GlobalOptions;
  url: string;
  /** An unauthenticated client (token routes, health). */
  anonymous: PortalClient;
  /** A client that signs every request with the token `token` gives (asked before each request). */
  clientWith(token: () => Promise<string>): PortalClient;
  /** Progress for people on stderr; quiet with --json (scripts read stdout and the exit code). */
  progress(line: string): void;
}

function normalized(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The portal to talk to: --url or NEXUS_PORTAL_URL, else the one the state file belongs to, else the default.
 * A state file of another portal is refused rather than used: its tokens must never be sent elsewhere.
 */
export function resolveUrl(global: GlobalOptions, state: NexusState): string {
  const url = normalized(global.url ?? state.url ?? DEFAULT_URL);
  const holdsSomething = state.admin || state.server || state.serverToken || state.secret;
  if (state.url && holdsSomething && normalized(state.url) !== url) {
    throw usageError(
      `the state file ${global.statePath} belongs to the portal at ${state.url}, not ${url}.`,
      `To play a server against ${url}, pass --state <another file> (or set NEXUS_STATE).`,
    );
  }
  return url;
}

/** The context of a command: resolves the URL against the state file. */
export function contextOf(io: Io, global: GlobalOptions): Context {
  const url = resolveUrl(global, readState(global.statePath));
  const base = { baseUrl: url, ...(io.fetch ? { fetch: io.fetch } : {}) };
  return {
    io,
    global,
    url,
    anonymous: createPortalClient(base),
    clientWith: (token) => createPortalClient({ ...base, token }),
    progress: (line) => {
      if (!global.json) io.err(line);
    },
  };
}

/** An ISO time `seconds` from `nowMs`. */
export function expiryOf(nowMs: number, seconds: number): string {
  return new Date(nowMs + seconds * 1000).toISOString();
}

/** The administrator's client, from the state's unexpired sign-in; else what to run first (exit 2). */
export function adminClient(ctx: Context): { client: PortalClient; email: string } {
  const { admin } = readState(ctx.global.statePath);
  if (!admin) {
    throw usageError(
      'this needs an account administrator’s sign-in.',
      `Run \`${PROGRAM} login --user <administrator email>\` first.`,
    );
  }
  if (!tokenUsable(admin, ctx.io.nowMs(), 5)) {
    throw usageError(
      `the sign-in of ${admin.email} expired at ${admin.expiresAt}.`,
      `Run \`${PROGRAM} login --user ${admin.email}\` again.`,
    );
  }
  const token = admin.accessToken;
  return { client: ctx.clientWith(async () => token), email: admin.email };
}

/** POST /v1/auth/server-token: the server token a secret is exchanged for. */
export function exchangeSecret(ctx: Context, secret: string): Promise<Schemas['ServerToken']> {
  return ok(ctx.anonymous.POST('/v1/auth/server-token', { body: { secret } }));
}

/** Keeps a fresh server token in the state file (and the server it names) after an exchange. */
export function saveServerToken(ctx: Context, issued: Schemas['ServerToken']): void {
  const expiresAt = expiryOf(ctx.io.nowMs(), issued.expiresIn);
  updateState(ctx.global.statePath, (state) => ({
    ...state,
    url: ctx.url,
    // A secret names its server: when it names another one than registered here, that server is ours now.
    server: state.server?.serverId === issued.serverId ? state.server : { serverId: issued.serverId },
    serverToken: { accessToken: issued.accessToken, expiresAt, serverId: issued.serverId },
  }));
}

/** The portal client acting for this NEXUS server, and who it is. */
export interface ServerSession {
  client: PortalClient;
  serverId: string;
  hostName: string | undefined;
  /** `server`: its own token (renewed from the secret when one is at hand); `admin`: the administrator's. */
  via: 'server' | 'admin';
}

/**
 * The client a NEXUS server uses: its own token, renewed from NEXUS_SERVER_SECRET or a saved secret before it
 * expires (a long watch or signin outlives one token); without a server token, the administrator's sign-in as
 * the seed's server does with saved administrator credentials. Otherwise what to run first (exit 2).
 */
export async function serverSession(ctx: Context): Promise<ServerSession> {
  const path = ctx.global.statePath;
  const initial = readState(path);
  const envSecret = ctx.io.env.NEXUS_SERVER_SECRET || undefined;
  if (initial.serverToken || envSecret || initial.secret) {
    let serverId = initial.serverToken?.serverId ?? '';
    const keeper = new TokenKeeper(
      async () => {
        // Another process (a watch beside a signin) may have renewed the token already.
        const state = readState(path);
        const stored = state.serverToken;
        const now = ctx.io.nowMs();
        if (stored && tokenUsable(stored, now, RENEW_MARGIN_SECONDS + 1)) {
          serverId = stored.serverId;
          const expiresIn = Math.floor((Date.parse(stored.expiresAt) - now) / 1000);
          return { accessToken: stored.accessToken, tokenType: 'Bearer', expiresIn };
        }
        const secret = envSecret ?? state.secret;
        if (!secret) {
          throw usageError(
            `the server token expired${stored ? ` at ${stored.expiresAt}` : ''} and no secret is at hand to renew it.`,
            `Run \`${PROGRAM} login --secret\` again (set NEXUS_SERVER_SECRET, or use --save-secret, so that it renews itself).`,
          );
        }
        ctx.progress('Renewing the server token ...');
        const issued = await exchangeSecret(ctx, secret);
        saveServerToken(ctx, issued);
        serverId = issued.serverId;
        return issued;
      },
      RENEW_MARGIN_SECONDS,
      ctx.io.nowMs,
    );
    await keeper.current();
    const hostName = readState(path).server?.hostName;
    return { client: ctx.clientWith(() => keeper.current()), serverId, hostName, via: 'server' };
  }
  if (initial.server && initial.admin) {
    const { client, email } = adminClient(ctx);
    ctx.progress(
      `Acting for server ${initial.server.serverId} with the sign-in of ${email} (no server token).`,
    );
    return { client, serverId: initial.server.serverId, hostName: initial.server.hostName, via: 'admin' };
  }
  throw usageError(
    'this program is not signed in as a NEXUS server yet.',
    `An administrator registers it (\`${PROGRAM} login --user <email>\`, then \`${PROGRAM} register <hostName>\`), then run \`${PROGRAM} login --secret\` with the secret register printed.`,
  );
}

/** What to do next when the portal refused a server's request. */
export function serverHint(session: ServerSession): (error: PortalError) => string | undefined {
  return (error) => {
    if (error.status === 401) {
      return session.via === 'server'
        ? `The portal no longer takes this server's token (its credential revoked or the server removed?). Ask an administrator for a new credential and run \`${PROGRAM} login --secret\`.`
        : `Run \`${PROGRAM} login --user <email>\` again.`;
    }
    if (error.code === 'server_unlicensed') {
      return `Acquire a Server license first: \`${PROGRAM} licenses --product server --valid-only\`, then \`${PROGRAM} acquire <licenseId>\`.`;
    }
    if (error.status === 404 && /^No server\b/.test(error.message)) {
      return `Server ${session.serverId} is not known to the portal (removed?): register it again.`;
    }
    return undefined;
  };
}
