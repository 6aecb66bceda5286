// The one route table: the local runtime serves it and the CDK stack deploys it, so no route exists in one only.
import type { z } from 'zod/mini';
import type { ErrorCode } from '../../domain/errors.js';
import { AUDIT_CSV_COLUMNS } from '../../domain/audit.js';
import type { RouteAccess, ServerTokenUse } from '../../domain/identity.js';
import { USAGE_COLUMNS } from '../../domain/usage.js';
import * as s from './schemas.js';

/** Who may call a route: nobody signed in, any user of an account, its administrators, or back-office operators. */
export type Access = RouteAccess;
export type BodyType = 'none' | 'json' | 'text';

/** One Lambda function serves each group; its handler module is functions/handlers/<group>.ts. */
export const GROUPS = [
  'public',
  'auth',
  'backoffice',
  'ops',
  'licenses',
  'keys',
  'activations',
  'servers',
  'sessions',
  'assignments',
  'reports',
  'credentials',
  'users',
  'audit',
] as const;
export type Group = (typeof GROUPS)[number];

/** What each group is for: the OpenAPI document's top-level tags, one per group. */
export const GROUP_DESCRIPTIONS: Record<Group, string> = {
  public: 'Liveness and this document; no token needed.',
  auth: 'Bearer tokens. The local runtime issues them itself; in AWS, Cognito issues ID tokens instead.',
  backoffice: 'Back office: operators create accounts and users and issue and renew licenses.',
  ops: 'Operations: the hourly check that expires licenses, lapses servers and reclaims seats.',
  licenses: "From cloud: the caller's account licenses.",
  keys: 'Public keys that verify the signatures of .alf files offline.',
  activations: "Activation: a license's signed .alf file for a host; takes no seat.",
  servers: 'NEXUS servers: registration, acquiring licenses From cloud or From file, and licensing state.',
  sessions: 'External PLS: seats served to users signing in to a NEXUS server, heartbeats, roaming.',
  assignments:
    'Seats of CAL and design-software licenses assigned to roles, and the license manager settings.',
  reports: 'Current and historical license usage.',
  credentials:
    "NEXUS servers' own credentials, and the short-lived server tokens a NEXUS server exchanges its secret for.",
  users:
    "Account administration: the account's users, their roles, administrator flag, disabling and deletion.",
  audit: 'The audit log: who changed what, newest first, as JSON or CSV.',
};

type Schema = z.core.$ZodType;

/** A response header the document declares; `required` ones must be on every such answer. */
export interface HeaderSpec {
  description: string;
  required: boolean;
}

/**
 * What a route answers when it succeeds: the single source of the document's success responses and of the
 * type every route implementation must return (functions/api/results.ts).
 */
export interface SuccessSpec {
  status: number;
  /** JSON body (zod/mini); what handlers return is typed by it, and the integration tests validate it. */
  schema?: Schema;
  /** A text body instead of JSON (the .alf download: text/plain). */
  contentType?: string;
  /** What the success means; a default is derived from the status when absent. */
  description?: string;
  /** Other success statuses with the same body, and when they are answered (API.md's 200 of a joining sign-in). */
  alsoStatuses?: Readonly<Record<number, string>>;
  /** Another media type answered on request, as text (the usage report's `format=csv`). */
  alternative?: { contentType: string; description: string; example: string };
  /** Response headers by lower-case name. */
  headers?: Readonly<Record<string, HeaderSpec>>;
}

/** One route of the table: how it is served, who may call it, what it takes and what it answers. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  group: Group;
  access: Access;
  /**
   * What a NEXUS server's own token may do here (domain/identity.ts ServerTokenUse); absent: a server token
   * answers 403 whatever the ids. The access matrix test and the OpenAPI document (`x-server-token`) read it.
   */
  serverToken?: ServerTokenUse;
  /** One line: what the route does. */
  summary: string;
  /** The rules a caller must know, from API.md; the operation's description in the document. */
  description?: string;
  /** Served by the local runtime only, never deployed (the local token issuer and the demo clock). */
  localOnly?: boolean;
  bodyType: BodyType;
  body?: Schema;
  /** A request body that the route accepts: the document's example (a test checks the route accepts it). */
  example?: unknown;
  query?: Schema;
  params?: Schema;
  /** Request headers the route reads, as an object schema keyed by lower-case header name. */
  headers?: Schema;
  success: SuccessSpec;
  /**
   * Error codes a caller can see besides those every route of its kind answers (functions/api/openapi.ts
   * adds invalid_request, unauthorized, forbidden, not_found, payload_too_large and unsupported_media_type
   * from the access, path, query and body of the route).
   */
  errors?: readonly ErrorCode[];
}

/** A JSON body route must carry an example of its body; the type of the example is the body's input type. */
type ExampleOf<T> = T extends { bodyType: 'json'; body: infer B extends Schema }
  ? { example: z.input<B> }
  : T extends { bodyType: 'text' }
    ? { example: string }
    : unknown;

function route<const T extends RouteSpec>(spec: T & ExampleOf<T>): T {
  return spec;
}

/** A shortened but well-formed .alf file: the document's example of an import body. */
const ALF_EXAMPLE = [
  'Account: acc_7k2m4q8r3t5v6w9x1y2z',
  'License: lic_3h5j7k9m2n4p6q8r1s3t',
  'Activation-Code: NX-7KQ2-M4RT-9XVW-3HZD',
  'Product: Altium NEXUS Server',
  'Kind: server',
  'Seats: 1',
  'Valid-From: 2026-01-01T00:00:00.000Z',
  'Valid-Until: 2027-01-01T00:00:00.000Z',
  'Host-Id: srv_5b7d9f2h4j6k8m1n3p5q',
  'Host-Name: nexus-01.example.com',
  'Issued-At: 2026-01-15T09:30:00.000Z',
  'Key-Id: lk-4Zq8dXr2',
  'Signature: lk-4Zq8dXr2:3q2-7wQ1b5Hk9Yt0aJmXcV8sN4pR6uE2gL7fD1iK0oZ5yB3nW9hT6vC4xA8jS2eU1rM0qP7lG5kF3dI9uY6tO4wQ',
  '',
].join('\n');

const AUDIT_DESCRIPTION =
  'Every change of the kinds the contract lists, by a caller or by the hourly check, is in the log once it has answered; records are kept 400 days. `from` (inclusive) and `to` (exclusive) bound `at`; `action` keeps one action. Paged (`limit`, `nextToken`); `format=csv` answers the same page as CSV with `details` as JSON.';

/** The audit list's answers: JSON, or the same page as CSV. */
const AUDIT_SUCCESS = {
  status: 200,
  schema: s.auditListResponse,
  alternative: {
    contentType: 'text/csv',
    description: 'With `format=csv`: a header row of the columns, then one line per event of the page.',
    example: `${AUDIT_CSV_COLUMNS.join(',')}\r\nevt_3h5j7k9m2n4p6q8r1s3t,2026-01-05T09:00:00.000Z,user,usr_2d4f6h8j1k3m5n7p9q2r,user.updated,usr_8w2y4a6c8e1g3i5k7m9o,"{""email"":""dana@acme.example"",""changes"":{""admin"":{""from"":false,""to"":true}}}"\r\n`,
  },
  headers: {
    'content-disposition': {
      description: 'With `format=csv`: `attachment; filename="audit.csv"`.',
      required: false,
    },
    'x-next-token': {
      description: 'With `format=csv`, when there is a next page: its nextToken.',
      required: false,
    },
  },
} as const satisfies SuccessSpec;

export const routes = {
  health: route({
    method: 'GET',
    path: '/health',
    group: 'public',
    access: 'public',
    summary: 'Liveness check',
    description: 'Answers `{"status":"ok"}` while the portal serves requests.',
    bodyType: 'none',
    success: { status: 200, schema: s.healthResponse },
  }),
  openapi: route({
    method: 'GET',
    path: '/openapi.json',
    group: 'public',
    access: 'public',
    summary: 'This OpenAPI 3.1 document',
    description:
      'The document generated from the route table; the local runtime includes its local-only routes, a deployment leaves them out.',
    bodyType: 'none',
    success: { status: 200, schema: s.openApiDocumentResponse },
  }),
  issueToken: route({
    method: 'POST',
    path: '/v1/auth/token',
    group: 'auth',
    access: 'public',
    localOnly: true,
    summary: 'Issue a bearer token for a user (email) or the built-in operator; local runtime only',
    description:
      "The username is the user's email, or `operator` for the built-in operator. A wrong password, an unknown username or a disabled user answer 401. After 10 failed attempts for one username within 15 minutes, every attempt for it answers 429 `rate_limited` until the window has passed. Not deployed: in AWS, Cognito issues ID tokens.",
    bodyType: 'json',
    body: s.tokenRequest,
    example: { username: 'admin@demo.example', password: 'demo-admin-pass' },
    success: { status: 200, schema: s.tokenResponse },
    errors: ['unauthorized', 'rate_limited'],
  }),
  issueServerToken: route({
    method: 'POST',
    path: '/v1/auth/server-token',
    group: 'credentials',
    access: 'public',
    summary: "Exchange a NEXUS server's credential secret for a short-lived server token",
    description:
      "No token needed; deployed in AWS too. The token acts for the credential's server only (listing, license detail, its status, acquisitions, license files, its users' sign-ins, heartbeats, sign-outs and roaming) and answers 401 from the request after its credential is revoked or its server deleted. A wrong, garbled or revoked secret answers 401. Failed exchanges are counted per credential (10 within 15 minutes) and per source address (50 within 15 minutes); past either, every exchange answers 429 `rate_limited` until the window has passed.",
    bodyType: 'json',
    body: s.serverTokenRequest,
    example: { secret: 'crd_7k2m4q8r3t5v6w9x1y2z.q3XoN9bq1y7dT2mVf5gKc8jR0wLh4sPz6uEa1iYb3nQ' },
    success: { status: 200, schema: s.serverTokenResponse },
    errors: ['unauthorized', 'rate_limited'],
  }),
  createAccount: route({
    method: 'POST',
    path: '/v1/accounts',
    group: 'backoffice',
    access: 'operator',
    summary: 'Create a customer account',
    bodyType: 'json',
    body: s.createAccountRequest,
    example: { name: 'Acme Electronics' },
    success: { status: 201, schema: s.accountResponse },
  }),
  createUser: route({
    method: 'POST',
    path: '/v1/accounts/{accountId}/users',
    group: 'backoffice',
    access: 'operator',
    summary: 'Create a user of an account',
    description:
      'Every user is also in the built-in role `All Users`. An email taken in any account answers 409 `email_taken`; a password under 12 characters 400; an unknown account 404. The same path as `POST /v1/users`, audited as `user.created` by the operator.',
    bodyType: 'json',
    body: s.createUserRequest,
    example: {
      email: 'dana@acme.example',
      password: 'correct-horse-battery',
      roles: ['Designers'],
      admin: false,
    },
    params: s.accountParams,
    success: { status: 201, schema: s.userResponse },
    errors: ['email_taken', 'busy'],
  }),
  listAccountUsers: route({
    method: 'GET',
    path: '/v1/accounts/{accountId}/users',
    group: 'users',
    access: 'operator',
    summary: "An account's users, as its administrators see them",
    description:
      'The same list as `GET /v1/users`: paged (`limit`, `nextToken`), `email` keeps users whose email contains it. An unknown account answers 404.',
    bodyType: 'none',
    params: s.accountParams,
    query: s.userListQuery,
    success: { status: 200, schema: s.userListResponse },
  }),
  issueLicense: route({
    method: 'POST',
    path: '/v1/accounts/{accountId}/licenses',
    group: 'backoffice',
    access: 'operator',
    summary: 'Issue a Server, CAL or design-software license to an account',
    description:
      "`termMonths` defaults to 12 and counts calendar months, clamped to the month's end; `validFrom` defaults to now and may be in the past. A new CAL gets an `All Users` assignment of all its seats unless the account's `autoAssignAllUsers` is false.",
    bodyType: 'json',
    body: s.issueLicenseRequest,
    example: {
      product: 'Altium NEXUS Server CAL',
      seats: 25,
      validFrom: '2026-01-01T00:00:00Z',
      termMonths: 12,
    },
    params: s.accountParams,
    success: { status: 201, schema: s.licenseResponse },
  }),
  renewLicense: route({
    method: 'POST',
    path: '/v1/accounts/{accountId}/licenses/{licenseId}/renewals',
    group: 'backoffice',
    access: 'operator',
    summary: 'Extend a license by termMonths from its end, or from now if it has passed',
    description:
      'The same license (same id, activation code and assignments) becomes valid `termMonths` (default 12) longer.',
    bodyType: 'json',
    body: s.renewLicenseRequest,
    example: { termMonths: 12 },
    params: s.accountLicenseParams,
    success: { status: 200, schema: s.licenseResponse },
    errors: ['busy'],
  }),
  hourlyCheck: route({
    method: 'POST',
    path: '/v1/ops/hourly-check',
    group: 'ops',
    access: 'operator',
    summary: 'Run the hourly check now (what EventBridge runs every hour)',
    description:
      'Answers the changes THIS run made. `now` runs it as of that time (honoured by the local runtime only); a `now` earlier than the latest run\'s answers 400. One run works at a time: another answers 503 `busy`. A run that reaches its time budget answers `"complete": false`; the next run finishes the rest.',
    bodyType: 'json',
    body: s.hourlyCheckRequest,
    example: { now: '2026-02-01T10:00:00Z' },
    success: { status: 200, schema: s.hourlyCheckResponse },
    errors: ['busy'],
  }),
  listLicenses: route({
    method: 'GET',
    path: '/v1/licenses',
    group: 'licenses',
    access: 'user',
    serverToken: 'account',
    summary: "List the caller's account licenses (From cloud)",
    description: "Only the caller's account. Paged: `limit` and `nextToken`.",
    bodyType: 'none',
    query: s.licenseListQuery,
    success: { status: 200, schema: s.licenseListResponse },
  }),
  getLicense: route({
    method: 'GET',
    path: '/v1/licenses/{licenseId}',
    group: 'licenses',
    access: 'user',
    serverToken: 'account',
    summary: 'One license of the caller account',
    description: 'A license of another account answers 404, exactly as one that does not exist.',
    bodyType: 'none',
    params: s.licenseParams,
    success: { status: 200, schema: s.licenseResponse },
  }),
  listKeys: route({
    method: 'GET',
    path: '/v1/keys',
    group: 'keys',
    access: 'public',
    summary: 'Public keys (JWK set) that verify .alf signatures',
    description: 'Retired keys stay listed while files signed with them are valid.',
    bodyType: 'none',
    success: { status: 200, schema: s.keysResponse },
  }),
  activateLicense: route({
    method: 'POST',
    path: '/v1/licenses/{licenseId}/activations',
    group: 'activations',
    access: 'admin',
    summary: 'Activate a license and get its signed .alf file (takes no seat)',
    description:
      'An expired license answers 409 `license_expired`. Send an `idempotency-key` header to make a retry safe: it returns the same activation and the byte-identical file.',
    bodyType: 'json',
    body: s.activateRequest,
    example: { hostId: 'HOST-3F9A-77C1', hostName: 'nexus-01.example.com' },
    params: s.licenseParams,
    headers: s.activationHeaders,
    success: { status: 201, schema: s.activationResponse },
    errors: ['license_expired', 'idempotency_key_reused', 'rate_limited'],
  }),
  downloadAlf: route({
    method: 'GET',
    path: '/v1/activations/{activationId}/alf',
    group: 'activations',
    access: 'admin',
    summary: 'Download the .alf file of an activation',
    description: 'The file as text; verifying it needs only the file and the public keys of `GET /v1/keys`.',
    bodyType: 'none',
    params: s.activationParams,
    success: {
      status: 200,
      contentType: 'text/plain',
      description: 'The signed .alf file.',
      headers: {
        'content-disposition': {
          description:
            '`attachment; filename="<fileName>"`, e.g. `Altium Nexus Server License NX-7KQ2-M4RT-9XVW-3HZD R10 Primary.alf`.',
          required: true,
        },
      },
    },
  }),
  registerServer: route({
    method: 'POST',
    path: '/v1/servers',
    group: 'servers',
    access: 'admin',
    summary: 'Register a NEXUS server',
    bodyType: 'json',
    body: s.registerServerRequest,
    example: { hostName: 'nexus-01.example.com' },
    success: { status: 201, schema: s.serverResponse },
  }),
  listServers: route({
    method: 'GET',
    path: '/v1/servers',
    group: 'servers',
    access: 'admin',
    summary: "The account's NEXUS servers with their licensing state",
    description:
      'In server id order; a server being deleted is not listed. `state` is that of `GET /v1/servers/{serverId}/status`. Paged: `limit` and `nextToken`.',
    bodyType: 'none',
    query: s.pageQuery,
    success: { status: 200, schema: s.serverListResponse },
  }),
  deleteServer: route({
    method: 'DELETE',
    path: '/v1/servers/{serverId}',
    group: 'servers',
    access: 'admin',
    summary: 'Remove a server: ends its sessions and frees its System seats',
    description:
      'When it has answered, no session of that server holds a seat, sign-ins that raced with it included.',
    bodyType: 'none',
    params: s.serverParams,
    success: { status: 204 },
    errors: ['busy'],
  }),
  acquireLicenses: route({
    method: 'POST',
    path: '/v1/servers/{serverId}/acquisitions',
    group: 'servers',
    access: 'admin',
    serverToken: 'ownServer',
    summary: 'Acquire licenses for a server (From cloud); a Server license takes one System seat',
    description:
      'All or nothing: a Server license with no free seat answers 409 `seats_exhausted`, an expired one 409 `license_expired`, and nothing of the request is acquired. Acquiring a license the server holds again takes nothing. CAL and client seats are taken by sessions, never by acquisition.',
    bodyType: 'json',
    body: s.acquireRequest,
    example: { licenseIds: ['lic_3h5j7k9m2n4p6q8r1s3t', 'lic_8w2y4a6c8e1g3i5k7m9o'] },
    params: s.serverParams,
    success: {
      status: 201,
      schema: s.acquireResponse,
      description: 'At least one license was newly acquired; the files of all the listed licenses.',
      alsoStatuses: {
        200: 'Nothing new was acquired (the server held every license already); the files again.',
      },
    },
    errors: ['seats_exhausted', 'license_expired', 'busy'],
  }),
  serverStatus: route({
    method: 'GET',
    path: '/v1/servers/{serverId}/status',
    group: 'servers',
    access: 'admin',
    serverToken: 'ownServer',
    summary: 'Licensing state of a server',
    bodyType: 'none',
    params: s.serverParams,
    success: { status: 200, schema: s.serverStatusResponse },
  }),
  importLicenseFile: route({
    method: 'POST',
    path: '/v1/servers/{serverId}/license-files',
    group: 'servers',
    access: 'admin',
    serverToken: 'ownServer',
    summary: 'Import a .alf file for a server (From file)',
    description:
      "The body is the .alf text. Importing acquires the license for the server exactly as an acquisition does; the host in the file is informational. A file with any byte changed, an unknown key, another account's file, or garbage answers 400 `invalid_license_file`, and nothing is imported.",
    bodyType: 'text',
    example: ALF_EXAMPLE,
    params: s.serverParams,
    success: {
      status: 201,
      schema: s.importResponse,
      description: 'The license was acquired for the server.',
      alsoStatuses: { 200: 'The server held this license already (a repeated import): nothing changed.' },
    },
    errors: ['invalid_license_file', 'seats_exhausted', 'license_expired', 'busy'],
  }),
  createCredential: route({
    method: 'POST',
    path: '/v1/servers/{serverId}/credentials',
    group: 'credentials',
    access: 'admin',
    summary: 'Create a credential for a NEXUS server: its own revocable secret, shown this once',
    description:
      "The NEXUS server keeps `secret` in its configuration instead of a person's password and exchanges it for a server token with `POST /v1/auth/server-token`. The portal stores only a hash of it: it cannot be shown again.",
    bodyType: 'none',
    params: s.serverParams,
    success: { status: 201, schema: s.newCredentialResponse },
  }),
  listCredentials: route({
    method: 'GET',
    path: '/v1/servers/{serverId}/credentials',
    group: 'credentials',
    access: 'admin',
    summary: "A server's credentials that are not revoked (never their secrets)",
    description:
      '`lastUsedAt` is when the secret was last exchanged for a token (null: never). Oldest first. Paged: `limit` and `nextToken`.',
    bodyType: 'none',
    params: s.serverParams,
    query: s.pageQuery,
    success: { status: 200, schema: s.credentialListResponse },
  }),
  revokeCredential: route({
    method: 'DELETE',
    path: '/v1/servers/{serverId}/credentials/{credentialId}',
    group: 'credentials',
    access: 'admin',
    summary: 'Revoke a credential: its secret and every token issued from it answer 401 from now on',
    description: 'A credential already revoked answers 404.',
    bodyType: 'none',
    params: s.credentialParams,
    success: { status: 204 },
  }),
  signIn: route({
    method: 'POST',
    path: '/v1/servers/{serverId}/sessions',
    group: 'sessions',
    access: 'admin',
    serverToken: 'ownServer',
    summary: 'Serve a seat to a user signing in to a NEXUS server (External PLS)',
    description:
      "`product` defaults to the product of `licenseId`, else `Altium NEXUS Server CAL`. Order of checks: 404 (server, user, license), 403 `user_disabled`, 403 `server_unlicensed`, then the seat rules: 409 `seats_exhausted` when no seat is free for any of the user's roles. In `admin_only` or `lapsed` the server admits one live session at a time, of an administrator. An expired session never keeps anyone out.",
    bodyType: 'json',
    body: s.signInRequest,
    example: { userId: 'usr_2d4f6h8j1k3m5n7p9q2r', machineId: 'PC-ENG-042', client: 'browser' },
    params: s.serverParams,
    success: {
      status: 201,
      schema: s.sessionResponse,
      description: 'A seat was taken: a new session.',
      alsoStatuses: {
        200: 'The user already held a live session of that product from that machine (the browser and the design client share one seat): the SAME session, refreshed as a heartbeat does.',
      },
    },
    errors: ['seats_exhausted', 'server_unlicensed', 'user_disabled', 'busy'],
  }),
  heartbeat: route({
    method: 'POST',
    path: '/v1/sessions/{sessionId}/heartbeat',
    group: 'sessions',
    access: 'admin',
    serverToken: 'ownSessions',
    summary: 'Keep a session alive',
    description:
      "`expiresAt` becomes now + the account's session timeout, capped at the license's `validUntil`. An expired live session is revived; an ended one answers 404. No body is needed (an empty JSON object is accepted and ignored).",
    bodyType: 'none',
    params: s.sessionParams,
    success: { status: 200, schema: s.heartbeatResponse },
    errors: ['busy'],
  }),
  endSession: route({
    method: 'DELETE',
    path: '/v1/sessions/{sessionId}',
    group: 'sessions',
    access: 'admin',
    serverToken: 'ownSessions',
    summary: 'Sign out, or Kill Session: frees the seat at once',
    description: 'An ended session answers 404.',
    bodyType: 'none',
    params: s.sessionParams,
    success: { status: 204 },
    errors: ['busy'],
  }),
  startRoaming: route({
    method: 'POST',
    path: '/v1/sessions/{sessionId}/roaming',
    group: 'sessions',
    access: 'admin',
    serverToken: 'ownSessions',
    summary: 'Hold a design-software seat without heartbeats for some days',
    description:
      "`roamingUntil` = now + `days` (1-30), capped at the license's `validUntil`. Only a design-software session whose assignment has `allowRoaming` may roam; otherwise 409 `roaming_not_allowed`.",
    bodyType: 'json',
    body: s.roamingRequest,
    example: { days: 7 },
    params: s.sessionParams,
    success: { status: 200, schema: s.roamingResponse },
    errors: ['roaming_not_allowed', 'busy'],
  }),
  endRoaming: route({
    method: 'DELETE',
    path: '/v1/sessions/{sessionId}/roaming',
    group: 'sessions',
    access: 'admin',
    serverToken: 'ownSessions',
    summary: 'Return a roaming seat early',
    bodyType: 'none',
    params: s.sessionParams,
    success: { status: 204 },
    errors: ['busy'],
  }),
  listLicenseSessions: route({
    method: 'GET',
    path: '/v1/licenses/{licenseId}/sessions',
    group: 'sessions',
    access: 'admin',
    summary: 'Who holds seats of a license now',
    description:
      "Paged: `limit` and `nextToken`. The live sessions holding this license's seats; a server's administrative connection holds no seat, so it is not listed here even when its `licenseId` names this license (GET /v1/sessions lists it).",
    bodyType: 'none',
    params: s.licenseParams,
    query: s.pageQuery,
    success: { status: 200, schema: s.sessionListResponse },
  }),
  listSessions: route({
    method: 'GET',
    path: '/v1/sessions',
    group: 'sessions',
    access: 'admin',
    summary: "The account's live sessions, newest first (the Sessions page)",
    description:
      "Rows as those of a license's sessions plus `licenseId` and `product`; the administrative connection of a server is listed too. `serverId`, `userId` and `licenseId` keep only the sessions they name. Paged: `limit` and `nextToken`; a page may hold fewer rows than `limit` while `nextToken` is not null.",
    bodyType: 'none',
    query: s.sessionListQuery,
    success: { status: 200, schema: s.accountSessionListResponse },
  }),
  listAssignments: route({
    method: 'GET',
    path: '/v1/licenses/{licenseId}/assignments',
    group: 'assignments',
    access: 'admin',
    summary: 'Role assignments of a CAL or design-software license',
    description: 'Paged: `limit` and `nextToken`.',
    bodyType: 'none',
    params: s.licenseParams,
    query: s.pageQuery,
    success: { status: 200, schema: s.assignmentListResponse },
  }),
  createAssignment: route({
    method: 'POST',
    path: '/v1/licenses/{licenseId}/assignments',
    group: 'assignments',
    access: 'admin',
    summary: 'Assign seats of a license to a role',
    description:
      'A number is a cap, not a reservation. The numbers of one license\'s assignments never add up to more than its seats (409 `seats_overcommitted`); `"all"` means any seat still free and is left out of that sum.',
    bodyType: 'json',
    body: s.assignmentRequest,
    example: { role: 'Designers', seats: 10, automaticLeasing: true, allowRoaming: false },
    params: s.licenseParams,
    success: { status: 201, schema: s.assignmentResponse },
    errors: ['seats_overcommitted', 'busy'],
  }),
  replaceAssignment: route({
    method: 'PUT',
    path: '/v1/licenses/{licenseId}/assignments/{assignmentId}',
    group: 'assignments',
    access: 'admin',
    summary: 'Replace an assignment',
    description:
      'Lowering a cap below its use ends no session: new sign-ins through it wait until use is under the cap.',
    bodyType: 'json',
    body: s.assignmentRequest,
    example: { role: 'Designers', seats: 'all', automaticLeasing: true, allowRoaming: true },
    params: s.assignmentParams,
    success: { status: 200, schema: s.assignmentResponse },
    errors: ['seats_overcommitted', 'busy'],
  }),
  deleteAssignment: route({
    method: 'DELETE',
    path: '/v1/licenses/{licenseId}/assignments/{assignmentId}',
    group: 'assignments',
    access: 'admin',
    summary: 'Delete an assignment (ends no session)',
    bodyType: 'none',
    params: s.assignmentParams,
    success: { status: 204 },
    errors: ['busy'],
  }),
  getSettings: route({
    method: 'GET',
    path: '/v1/settings/license-manager',
    group: 'assignments',
    access: 'admin',
    summary: 'License manager settings of the account',
    bodyType: 'none',
    success: { status: 200, schema: s.settingsResponse },
  }),
  putSettings: route({
    method: 'PUT',
    path: '/v1/settings/license-manager',
    group: 'assignments',
    access: 'admin',
    summary: 'Change the license manager settings (either field or both)',
    bodyType: 'json',
    body: s.settingsRequest,
    example: { autoAssignAllUsers: false, sessionTimeoutMinutes: 10 },
    description:
      'A field left out keeps its value. Only a change is written and logged (`settings.updated` with the changed fields); a PUT that changes nothing answers the settings as they are. Two PUTs at once both land.',
    success: { status: 200, schema: s.settingsResponse },
    errors: ['busy'],
  }),
  listRoles: route({
    method: 'GET',
    path: '/v1/roles',
    group: 'assignments',
    access: 'admin',
    summary: 'Seat availability and use per role',
    description: "Summed over the role's assignments of licenses valid now.",
    bodyType: 'none',
    success: { status: 200, schema: s.rolesResponse },
  }),
  usageReport: route({
    method: 'GET',
    path: '/v1/reports/usage',
    group: 'reports',
    access: 'admin',
    summary: 'Current and historical license usage, JSON or CSV',
    description:
      'One row per CAL and design-software license of the account (or the one `licenseId`) per bucket, zeros included; not paged. `interval=hour` allows a range up to 31 days, `day` up to 366; otherwise 400.',
    bodyType: 'none',
    query: s.usageQuery,
    errors: ['not_found'],
    success: {
      status: 200,
      schema: s.usageResponse,
      alternative: {
        contentType: 'text/csv',
        description: 'With `format=csv`: a header row of the row names, then one line per row.',
        example: `${USAGE_COLUMNS.join(',')}\r\n2026-01-05T09:00:00.000Z,lic_3h5j7k9m2n4p6q8r1s3t,4,6,1,3.25\r\n`,
      },
      headers: {
        'content-disposition': {
          description: 'With `format=csv`: `attachment; filename="usage.csv"`.',
          required: false,
        },
      },
    },
  }),
  listUsers: route({
    method: 'GET',
    path: '/v1/users',
    group: 'users',
    access: 'admin',
    summary: "The account's users",
    description:
      'Paged (`limit`, `nextToken`), in a stable order; `email` keeps users whose email contains it, in any case.',
    bodyType: 'none',
    query: s.userListQuery,
    success: { status: 200, schema: s.userListResponse },
  }),
  addUser: route({
    method: 'POST',
    path: '/v1/users',
    group: 'users',
    access: 'admin',
    summary: 'Create a user of the account',
    description:
      'Every user is also in the built-in role `All Users`; `admin` defaults to false. An email taken in any account answers 409 `email_taken`; a password under 12 characters 400. The password is never shown again.',
    bodyType: 'json',
    body: s.addUserRequest,
    example: {
      email: 'dana@acme.example',
      password: 'correct-horse-battery',
      name: 'Dana Reyes',
      roles: ['Designers'],
      admin: false,
    },
    success: { status: 201, schema: s.userResponse },
    errors: ['email_taken', 'busy'],
  }),
  getUser: route({
    method: 'GET',
    path: '/v1/users/{userId}',
    group: 'users',
    access: 'admin',
    summary: 'One user of the account',
    description: "A deleted user, or another account's, answers 404.",
    bodyType: 'none',
    params: s.userParams,
    success: { status: 200, schema: s.userResponse },
  }),
  updateUser: route({
    method: 'PATCH',
    path: '/v1/users/{userId}',
    group: 'users',
    access: 'admin',
    summary: "Change a user's name, roles, administrator flag or disabled flag",
    description:
      "Only the named fields change. Disabling ends all the user's sessions at once (their seats are free when it answers) and the user's tokens answer 401 from the next request; a role change applies to later sign-ins (seats already held stay). Removing `admin` from, or disabling, the account's last enabled administrator answers 409 `last_admin`, also when two such changes race.",
    bodyType: 'json',
    body: s.updateUserRequest,
    example: { roles: ['Designers', 'Librarians'], disabled: true },
    params: s.userParams,
    success: { status: 200, schema: s.userResponse },
    errors: ['last_admin', 'busy'],
  }),
  deleteUser: route({
    method: 'DELETE',
    path: '/v1/users/{userId}',
    group: 'users',
    access: 'admin',
    summary: 'Delete a user: ends its sessions; its id answers 404 from then on',
    description:
      "All the user's sessions end (their seats are free when it answers), its tokens answer 401 and its id 404 everywhere; its email may be used for a new user. The account's last enabled administrator answers 409 `last_admin`.",
    bodyType: 'none',
    params: s.userParams,
    success: { status: 204 },
    errors: ['last_admin', 'busy'],
  }),
  listAudit: route({
    method: 'GET',
    path: '/v1/audit',
    group: 'audit',
    access: 'admin',
    summary: "The account's audit log, newest first, as JSON or CSV",
    description: AUDIT_DESCRIPTION,
    bodyType: 'none',
    query: s.auditQuery,
    success: AUDIT_SUCCESS,
  }),
  listAccountAudit: route({
    method: 'GET',
    path: '/v1/accounts/{accountId}/audit',
    group: 'audit',
    access: 'operator',
    summary: "An account's audit log (back office), newest first, as JSON or CSV",
    description: `${AUDIT_DESCRIPTION} An unknown account answers 404.`,
    bodyType: 'none',
    params: s.accountParams,
    query: s.auditQuery,
    success: AUDIT_SUCCESS,
  }),
} as const satisfies Record<string, RouteSpec>;

export type RouteId = keyof typeof routes;
export type Routes = typeof routes;
export type RouteIdsOf<G extends Group> = {
  [K in RouteId]: Routes[K]['group'] extends G ? K : never;
}[RouteId];

export const routeList: ReadonlyArray<RouteSpec & { id: RouteId }> = (Object.keys(routes) as RouteId[]).map(
  (routeId) => ({ ...(routes[routeId] as RouteSpec), id: routeId }),
);

/** API Gateway's routeKey of a route, e.g. "GET /v1/licenses/{licenseId}". */
export function routeKeyOf(spec: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${spec.method} ${spec.path}`;
}
