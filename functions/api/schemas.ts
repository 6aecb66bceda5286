// Request and response schemas (zod/mini): the single source for validation, TypeScript types and OpenAPI.
import * as z from 'zod/mini';
import { AUDIT_ACTIONS } from '../../domain/audit.js';
import { licenseTermProblem } from '../../domain/license.js';
import { KINDS, MAX_SEATS, MIN_SEATS, PRODUCTS } from '../../domain/products.js';
import { MAX_SESSION_TIMEOUT_MINUTES, MIN_SESSION_TIMEOUT_MINUTES } from '../../domain/settings.js';
import { CLEAN_TEXT_MESSAGE, isCleanText, WITHOUT_FORBIDDEN_CHARACTERS } from '../../domain/text.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../domain/users.js';

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
  str().check(
    z.minLength(1),
    z.maxLength(max),
    z.regex(WITHOUT_FORBIDDEN_CHARACTERS, CLEAN_TEXT_MESSAGE),
    // A name, role, host or machine of spaces only names nothing anyone could tell apart.
    z.refine((value) => value.trim().length > 0, 'must not be blank (spaces only)'),
  );

/** Opaque ids in paths and bodies: generous, so an unknown id answers 404 rather than 400. */
export const id = str().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9._~:-]+$/));
/** An ISO-8601 time with a UTC offset (`2026-01-31T09:00:00.000Z`); documented as `format: date-time`. */
export const isoTime = z.iso.datetime({ offset: true }).check(cleanText);
export const email = z.email().check(z.maxLength(254), cleanText);
/** API.md: "a password under 12 characters → 400" (the Cognito user pool's policy matches, infra/stack.ts). */
export const password = str().check(
  z.minLength(MIN_PASSWORD_LENGTH),
  z.maxLength(MAX_PASSWORD_LENGTH),
  z.describe(`At least ${MIN_PASSWORD_LENGTH} characters; never shown again nor logged.`),
);
/** A user's display name. */
export const userName = text(200);
export const role = text(100);
export const product = z.enum(PRODUCTS);
export const seatCount = z.int().check(z.minimum(MIN_SEATS), z.maximum(MAX_SEATS));
export const termMonths = z.int().check(z.minimum(1), z.maximum(120));

/**
 * How a schema is documented when its JSON Schema cannot say it: a query integer arrives as a string and is
 * validated as one, but the document tells clients to send an integer. functions/api/openapi.ts replaces the
 * generated JSON Schema of every schema registered here by the registered one.
 */
export const documentedAs = z.registry<Record<string, unknown>>();

/** A query flag: the text `true` or `false`, documented as a boolean (what a typed client sends as such). */
const boolString = z.enum(['true', 'false']);
documentedAs.add(boolString, { type: 'boolean' });

/** API.md's page sizes: `?limit=` is an integer from 1 to 100, 50 when absent. */
export const PAGE_LIMIT = { min: 1, max: 100, default: 50 } as const;
const LIMIT_MESSAGE = `must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`;
/** `?limit=`: a string of digits in the query (the handler converts it), an integer 1-100 in the document. */
export const limitParam = str().check(
  // One check, so a bad value is reported once.
  z.refine(
    (value) =>
      /^[1-9][0-9]{0,2}$/.test(value) && Number(value) >= PAGE_LIMIT.min && Number(value) <= PAGE_LIMIT.max,
    LIMIT_MESSAGE,
  ),
);
documentedAs.add(limitParam, {
  type: 'integer',
  minimum: PAGE_LIMIT.min,
  maximum: PAGE_LIMIT.max,
  default: PAGE_LIMIT.default,
  description: 'Page size: at most this many items; a page may hold fewer while nextToken is not null.',
});
export const nextTokenParam = str().check(z.minLength(1), z.maxLength(2048), z.regex(/^[A-Za-z0-9_-]+$/));

const nextTokenQuery = nextTokenParam.check(
  z.describe('The nextToken of the previous page, as it was answered; absent for the first page.'),
);

export const pageQuery = z.strictObject({
  limit: z.optional(limitParam),
  nextToken: z.optional(nextTokenQuery),
});

/** `nextToken` of a paged answer: null on the last page. */
const nextTokenField = z
  .nullable(z.string())
  .check(z.describe('Pass it as ?nextToken= to get the next page; null on the last page.'));
/** A count of things (seats, sessions, runs' changes): a non-negative integer. */
const count = z.int().check(z.minimum(0));

// ---- identity and back office ----
export const tokenRequest = z.strictObject({
  username: text(254),
  password: str().check(z.maxLength(128)),
});
export const tokenResponse = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.int().check(z.minimum(1), z.describe('Seconds until the token expires.')),
  })
  .check(
    z.meta({ id: 'Token', description: 'A bearer token: send it as `authorization: Bearer <accessToken>`.' }),
  );

export const createAccountRequest = z.strictObject({ name: text(200) });
export const accountResponse = z
  .object({ accountId: z.string(), name: z.string() })
  .check(z.meta({ id: 'Account', description: 'A customer account.' }));

export const createUserRequest = z.strictObject({
  email,
  password,
  name: z.optional(userName),
  roles: z.array(role).check(z.maxLength(50)),
  admin: z.boolean(),
});
/** API.md's User: `{"userId","email","name","roles","admin","disabled","createdAt"}` (also the back office's answer). */
export const userResponse = z
  .object({
    userId: z.string(),
    email: z.string().check(z.describe('Lower-cased.')),
    name: z.string().check(z.describe('Empty when none was given.')),
    roles: z
      .array(z.string())
      .check(z.describe('The roles as set, always including the built-in `All Users`.')),
    admin: z.boolean().check(z.describe('Whether the user administers the account.')),
    disabled: z
      .boolean()
      .check(z.describe('A disabled user holds no session, cannot sign in and its tokens answer 401.')),
    createdAt: z
      .nullable(isoTime)
      .check(z.describe('When the user was created; null for users stored before the portal recorded it.')),
  })
  .check(z.meta({ id: 'User', description: 'A user of an account.' }));

// ---- account administration ----
const userRoles = z.array(role).check(z.maxLength(50), z.describe('Roles besides the built-in `All Users`.'));
/** POST /v1/users: API.md `{"email","password","name"?,"roles"?,"admin"?:false}`. */
export const addUserRequest = z.strictObject({
  email,
  password,
  name: z.optional(userName),
  roles: z.optional(userRoles),
  admin: z.optional(
    z.boolean().check(z.describe('Whether the user administers the account (default false).')),
  ),
});
/** PATCH /v1/users/{userId}: API.md `{"name"?,"roles"?,"admin"?,"disabled"?}`, at least one of them. */
export const updateUserRequest = z
  .strictObject({
    name: z.optional(userName),
    roles: z.optional(userRoles.check(z.describe('Replace the roles (`All Users` is always kept).'))),
    admin: z.optional(z.boolean()),
    disabled: z.optional(
      z
        .boolean()
        .check(
          z.describe('`true` ends all the user’s sessions at once; its tokens answer 401 from then on.'),
        ),
    ),
  })
  .check(
    z.refine(
      (body) =>
        body.name !== undefined ||
        body.roles !== undefined ||
        body.admin !== undefined ||
        body.disabled !== undefined,
      'must name at least one of name, roles, admin and disabled',
    ),
  );
/** GET /v1/users and GET /v1/accounts/{accountId}/users: paging and the email filter. */
export const userListQuery = z.strictObject({
  limit: z.optional(limitParam),
  nextToken: z.optional(nextTokenQuery),
  email: z.optional(text(254).check(z.describe('Only users whose email contains this text (any case).'))),
});
/** A page of users. */
export const userListResponse = z.object({ users: z.array(userResponse), nextToken: nextTokenField });

// ---- audit log ----
const auditAction = z.enum(AUDIT_ACTIONS);
/** GET /v1/audit and GET /v1/accounts/{accountId}/audit: range, action, paging and format. */
export const auditQuery = z.strictObject({
  from: z.optional(isoTime.check(z.describe('Only events at or after this time.'))),
  to: z.optional(isoTime.check(z.describe('Only events before this time.'))),
  action: z.optional(auditAction.check(z.describe('Only events of this action.'))),
  limit: z.optional(limitParam),
  nextToken: z.optional(nextTokenQuery),
  format: z.optional(
    z
      .enum(['json', 'csv'])
      .check(
        z.describe('`csv` answers the same page as text/csv; the next page’s token is in `x-next-token`.'),
      ),
  ),
});
/** API.md's audit event `{"eventId","at","actor":{"type","id"},"action","targetId","details"}`. */
export const auditEvent = z
  .object({
    eventId: z.string(),
    at: isoTime,
    actor: z
      .object({
        type: z.enum(['user', 'operator', 'server', 'system']),
        id: z.string().check(z.describe('The user, operator or server id; `hourly-check` for the system.')),
      })
      .check(z.describe('Who made the change.')),
    action: auditAction,
    targetId: z.string().check(z.describe('The id of what changed (user, license, assignment, ...).')),
    details: z
      .record(z.string(), z.unknown())
      .check(z.describe('What changed, by action; never a secret or a password.')),
  })
  .check(z.meta({ id: 'AuditEvent', description: 'One change in the audit log.' }));
/** A page of audit events, newest first. */
export const auditListResponse = z.object({ events: z.array(auditEvent), nextToken: nextTokenField });

export const issueLicenseRequest = z
  .strictObject({
    product,
    seats: seatCount,
    validFrom: z.optional(
      isoTime.check(
        z.describe('From 1970-01-01 on; the term must end by 9999-12-31 (a license file states it).'),
      ),
    ),
    termMonths: z.optional(termMonths),
  })
  .check(
    // A term a license file cannot state is bad input (400), decided before the account is looked up (404).
    z.superRefine((request, ctx) => {
      const problem = request.validFrom ? licenseTermProblem(request.validFrom, request.termMonths) : null;
      if (problem)
        ctx.issues.push({ code: 'custom', message: problem, input: request.validFrom, path: ['validFrom'] });
    }),
  );
export const renewLicenseRequest = z.strictObject({ termMonths: z.optional(termMonths) });

const kind = z
  .enum(KINDS)
  .check(
    z.describe(
      '`server`: makes a NEXUS server work (one System seat per server); `cal`: connection seats; `client`: design-software seats.',
    ),
  );
export const licenseResponse = z
  .object({
    licenseId: z.string(),
    accountId: z.string(),
    product,
    kind,
    seats: count,
    used: count.check(
      z.describe(
        'Seats held now: servers holding a Server license, or live sessions (expired ones not yet reclaimed included).',
      ),
    ),
    activationCode: z.string(),
    validFrom: isoTime,
    validUntil: isoTime,
    status: z
      .enum(['valid', 'expired', 'not_yet_valid'])
      .check(z.describe('Computed at each request: `valid` iff validFrom ≤ now < validUntil.')),
  })
  .check(
    z.meta({
      id: 'License',
      description: 'A license of an account: a Server license, CALs or design-software seats.',
    }),
  );
export const licenseListQuery = z.strictObject({
  limit: z.optional(limitParam),
  nextToken: z.optional(nextTokenQuery),
  product: z.optional(
    text(100).check(z.describe('Only licenses whose product contains this text (any case).')),
  ),
  validOnly: z.optional(boolString.check(z.describe('`true`: only licenses valid now.'))),
});
export const licenseListResponse = z.object({
  licenses: z.array(licenseResponse),
  nextToken: nextTokenField,
});

export const hourlyCheckRequest = z.strictObject({ now: z.optional(isoTime) });
export const hourlyCheckResponse = z
  .object({
    expiredLicenses: count,
    lapsedServers: count,
    reclaimedSessions: count,
    endedRoaming: count,
    rollupsWritten: count,
    complete: z
      .boolean()
      .check(z.describe('false when the run reached its time budget; the next run finishes the rest.')),
  })
  .check(z.meta({ id: 'HourlyCheckSummary', description: 'The changes this run made.' }));

// ---- servers, acquisitions, activations ----
export const registerServerRequest = z.strictObject({ hostName: text(255) });
export const serverResponse = z
  .object({ serverId: z.string(), hostName: z.string() })
  .check(z.meta({ id: 'Server', description: 'A registered NEXUS server.' }));
export const acquireRequest = z.strictObject({
  licenseIds: z.array(id).check(
    z.minLength(1),
    z.maxLength(100),
    z.refine((ids) => new Set(ids).size === ids.length, 'must not list the same license twice'),
  ),
});
const alfText = z
  .string()
  .check(
    z.describe(
      'The signed .alf file: UTF-8 text, LF line endings, last line `Signature: <kid>:<base64url>`.',
    ),
  );
export const alfFile = z
  .object({ licenseId: z.string(), fileName: z.string(), alf: alfText })
  .check(z.meta({ id: 'AlfFile', description: 'A signed license file for a server.' }));
export const acquireResponse = z.object({ files: z.array(alfFile) });
/** A server's licensing state (API.md "GET /v1/servers/{serverId}/status"). */
const serverState = z
  .enum(['unlicensed', 'licensed', 'admin_only', 'lapsed'])
  .check(
    z.describe(
      '`unlicensed`: never held a valid Server license; `licensed`: a valid Server license and a valid CAL in the account; `admin_only`: a valid Server license, no valid CAL; `lapsed`: every Server license it held has expired.',
    ),
  );
export const serverStatusResponse = z
  .object({
    serverId: z.string(),
    state: serverState,
    serverLicenseIds: z.array(z.string()).check(z.describe('Server licenses this server holds.')),
    validCalLicenseIds: z.array(z.string()).check(z.describe('CAL licenses of the account valid now.')),
  })
  .check(z.meta({ id: 'ServerStatus', description: 'The licensing state of a server.' }));
/** GET /v1/servers: the account's servers with their state. */
export const serverListResponse = z.object({
  servers: z.array(
    z
      .object({ serverId: z.string(), hostName: z.string(), state: serverState, createdAt: isoTime })
      .check(
        z.meta({ id: 'ListedServer', description: 'A NEXUS server of the account and its licensing state.' }),
      ),
  ),
  nextToken: nextTokenField,
});

// ---- server credentials and server tokens ----
export const credentialParams = z.strictObject({ serverId: id, credentialId: id });
/** POST /v1/servers/{serverId}/credentials: the one answer that shows the secret. */
export const newCredentialResponse = z
  .object({
    credentialId: z.string(),
    secret: z
      .string()
      .check(
        z.describe(
          "`<credentialId>.<random>`: keep it in the NEXUS server's configuration. Shown this once; the portal keeps only a hash.",
        ),
      ),
    createdAt: isoTime,
  })
  .check(z.meta({ id: 'NewCredential', description: "A server's new credential, with its secret." }));
export const credentialListResponse = z.object({
  credentials: z.array(
    z
      .object({
        credentialId: z.string(),
        createdAt: isoTime,
        lastUsedAt: z
          .nullable(isoTime)
          .check(z.describe('When the secret was last exchanged for a server token; null: never.')),
      })
      .check(z.meta({ id: 'Credential', description: "A server's credential (never its secret)." })),
  ),
  nextToken: nextTokenField,
});
export const serverTokenRequest = z.strictObject({
  secret: text(256).check(z.describe("The credential's secret, `<credentialId>.<random>`.")),
});
export const serverTokenResponse = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.int().check(z.minimum(1), z.describe('Seconds until the token expires.')),
    serverId: z.string().check(z.describe('The server the token acts for.')),
  })
  .check(
    z.meta({
      id: 'ServerToken',
      description:
        "A NEXUS server's own bearer token: send it as `authorization: Bearer <accessToken>`; exchange the secret again when it expires.",
    }),
  );

export const activateRequest = z.strictObject({ hostId: text(200), hostName: z.optional(text(255)) });
/** `idempotency-key` request header: 1-255 characters without control characters. */
export const idempotencyKey = str().check(
  z.minLength(1),
  z.maxLength(255),
  z.regex(WITHOUT_FORBIDDEN_CHARACTERS, CLEAN_TEXT_MESSAGE),
  z.describe(
    'Makes a retry return the same activation and the byte-identical file; scoped to the account and license. The same key with another body answers 409 idempotency_key_reused.',
  ),
);
/** The request headers the activation route reads. */
export const activationHeaders = z.object({ 'idempotency-key': z.optional(idempotencyKey) });
export const activationResponse = z
  .object({ activationId: z.string(), fileName: z.string(), alf: alfText })
  .check(
    z.meta({ id: 'Activation', description: 'An activation: the signed .alf file of a license for a host.' }),
  );
export const importResponse = z
  .object({ licenseId: z.string(), product, kind, validUntil: isoTime })
  .check(
    z.meta({ id: 'ImportedLicense', description: 'The license an imported file granted to the server.' }),
  );
const jwk = z
  .union([
    z.object({
      kid: z.string(),
      alg: z.literal('EdDSA'),
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string(),
    }),
    z.object({
      kid: z.string(),
      alg: z.literal('ES256'),
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
    }),
  ])
  .check(z.meta({ id: 'Jwk', description: 'A public key (RFC 7517/8037) that verifies .alf signatures.' }));
export const keysResponse = z.object({ keys: z.array(jwk) });

// ---- External PLS ----
export const signInRequest = z.strictObject({
  userId: id,
  machineId: text(200),
  client: z.enum(['browser', 'design_client']),
  product: z.optional(product),
  licenseId: z.optional(id),
});
const clients = z
  .array(z.enum(['browser', 'design_client']))
  .check(z.describe('The clients sharing this seat from one machine.'));
const roamingUntil = z
  .nullable(isoTime)
  .check(z.describe('While roaming, the seat is held without heartbeats until then; else null.'));
export const sessionResponse = z
  .object({
    sessionId: z.string(),
    licenseId: z.string(),
    assignmentId: z
      .nullable(z.string())
      .check(z.describe('The assignment the seat came through; null for the administrative connection.')),
    userId: z.string(),
    machineId: z.string(),
    product,
    clients,
    startedAt: isoTime,
    expiresAt: isoTime.check(z.describe('Now + the session timeout at the last sign-in, join or heartbeat.')),
    roamingUntil,
  })
  .check(z.meta({ id: 'Session', description: 'A live session holding a seat.' }));
export const heartbeatResponse = z.object({ expiresAt: isoTime });
export const roamingRequest = z.strictObject({ days: z.int().check(z.minimum(1), z.maximum(30)) });
export const roamingResponse = z.object({ roamingUntil: isoTime });
/** A row of a session list: who holds a seat, from where, since when. */
const sessionRowShape = {
  sessionId: z.string(),
  userId: z.string(),
  email: z.string().check(z.describe('The user’s email at sign-in.')),
  serverId: z.string(),
  hostName: z.string().check(z.describe('The NEXUS server’s host name.')),
  machineId: z.string(),
  clients,
  startedAt: isoTime,
  durationSeconds: count,
  expiresAt: isoTime,
  roamingUntil,
};
export const sessionListResponse = z.object({
  sessions: z.array(
    z.object(sessionRowShape).check(
      z.meta({
        id: 'LicenseSession',
        description: 'Who holds a seat of a license, from where, since when.',
      }),
    ),
  ),
  nextToken: nextTokenField,
});
/** GET /v1/sessions: the account's live sessions (the Sessions page). */
export const sessionListQuery = z.strictObject({
  limit: z.optional(limitParam),
  nextToken: z.optional(nextTokenQuery),
  serverId: z.optional(id.check(z.describe('Only the sessions of this server.'))),
  userId: z.optional(id.check(z.describe('Only the sessions of this user.'))),
  licenseId: z.optional(id.check(z.describe('Only the sessions of this license.'))),
});
export const accountSessionListResponse = z.object({
  sessions: z.array(
    z.object({ ...sessionRowShape, licenseId: z.string(), product }).check(
      z.meta({
        id: 'AccountSession',
        description: 'A live session of the account: who, on which server, with which license, since when.',
      }),
    ),
  ),
  nextToken: nextTokenField,
});
export const assignmentRequest = z.strictObject({
  role,
  seats: z.union([seatCount, z.literal('all')]),
  automaticLeasing: z.optional(z.boolean()),
  allowRoaming: z.optional(z.boolean()),
});
const seatCap = z
  .union([count, z.literal('all')])
  .check(z.describe('A cap on the seats of this license the role gets, or `all`: any seat still free.'));
export const assignmentResponse = z
  .object({
    assignmentId: z.string(),
    role: z.string(),
    seats: seatCap,
    used: count,
    automaticLeasing: z.boolean(),
    allowRoaming: z.boolean(),
  })
  .check(
    z.meta({
      id: 'Assignment',
      description: 'Seats of a CAL or design-software license assigned to a role.',
    }),
  );
export const assignmentListResponse = z.object({
  assignments: z.array(assignmentResponse),
  nextToken: nextTokenField,
});
export const settingsRequest = z
  .strictObject({
    autoAssignAllUsers: z.optional(
      z.boolean().check(z.describe('Whether a new CAL gets an `All Users` assignment of all its seats.')),
    ),
    sessionTimeoutMinutes: z.optional(
      z
        .int()
        .check(
          z.minimum(MIN_SESSION_TIMEOUT_MINUTES),
          z.maximum(MAX_SESSION_TIMEOUT_MINUTES),
          z.describe('How long a session lives past its last heartbeat, in minutes (1-1440).'),
        ),
    ),
  })
  .check(
    z.refine(
      (body) => body.autoAssignAllUsers !== undefined || body.sessionTimeoutMinutes !== undefined,
      'must name autoAssignAllUsers, sessionTimeoutMinutes or both',
    ),
  );
/** GET/PUT /v1/settings/license-manager: the account's settings as they are after the request. */
export const settingsResponse = z
  .object({
    autoAssignAllUsers: z
      .boolean()
      .check(z.describe('Whether a new CAL gets an `All Users` assignment of all its seats.')),
    sessionTimeoutMinutes: z
      .int()
      .check(
        z.minimum(MIN_SESSION_TIMEOUT_MINUTES),
        z.maximum(MAX_SESSION_TIMEOUT_MINUTES),
        z.describe('How long a session lives past its last heartbeat, in minutes.'),
      ),
  })
  .check(z.meta({ id: 'Settings', description: 'The license manager settings of an account.' }));
export const rolesResponse = z.object({
  roles: z.array(
    z
      .object({ role: z.string(), seats: seatCap, used: count })
      .check(
        z.meta({ id: 'RoleUse', description: 'Seat availability and use of a role, over its assignments.' }),
      ),
  ),
});

// ---- reports ----
export const usageQuery = z.strictObject({
  from: isoTime.check(z.describe('Start of the range; buckets overlapping [from, to) are reported.')),
  to: isoTime.check(z.describe('End of the range (exclusive).')),
  interval: z
    .enum(['hour', 'day'])
    .check(z.describe('Bucket size: whole UTC hours (range up to 31 days) or days (up to 366).')),
  licenseId: z.optional(id.check(z.describe('Only this CAL or design-software license.'))),
  role: z.optional(role.check(z.describe('Only sessions and denials of users in this role.'))),
  format: z.optional(z.enum(['json', 'csv']).check(z.describe('`csv` answers text/csv with a header row.'))),
});
/** One row of the usage report; its field names are also the CSV columns (domain/usage.ts USAGE_COLUMNS). */
export const usageRow = z
  .object({
    start: isoTime.check(z.describe('Start of the bucket.')),
    licenseId: z.string(),
    peakSessions: count.check(z.describe('Most sessions held at once in the bucket.')),
    sessionsStarted: count,
    denied: count.check(z.describe('Refused sign-ins that tried this license first.')),
    seatHours: z.number().check(z.minimum(0), z.describe('Session time inside the bucket, in hours.')),
  })
  .check(z.meta({ id: 'UsageRow', description: 'Use of one license in one bucket.' }));
export const usageResponse = z.object({ rows: z.array(usageRow) });

// ---- path parameters ----
export const accountParams = z.strictObject({ accountId: id });
export const accountLicenseParams = z.strictObject({ accountId: id, licenseId: id });
export const licenseParams = z.strictObject({ licenseId: id });
export const serverParams = z.strictObject({ serverId: id });
export const activationParams = z.strictObject({ activationId: id });
export const sessionParams = z.strictObject({ sessionId: id });
export const assignmentParams = z.strictObject({ licenseId: id, assignmentId: id });
export const userParams = z.strictObject({ userId: id });

export const healthResponse = z.object({ status: z.literal('ok') });
export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().check(z.describe('A stable snake_case code for programs.')),
      message: z.string().check(z.describe('One sentence a person can act on.')),
    }),
  })
  .check(
    z.meta({ id: 'Error', description: 'Every error the portal itself answers has this body (API.md).' }),
  );
/** GET /openapi.json: this document (its shape is OpenAPI 3.1's own). */
export const openApiDocumentResponse = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
