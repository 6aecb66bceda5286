// The one route table: the local runtime serves it and the CDK stack deploys it, so no route exists in one only.
import type { z } from 'zod/mini';
import type { ErrorCode } from '../../domain/errors.js';
import type { RouteAccess } from '../../domain/identity.js';
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
] as const;
export type Group = (typeof GROUPS)[number];

type Schema = z.core.$ZodType;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  group: Group;
  access: Access;
  summary: string;
  /** Served by the local runtime only, never deployed (the local token issuer and the demo clock). */
  localOnly?: boolean;
  bodyType: BodyType;
  body?: Schema;
  query?: Schema;
  params?: Schema;
  /** Success status and body schema, for the OpenAPI document. */
  success: { status: number; schema?: Schema; contentType?: string };
  /** Error codes a caller can see besides the conventions' invalid_request/unauthorized/forbidden. */
  errors?: readonly ErrorCode[];
}

function route<const T extends RouteSpec>(spec: T): T {
  return spec;
}

export const routes = {
  health: route({
    method: 'GET',
    path: '/health',
    group: 'public',
    access: 'public',
    summary: 'Liveness check',
    bodyType: 'none',
    success: { status: 200, schema: s.healthResponse },
  }),
  openapi: route({
    method: 'GET',
    path: '/openapi.json',
    group: 'public',
    access: 'public',
    summary: 'This OpenAPI 3.1 document',
    bodyType: 'none',
    success: { status: 200 },
  }),
  issueToken: route({
    method: 'POST',
    path: '/v1/auth/token',
    group: 'auth',
    access: 'public',
    localOnly: true,
    summary: 'Issue a bearer token for a user (email) or the built-in operator; local runtime only',
    bodyType: 'json',
    body: s.tokenRequest,
    success: { status: 200, schema: s.tokenResponse },
  }),
  createAccount: route({
    method: 'POST',
    path: '/v1/accounts',
    group: 'backoffice',
    access: 'operator',
    summary: 'Create a customer account',
    bodyType: 'json',
    body: s.createAccountRequest,
    success: { status: 201, schema: s.accountResponse },
  }),
  createUser: route({
    method: 'POST',
    path: '/v1/accounts/{accountId}/users',
    group: 'backoffice',
    access: 'operator',
    summary: 'Create a user of an account',
    bodyType: 'json',
    body: s.createUserRequest,
    params: s.accountParams,
    success: { status: 201, schema: s.userResponse },
    errors: ['not_found', 'email_taken'],
  }),
  issueLicense: route({
    method: 'POST',
    path: '/v1/accounts/{accountId}/licenses',
    group: 'backoffice',
    access: 'operator',
    summary: 'Issue a Server, CAL or design-software license to an account',
    bodyType: 'json',
    body: s.issueLicenseRequest,
    params: s.accountParams,
    success: { status: 201, schema: s.licenseResponse },
    errors: ['not_found'],
  }),
  renewLicense: route({
    method: 'POST',
    path: '/v1/accounts/{accountId}/licenses/{licenseId}/renewals',
    group: 'backoffice',
    access: 'operator',
    summary: 'Extend a license by termMonths from its end, or from now if it has passed',
    bodyType: 'json',
    body: s.renewLicenseRequest,
    params: s.accountLicenseParams,
    success: { status: 200, schema: s.licenseResponse },
    errors: ['not_found'],
  }),
  hourlyCheck: route({
    method: 'POST',
    path: '/v1/ops/hourly-check',
    group: 'ops',
    access: 'operator',
    summary: 'Run the hourly check now (what EventBridge runs every hour)',
    bodyType: 'json',
    body: s.hourlyCheckRequest,
    success: { status: 200, schema: s.hourlyCheckResponse },
  }),
  listLicenses: route({
    method: 'GET',
    path: '/v1/licenses',
    group: 'licenses',
    access: 'user',
    summary: "List the caller's account licenses (From cloud)",
    bodyType: 'none',
    query: s.licenseListQuery,
    success: { status: 200, schema: s.licenseListResponse },
  }),
  getLicense: route({
    method: 'GET',
    path: '/v1/licenses/{licenseId}',
    group: 'licenses',
    access: 'user',
    summary: 'One license of the caller account',
    bodyType: 'none',
    params: s.licenseParams,
    success: { status: 200, schema: s.licenseResponse },
    errors: ['not_found'],
  }),
  listKeys: route({
    method: 'GET',
    path: '/v1/keys',
    group: 'keys',
    access: 'public',
    summary: 'Public keys (JWK set) that verify .alf signatures',
    bodyType: 'none',
    success: { status: 200, schema: s.keysResponse },
  }),
  activateLicense: route({
    method: 'POST',
    path: '/v1/licenses/{licenseId}/activations',
    group: 'activations',
    access: 'admin',
    summary: 'Activate a license and get its signed .alf file (takes no seat)',
    bodyType: 'json',
    body: s.activateRequest,
    params: s.licenseParams,
    success: { status: 201, schema: s.activationResponse },
    errors: ['not_found', 'license_expired', 'idempotency_key_reused'],
  }),
  downloadAlf: route({
    method: 'GET',
    path: '/v1/activations/{activationId}/alf',
    group: 'activations',
    access: 'admin',
    summary: 'Download the .alf file of an activation',
    bodyType: 'none',
    params: s.activationParams,
    success: { status: 200, contentType: 'text/plain' },
    errors: ['not_found'],
  }),
  registerServer: route({
    method: 'POST',
    path: '/v1/servers',
    group: 'servers',
    access: 'admin',
    summary: 'Register a NEXUS server',
    bodyType: 'json',
    body: s.registerServerRequest,
    success: { status: 201, schema: s.serverResponse },
  }),
  deleteServer: route({
    method: 'DELETE',
    path: '/v1/servers/{serverId}',
    group: 'servers',
    access: 'admin',
    summary: 'Remove a server: ends its sessions and frees its System seats',
    bodyType: 'none',
    params: s.serverParams,
    success: { status: 204 },
    errors: ['not_found'],
  }),
  acquireLicenses: route({
    method: 'POST',
    path: '/v1/servers/{serverId}/acquisitions',
    group: 'servers',
    access: 'admin',
    summary: 'Acquire licenses for a server (From cloud); a Server license takes one System seat',
    bodyType: 'json',
    body: s.acquireRequest,
    params: s.serverParams,
    success: { status: 201, schema: s.acquireResponse },
    errors: ['not_found', 'seats_exhausted', 'license_expired'],
  }),
  serverStatus: route({
    method: 'GET',
    path: '/v1/servers/{serverId}/status',
    group: 'servers',
    access: 'admin',
    summary: 'Licensing state of a server',
    bodyType: 'none',
    params: s.serverParams,
    success: { status: 200, schema: s.serverStatusResponse },
    errors: ['not_found'],
  }),
  importLicenseFile: route({
    method: 'POST',
    path: '/v1/servers/{serverId}/license-files',
    group: 'servers',
    access: 'admin',
    summary: 'Import a .alf file for a server (From file)',
    bodyType: 'text',
    params: s.serverParams,
    success: { status: 201, schema: s.importResponse },
    errors: ['not_found', 'invalid_license_file', 'seats_exhausted', 'license_expired'],
  }),
  signIn: route({
    method: 'POST',
    path: '/v1/servers/{serverId}/sessions',
    group: 'sessions',
    access: 'admin',
    summary: 'Serve a seat to a user signing in to a NEXUS server (External PLS)',
    bodyType: 'json',
    body: s.signInRequest,
    params: s.serverParams,
    success: { status: 201, schema: s.sessionResponse },
    errors: ['not_found', 'seats_exhausted', 'server_unlicensed', 'busy'],
  }),
  heartbeat: route({
    method: 'POST',
    path: '/v1/sessions/{sessionId}/heartbeat',
    group: 'sessions',
    access: 'admin',
    summary: 'Keep a session alive',
    bodyType: 'none',
    params: s.sessionParams,
    success: { status: 200, schema: s.heartbeatResponse },
    errors: ['not_found', 'seats_exhausted', 'busy'],
  }),
  endSession: route({
    method: 'DELETE',
    path: '/v1/sessions/{sessionId}',
    group: 'sessions',
    access: 'admin',
    summary: 'Sign out, or Kill Session: frees the seat at once',
    bodyType: 'none',
    params: s.sessionParams,
    success: { status: 204 },
    errors: ['not_found', 'busy'],
  }),
  startRoaming: route({
    method: 'POST',
    path: '/v1/sessions/{sessionId}/roaming',
    group: 'sessions',
    access: 'admin',
    summary: 'Hold a design-software seat without heartbeats for some days',
    bodyType: 'json',
    body: s.roamingRequest,
    params: s.sessionParams,
    success: { status: 200, schema: s.roamingResponse },
    errors: ['not_found', 'roaming_not_allowed'],
  }),
  endRoaming: route({
    method: 'DELETE',
    path: '/v1/sessions/{sessionId}/roaming',
    group: 'sessions',
    access: 'admin',
    summary: 'Return a roaming seat early',
    bodyType: 'none',
    params: s.sessionParams,
    success: { status: 204 },
    errors: ['not_found'],
  }),
  listLicenseSessions: route({
    method: 'GET',
    path: '/v1/licenses/{licenseId}/sessions',
    group: 'sessions',
    access: 'admin',
    summary: 'Who holds seats of a license now',
    bodyType: 'none',
    params: s.licenseParams,
    query: s.pageQuery,
    success: { status: 200, schema: s.sessionListResponse },
    errors: ['not_found'],
  }),
  listAssignments: route({
    method: 'GET',
    path: '/v1/licenses/{licenseId}/assignments',
    group: 'assignments',
    access: 'admin',
    summary: 'Role assignments of a CAL or design-software license',
    bodyType: 'none',
    params: s.licenseParams,
    query: s.pageQuery,
    success: { status: 200, schema: s.assignmentListResponse },
    errors: ['not_found'],
  }),
  createAssignment: route({
    method: 'POST',
    path: '/v1/licenses/{licenseId}/assignments',
    group: 'assignments',
    access: 'admin',
    summary: 'Assign seats of a license to a role',
    bodyType: 'json',
    body: s.assignmentRequest,
    params: s.licenseParams,
    success: { status: 201, schema: s.assignmentResponse },
    errors: ['not_found', 'seats_overcommitted'],
  }),
  replaceAssignment: route({
    method: 'PUT',
    path: '/v1/licenses/{licenseId}/assignments/{assignmentId}',
    group: 'assignments',
    access: 'admin',
    summary: 'Replace an assignment',
    bodyType: 'json',
    body: s.assignmentRequest,
    params: s.assignmentParams,
    success: { status: 200, schema: s.assignmentResponse },
    errors: ['not_found', 'seats_overcommitted'],
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
    errors: ['not_found'],
  }),
  getSettings: route({
    method: 'GET',
    path: '/v1/settings/license-manager',
    group: 'assignments',
    access: 'admin',
    summary: 'License manager settings of the account',
    bodyType: 'none',
    success: { status: 200, schema: s.settingsRequest },
  }),
  putSettings: route({
    method: 'PUT',
    path: '/v1/settings/license-manager',
    group: 'assignments',
    access: 'admin',
    summary: 'Change the license manager settings',
    bodyType: 'json',
    body: s.settingsRequest,
    success: { status: 200, schema: s.settingsRequest },
  }),
  listRoles: route({
    method: 'GET',
    path: '/v1/roles',
    group: 'assignments',
    access: 'admin',
    summary: 'Seat availability and use per role',
    bodyType: 'none',
    success: { status: 200, schema: s.rolesResponse },
  }),
  usageReport: route({
    method: 'GET',
    path: '/v1/reports/usage',
    group: 'reports',
    access: 'admin',
    summary: 'Current and historical license usage, JSON or CSV',
    bodyType: 'none',
    query: s.usageQuery,
    success: { status: 200, schema: s.usageResponse },
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
