// Request and response schemas (zod/mini): the single source for validation, TypeScript types and OpenAPI.
import * as z from 'zod/mini';
import { MAX_SEATS, MIN_SEATS, PRODUCTS } from '../../domain/products.js';
import { CLEAN_TEXT_MESSAGE, isCleanText, WITHOUT_FORBIDDEN_CHARACTERS } from '../../domain/text.js';

/**
 * The one text rule, on every string of every request schema below (API.md "Text": no control characters
 * U+0000-U+001F and U+007F-U+009F, no U+2028/U+2029, no lone surrogates → 400). Build request strings from
 * `str()`, never from z.string() alone.
 */
export const cleanText = z.refine<string>(isCleanText, CLEAN_TEXT_MESSAGE);

/** A request string: any length, the text rule checked. */
export const str = () => z.string().check(cleanText);

/**
 * A human string of 1..max characters under the text rule. The pattern only publishes the rule in the OpenAPI
 * document (a refinement is invisible there); cleanText decides, lone surrogates included.
 */
export const text = (max: number) =>
  str().check(z.minLength(1), z.maxLength(max), z.regex(WITHOUT_FORBIDDEN_CHARACTERS, CLEAN_TEXT_MESSAGE));

/** Opaque ids in paths and bodies: generous, so an unknown id answers 404 rather than 400. */
export const id = str().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9._~:-]+$/));
export const isoTime = z.iso.datetime({ offset: true }).check(cleanText);
export const email = z.email().check(z.maxLength(254), cleanText);
export const password = str().check(z.minLength(8), z.maxLength(128));
export const role = text(100);
export const product = z.enum(PRODUCTS);
export const seatCount = z.int().check(z.minimum(MIN_SEATS), z.maximum(MAX_SEATS));
export const termMonths = z.int().check(z.minimum(1), z.maximum(120));
const boolString = z.enum(['true', 'false']);
/** Query integers arrive as strings; the handler converts after this check. */
export const limitParam = str().check(z.regex(/^(100|[1-9][0-9]?)$/, 'must be an integer from 1 to 100'));
export const nextTokenParam = str().check(z.minLength(1), z.maxLength(2048), z.regex(/^[A-Za-z0-9_-]+$/));

export const pageQuery = z.strictObject({
  limit: z.optional(limitParam),
  nextToken: z.optional(nextTokenParam),
});

// ---- identity and back office ----
export const tokenRequest = z.strictObject({
  username: text(254),
  password: str().check(z.maxLength(128)),
});
export const tokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.int(),
});

export const createAccountRequest = z.strictObject({ name: text(200) });
export const accountResponse = z.object({ accountId: z.string(), name: z.string() });

export const createUserRequest = z.strictObject({
  email,
  password,
  roles: z.array(role).check(z.maxLength(50)),
  admin: z.boolean(),
});
export const userResponse = z.object({
  userId: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  admin: z.boolean(),
});

export const issueLicenseRequest = z.strictObject({
  product,
  seats: seatCount,
  validFrom: z.optional(isoTime),
  termMonths: z.optional(termMonths),
});
export const renewLicenseRequest = z.strictObject({ termMonths: z.optional(termMonths) });

export const licenseResponse = z.object({
  licenseId: z.string(),
  accountId: z.string(),
  product,
  kind: z.enum(['server', 'cal', 'client']),
  seats: z.int(),
  used: z.int(),
  activationCode: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  status: z.enum(['valid', 'expired', 'not_yet_valid']),
});
export const licenseListQuery = z.strictObject({
  limit: z.optional(limitParam),
  nextToken: z.optional(nextTokenParam),
  product: z.optional(text(100)),
  validOnly: z.optional(boolString),
});
export const licenseListResponse = z.object({
  licenses: z.array(licenseResponse),
  nextToken: z.nullable(z.string()),
});

export const hourlyCheckRequest = z.strictObject({ now: z.optional(isoTime) });
export const hourlyCheckResponse = z.object({
  expiredLicenses: z.int(),
  lapsedServers: z.int(),
  reclaimedSessions: z.int(),
  endedRoaming: z.int(),
  rollupsWritten: z.int(),
});

// ---- servers, acquisitions, activations ----
export const registerServerRequest = z.strictObject({ hostName: text(255) });
export const serverResponse = z.object({ serverId: z.string(), hostName: z.string() });
export const acquireRequest = z.strictObject({
  licenseIds: z.array(id).check(
    z.minLength(1),
    z.maxLength(100),
    z.refine((ids) => new Set(ids).size === ids.length, 'must not list the same license twice'),
  ),
});
export const alfFile = z.object({ licenseId: z.string(), fileName: z.string(), alf: z.string() });
export const acquireResponse = z.object({ files: z.array(alfFile) });
export const serverStatusResponse = z.object({
  state: z.enum(['unlicensed', 'licensed', 'admin_only', 'lapsed']),
});
export const activateRequest = z.strictObject({ hostId: text(200), hostName: z.optional(text(255)) });
export const activationResponse = z.object({
  activationId: z.string(),
  fileName: z.string(),
  alf: z.string(),
});
export const importResponse = z.object({ licenseId: z.string() });
export const keysResponse = z.object({ keys: z.array(z.record(z.string(), z.string())) });

// ---- External PLS ----
export const signInRequest = z.strictObject({
  userId: id,
  machineId: text(200),
  client: z.enum(['browser', 'design_client']),
  product: z.optional(product),
  licenseId: z.optional(id),
});
export const sessionResponse = z.object({
  sessionId: z.string(),
  licenseId: z.string(),
  userId: z.string(),
  machineId: z.string(),
  clients: z.array(z.enum(['browser', 'design_client'])),
  startedAt: z.string(),
  expiresAt: z.string(),
});
export const heartbeatResponse = z.object({ expiresAt: z.string() });
export const roamingRequest = z.strictObject({ days: z.int().check(z.minimum(1), z.maximum(30)) });
export const roamingResponse = z.object({ roamingUntil: z.string() });
export const sessionListResponse = z.object({
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      userId: z.string(),
      machineId: z.string(),
      clients: z.array(z.string()),
      startedAt: z.string(),
      durationSeconds: z.int(),
      expiresAt: z.string(),
      roamingUntil: z.nullable(z.string()),
    }),
  ),
  nextToken: z.nullable(z.string()),
});
export const assignmentRequest = z.strictObject({
  role,
  seats: z.union([seatCount, z.literal('all')]),
  automaticLeasing: z.optional(z.boolean()),
  allowRoaming: z.optional(z.boolean()),
});
export const assignmentResponse = z.object({
  assignmentId: z.string(),
  role: z.string(),
  seats: z.union([z.int(), z.literal('all')]),
  used: z.int(),
  automaticLeasing: z.boolean(),
  allowRoaming: z.boolean(),
});
export const assignmentListResponse = z.object({
  assignments: z.array(assignmentResponse),
  nextToken: z.nullable(z.string()),
});
export const settingsRequest = z.strictObject({ autoAssignAllUsers: z.boolean() });
export const rolesResponse = z.object({
  roles: z.array(z.object({ role: z.string(), seats: z.union([z.int(), z.literal('all')]), used: z.int() })),
});

// ---- reports ----
export const usageQuery = z.strictObject({
  from: isoTime,
  to: isoTime,
  interval: z.enum(['hour', 'day']),
  licenseId: z.optional(id),
  role: z.optional(role),
  format: z.optional(z.enum(['json', 'csv'])),
});
export const usageResponse = z.object({
  rows: z.array(
    z.object({
      start: z.string(),
      licenseId: z.string(),
      peakSessions: z.int(),
      sessionsStarted: z.int(),
      denied: z.int(),
      seatHours: z.number(),
    }),
  ),
});

// ---- path parameters ----
export const accountParams = z.strictObject({ accountId: id });
export const accountLicenseParams = z.strictObject({ accountId: id, licenseId: id });
export const licenseParams = z.strictObject({ licenseId: id });
export const serverParams = z.strictObject({ serverId: id });
export const activationParams = z.strictObject({ activationId: id });
export const sessionParams = z.strictObject({ sessionId: id });
export const assignmentParams = z.strictObject({ licenseId: id, assignmentId: id });

export const healthResponse = z.object({ status: z.literal('ok') });
export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
