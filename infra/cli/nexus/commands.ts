// The one-shot commands of `npm run nexus`: sign-ins, register, the Add Licenses window, acquire, import, status.
// Each talks to the portal only through the typed client (client/), and says what to run next.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { issueToken, ok, type PortalClient, type PortalError, type Schemas } from '../../../client/index.js';
import { PROGRAM } from './args.js';
import { CliError, EXIT, shortTime, table, usageError } from './output.js';
import {
  adminClient,
  type Context,
  exchangeSecret,
  expiryOf,
  type ServerSession,
  saveServerToken,
  serverHint,
  serverSession,
} from './portal.js';
import { readState, updateState } from './state.js';

/** What to do next after the portal refused a request; each command installs the one that fits its step. */
export type HintFor = (error: PortalError) => string | undefined;

/** An openapi-fetch call's data (or its PortalError) and the HTTP status it came with (200 vs 201 matters). */
export async function withStatus<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: Exclude<T, undefined>; status: number }> {
  let status = 0;
  const data = await ok(
    pending.then((result) => {
      status = result.response.status;
      return result;
    }),
  );
  return { data, status };
}

function print(ctx: Context, json: unknown, lines: () => string[]): void {
  if (ctx.global.json) ctx.io.out(JSON.stringify(json));
  else for (const line of lines()) ctx.io.out(line);
}

// ---- the administrator ----

/** `login --user <email>`: the administrator's token, kept in the state file for `register`. */
export async function loginUser(ctx: Context, email: string, hint: (h: HintFor) => void): Promise<void> {
  hint((error) =>
    error.status === 401
      ? 'Check the email and the password (NEXUS_PASSWORD, or type it at the prompt).'
      : error.status === 429
        ? `Too many failed sign-ins for ${email}: wait ${error.retryAfterSeconds ?? 'a few'} seconds and try again.`
        : undefined,
  );
  const password = ctx.io.env.NEXUS_PASSWORD || (await ctx.io.readSecret(`Password for ${email}: `));
  if (!password) throw usageError('no password was given.', 'Type it at the prompt, or set NEXUS_PASSWORD.');
  ctx.progress(`Signing in ${email} at ${ctx.url} ...`);
  const token = await issueToken(ctx.anonymous, email, password);
  const expiresAt = expiryOf(ctx.io.nowMs(), token.expiresIn);
  updateState(ctx.global.statePath, (state) => ({
    ...state,
    url: ctx.url,
    admin: { email, accessToken: token.accessToken, expiresAt },
  }));
  print(ctx, { email, expiresAt }, () => [
    `Signed in as ${email} until ${shortTime(expiresAt)} UTC.`,
    `Next: \`${PROGRAM} register <hostName>\` registers this NEXUS server.`,
  ]);
}

/** `register <hostName>`: registers the server, creates its first credential and prints its secret once. */
export async function register(ctx: Context, hostName: string, hint: (h: HintFor) => void): Promise<void> {
  const { client, email } = adminClient(ctx);
  hint((error) =>
    error.status === 403
      ? `${email} is not an account administrator: \`${PROGRAM} login --user <administrator email>\`.`
      : error.status === 401
        ? `Run \`${PROGRAM} login --user ${email}\` again.`
        : undefined,
  );
  ctx.progress(`Registering ${hostName} at ${ctx.url} ...`);
  const server = await ok(client.POST('/v1/servers', { body: { hostName } }));
  // Tokens and a saved secret of a server registered before belong to that one: this is a new server.
  updateState(ctx.global.statePath, ({ serverToken: _token, secret: _secret, ...state }) => ({
    ...state,
    url: ctx.url,
    server: { serverId: server.serverId, hostName: server.hostName },
  }));
  ctx.progress(`Registered as ${server.serverId}; creating its credential ...`);
  hint(
    () =>
      `The server is registered (${server.serverId}) but has no credential yet: an administrator creates one with POST /v1/servers/${server.serverId}/credentials.`,
  );
  const credential = await ok(
    client.POST('/v1/servers/{serverId}/credentials', { params: { path: { serverId: server.serverId } } }),
  );
  print(
    ctx,
    {
      serverId: server.serverId,
      hostName: server.hostName,
      credentialId: credential.credentialId,
      secret: credential.secret,
      createdAt: credential.createdAt,
    },
    () => [
      `Registered ${server.hostName} as server ${server.serverId}.`,
      `Its credential ${credential.credentialId}; the secret is shown this once (the portal keeps only a hash),`,
      'so keep it like a password in the server’s configuration:',
      '',
      `  ${credential.secret}`,
      '',
      `Next: \`${PROGRAM} login --secret\` and paste it at the prompt (or set NEXUS_SERVER_SECRET).`,
    ],
  );
}

// ---- the server ----

/** `login --secret`: exchanges the server's secret for its own token and keeps the token (and, if asked, the secret). */
export async function loginSecret(
  ctx: Context,
  saveSecret: boolean,
  hint: (h: HintFor) => void,
): Promise<void> {
  hint((error) =>
    error.status === 401
      ? 'The portal refused this secret (mistyped, or its credential revoked). An administrator creates a new one (POST /v1/servers/{serverId}/credentials).'
      : error.status === 429
        ? `Too many failed exchanges: wait ${error.retryAfterSeconds ?? 'a few'} seconds and try again.`
        : undefined,
  );
  const secret = ctx.io.env.NEXUS_SERVER_SECRET || (await ctx.io.readSecret('Server secret: '));
  if (!secret) {
    throw usageError(
      'no secret was given.',
      'Paste it at the prompt, pipe it on standard input, or set NEXUS_SERVER_SECRET.',
    );
  }
  ctx.progress(`Exchanging the server's secret at ${ctx.url} ...`);
  const before = readState(ctx.global.statePath).server?.serverId;
  const issued = await exchangeSecret(ctx, secret);
  saveServerToken(ctx, issued);
  // The secret is kept only when asked: a leaked state file then leaks a token that lives an hour, not more.
  const state = updateState(ctx.global.statePath, ({ secret: _old, ...rest }) =>
    saveSecret ? { ...rest, secret } : rest,
  );
  const expiresAt = state.serverToken?.expiresAt ?? '';
  if (before && before !== issued.serverId) {
    ctx.progress(`Note: the secret belongs to server ${issued.serverId}, not ${before}; acting for it now.`);
  }
  print(ctx, { serverId: issued.serverId, expiresAt, secretSaved: saveSecret }, () => [
    `Server ${issued.serverId} signed in with its own credential; its token is valid until ${shortTime(expiresAt)} UTC.`,
    saveSecret
      ? `The secret is saved in ${ctx.global.statePath} (mode 0600), so the token renews itself.`
      : 'Commands renew the token from NEXUS_SERVER_SECRET when it is set; otherwise run login --secret again when it expires.',
    `Next: \`${PROGRAM} licenses --valid-only\`.`,
  ]);
}

/** The client acting for this server, with the hints of a server's refusals installed. */
async function asServer(ctx: Context, hint: (h: HintFor) => void): Promise<ServerSession> {
  const session = await serverSession(ctx);
  hint(serverHint(session));
  return session;
}

const LICENSE_HEADER = [
  'LICENSE',
  'PRODUCT',
  'KIND',
  'SEATS',
  'USED',
  'VALID UNTIL (UTC)',
  'STATUS',
  'ACTIVATION CODE',
];

function licenseRows(licenses: readonly Schemas['License'][]): string[][] {
  return licenses.map((l) => [
    l.licenseId,
    l.product,
    l.kind,
    String(l.seats),
    String(l.used),
    shortTime(l.validUntil),
    l.status,
    l.activationCode,
  ]);
}

/** Every page of GET /v1/licenses with the Add Licenses window's filters. */
async function allLicenses(
  client: PortalClient,
  product: string | undefined,
  validOnly: boolean,
): Promise<Schemas['License'][]> {
  const licenses: Schemas['License'][] = [];
  let nextToken: string | undefined;
  do {
    const query = {
      limit: 100,
      ...(product ? { product } : {}),
      ...(validOnly ? { validOnly: true } : {}),
      ...(nextToken ? { nextToken } : {}),
    };
    const page = await ok(client.GET('/v1/licenses', { params: { query } }));
    licenses.push(...page.licenses);
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);
  return licenses;
}

/** `licenses [--product <text>] [--valid-only]`: the seed's Add Licenses window (Product Name, Show valid only). */
export async function licenses(
  ctx: Context,
  filter: { product: string | undefined; validOnly: boolean },
  hint: (h: HintFor) => void,
): Promise<void> {
  const session = await asServer(ctx, hint);
  const found = await allLicenses(session.client, filter.product, filter.validOnly);
  const described = [
    filter.product ? `product "${filter.product}"` : '',
    filter.validOnly ? 'valid only' : '',
  ]
    .filter(Boolean)
    .join(', ');
  print(ctx, { licenses: found }, () =>
    found.length === 0
      ? [
          `No licenses${described ? ` match (${described})` : ' in the account'}.`,
          'The back office issues licenses to the account; try without filters.',
        ]
      : [
          ...table(LICENSE_HEADER, licenseRows(found)),
          '',
          `${found.length} license${found.length === 1 ? '' : 's'}${described ? ` (${described})` : ''}. Acquire with \`${PROGRAM} acquire <licenseId...>\`.`,
        ],
  );
}

/** A file name the portal gave, used only when it cannot leave the folder it is written to. */
export function safeFileName(name: string): string | null {
  if (!name || name !== basename(name) || name.includes('\\') || name === '.' || name === '..') return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  return /[\u0000-\u001f\u007f]/.test(name) ? null : name;
}

/** Writes a file whole or not at all: a watch on the same folder must never import half a file. */
function writeWhole(path: string, text: string): void {
  const temporary = join(resolve(path, '..'), `.${basename(path)}.${process.pid}.part`);
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** `acquire <licenseId...> [--dir]`: From cloud; writes each license's .alf file under the seed's file name. */
export async function acquire(
  ctx: Context,
  licenseIds: string[],
  dir: string,
  hint: (h: HintFor) => void,
): Promise<void> {
  const session = await asServer(ctx, hint);
  ctx.progress(`Acquiring ${licenseIds.join(', ')} for server ${session.serverId} ...`);
  const { data, status } = await withStatus(
    session.client.POST('/v1/servers/{serverId}/acquisitions', {
      params: { path: { serverId: session.serverId } },
      body: { licenseIds },
    }),
  );
  const written: { licenseId: string; fileName: string; path: string }[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of data.files) {
      const fileName = safeFileName(file.fileName);
      if (!fileName)
        throw new Error(`the portal named a file "${file.fileName}" that is not a plain file name`);
      const path = join(dir, fileName);
      writeWhole(path, file.alf);
      written.push({ licenseId: file.licenseId, fileName, path });
    }
  } catch (error) {
    throw new CliError(
      EXIT.refused,
      'write_failed',
      `acquired, but the license files could not be written to ${dir}: ${(error as Error).message}.`,
      `Run the same acquire again with a writable --dir: the portal answers the files again without taking more seats.`,
    );
  }
  print(ctx, { acquired: status === 201, files: written }, () => [
    status === 201
      ? `Acquired for server ${session.serverId}:`
      : `Server ${session.serverId} held these licenses already (nothing new acquired); their files again:`,
    ...written.map((file) => `  ${file.path}`),
    `Next: \`${PROGRAM} status\`.`,
  ]);
}

/** The text of a local license file, or a usage error naming it (exit 2). */
export function readLicenseFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
}

/** POST /v1/servers/{serverId}/license-files with the file's text as it is (text/plain). */
export function importText(session: ServerSession, text: string) {
  return withStatus(
    session.client.POST('/v1/servers/{serverId}/license-files', {
      params: { path: { serverId: session.serverId } },
      body: text,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      // The file is sent byte for byte: its signature covers every byte.
      bodySerializer: (body) => body,
    }),
  );
}

/** One line for people about an imported license file. */
export function describeImport(file: string, data: Schemas['ImportedLicense'], status: number): string {
  const what = `${data.product} (${data.kind}), license ${data.licenseId}, valid until ${shortTime(data.validUntil)} UTC`;
  return status === 201 ? `Imported ${file}: ${what}.` : `Already held ${file}: ${what}.`;
}

/** `import <file.alf>`: From file. */
export async function importFile(ctx: Context, file: string, hint: (h: HintFor) => void): Promise<void> {
  const text = readLicenseFile(file);
  const session = await asServer(ctx, hint);
  ctx.progress(`Importing ${file} for server ${session.serverId} ...`);
  const { data, status } = await importText(session, text);
  print(ctx, { file, imported: status === 201, ...data }, () => [describeImport(file, data, status)]);
}

/** What a state means for the server's users (API.md "From cloud"), and what to do about it. */
export const STATE_MEANING: Record<Schemas['ServerStatus']['state'], string> = {
  unlicensed: `It never held a valid Server license: nobody may sign in. Acquire one: \`${PROGRAM} licenses --product server --valid-only\`, then \`${PROGRAM} acquire <licenseId>\`.`,
  licensed:
    'It holds a valid Server license and the account has a valid CAL: users sign in with seats of the account’s CAL pool.',
  admin_only:
    'It holds a valid Server license but the account has no valid CAL: one administrative connection at a time. Acquire a valid CAL.',
  lapsed:
    'Every Server license it held has expired: one administrative connection at a time, for backup and configuration. Renew the Server license or acquire a valid one.',
};

/** The server's status with the licenses it rests on. */
export type ServerReport = Schemas['ServerStatus'] & {
  hostName?: string;
  serverLicenses: Schemas['License'][];
  validCals: Schemas['License'][];
};

/** GET /v1/servers/{id}/status and the details of every license it names. */
export async function serverReport(session: ServerSession): Promise<ServerReport> {
  const path = { serverId: session.serverId };
  const status = await ok(session.client.GET('/v1/servers/{serverId}/status', { params: { path } }));
  const detail = (licenseId: string) =>
    ok(session.client.GET('/v1/licenses/{licenseId}', { params: { path: { licenseId } } }));
  const [serverLicenses, validCals] = await Promise.all([
    Promise.all(status.serverLicenseIds.map(detail)),
    Promise.all(status.validCalLicenseIds.map(detail)),
  ]);
  return {
    ...status,
    ...(session.hostName ? { hostName: session.hostName } : {}),
    serverLicenses,
    validCals,
  };
}

/** The report for people: the state, what it means, and the two lists of licenses. */
export function reportLines(report: ServerReport): string[] {
  const name = report.hostName ? ` (${report.hostName})` : '';
  const lines = [`Server ${report.serverId}${name}: ${report.state}`, `  ${STATE_MEANING[report.state]}`];
  const section = (title: string, list: Schemas['License'][], none: string) => {
    lines.push('', title);
    if (list.length === 0) lines.push(`  ${none}`);
    else lines.push(...table(LICENSE_HEADER, licenseRows(list)).map((line) => `  ${line}`));
  };
  section('Server licenses it holds:', report.serverLicenses, 'none');
  section('Valid CALs of the account:', report.validCals, 'none');
  return lines;
}

/** `status`: the server's state and what it rests on. */
export async function status(ctx: Context, hint: (h: HintFor) => void): Promise<void> {
  const session = await asServer(ctx, hint);
  const report = await serverReport(session);
  print(ctx, report, () => reportLines(report));
}
