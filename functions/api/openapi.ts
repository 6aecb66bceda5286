// Builds the OpenAPI 3.1 document from the route table and its zod schemas: no hand-kept copy to drift.
import * as z from 'zod/mini';
import type { ErrorCode } from '../../domain/errors.js';
import type { ServerTokenUse } from '../../domain/identity.js';
import { STATUS_OF } from '../http/errors.js';
import { type Access, GROUP_DESCRIPTIONS, type Group, type RouteSpec, routeList } from './routes.js';
import { documentedAs, errorResponse } from './schemas.js';

type JsonSchema = Record<string, unknown>;
type Components = Record<string, JsonSchema>;

/** A code the portal answers that no domain error carries: the gateway's own refusal of oversized headers. */
type EdgeCode = 'header_too_large';
type AnyCode = ErrorCode | EdgeCode;

const EDGE_STATUS: Record<EdgeCode, number> = { header_too_large: 431 };

/** One example message per error code, in API.md's words; the type makes a new code need one. */
const ERROR_EXAMPLES: Record<AnyCode, string> = {
  invalid_request: 'Invalid body: seats must be at least 1.',
  invalid_license_file: 'This is not a valid license file: the signature does not match its content.',
  unauthorized:
    'Sign in first: send authorization: Bearer <token>, with a token from POST /v1/auth/token (a NEXUS server: POST /v1/auth/server-token) that has not expired; an expired or altered token is refused.',
  forbidden: 'Only an administrator of your account may do this; ask one to do it for you.',
  server_unlicensed: 'This server holds no valid Server license; acquire one before users sign in.',
  not_found: 'No license with that id exists in your account; check the id and try again.',
  email_taken: 'A user with that email already exists; use another email address.',
  seats_exhausted:
    'All 25 seats of license lic_3h5j7k9m2n4p6q8r1s3t are in use by the role Designers; an administrator can free a seat.',
  license_expired: 'License lic_3h5j7k9m2n4p6q8r1s3t has expired; renew it before using it.',
  idempotency_key_reused:
    'This idempotency-key was already used with a different request body; use a new key.',
  seats_overcommitted: 'The assignments of this license would cap 30 of its 25 seats; lower a number first.',
  roaming_not_allowed:
    "This seat's assignment does not allow roaming; an administrator can turn on allowRoaming for it.",
  unsupported_media_type: 'Send the body as content-type: application/json.',
  payload_too_large: 'The body is over 256 KiB; send a smaller one.',
  rate_limited: 'Too many failed sign-ins for this username; try again in 15 minutes.',
  busy: 'The portal is busy with other requests for the same seats; retry after a moment.',
  user_disabled:
    'This user is disabled and cannot sign in; ask an administrator of your account to enable them.',
  last_admin:
    'This is the last enabled administrator of the account; make another user an administrator first.',
  header_too_large: 'The request line and headers are over 16 KiB; send smaller headers.',
};

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  431: 'Request header fields too large',
  503: 'Busy',
};

const SUCCESS_REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No content' };

const ACCESS_TEXT: Record<Access, string> = {
  public: 'Access: anyone, no token.',
  user: 'Access: any user of an account.',
  admin: 'Access: an administrator of the account.',
  operator: 'Access: back-office operators.',
};

/** What a NEXUS server's own token may do on a route (the route table's `serverToken`), as the document says it. */
const SERVER_TOKEN_TEXT: Record<ServerTokenUse | 'none', string> = {
  account: "A NEXUS server's own token may call it too.",
  ownServer:
    "A NEXUS server's own token may call it for its own server only; another server's id answers 404.",
  ownSessions:
    "A NEXUS server's own token may call it for its own server's sessions only; another server's session answers 404.",
  none: "A NEXUS server's own token answers 403.",
};

/** Example path ids by parameter name; a new id parameter gets one derived from its name. */
const ID_PREFIXES: Record<string, string> = {
  accountId: 'acc',
  licenseId: 'lic',
  serverId: 'srv',
  sessionId: 'ses',
  activationId: 'act',
  assignmentId: 'asg',
  userId: 'usr',
  credentialId: 'crd',
};

function idExample(name: string): string {
  const prefix = ID_PREFIXES[name] ?? name.replace(/Id$/, '').slice(0, 3).toLowerCase();
  return `${prefix}_3h5j7k9m2n4p6q8r1s3t`;
}

/** The JSON Schema of a zod schema, its shared parts moved to components and referenced from there. */
function schemaOf(schema: z.core.$ZodType, components: Components): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    // Requests are documented as sent; responses are plain data without transforms, so both sides agree.
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const replacement = documentedAs.get(zodSchema);
      const target = jsonSchema as JsonSchema;
      if (replacement) {
        const { description } = target;
        for (const key of Object.keys(target)) delete target[key];
        Object.assign(target, description === undefined ? {} : { description }, replacement);
        return;
      }
      // `format: date-time` says it; zod's equivalent pattern only makes the document unreadable.
      if (target.format === 'date-time') delete target.pattern;
      // JSON numbers bound integers anyway; zod's safe-integer bounds are noise to a reader.
      if (target.type === 'integer') {
        if (target.minimum === Number.MIN_SAFE_INTEGER) delete target.minimum;
        if (target.maximum === Number.MAX_SAFE_INTEGER) delete target.maximum;
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  for (const [name, def] of Object.entries(defs)) {
    const shared = rewriteRefs(def) as JsonSchema;
    const known = components[name];
    if (known && JSON.stringify(known) !== JSON.stringify(shared)) {
      throw new Error(`two different schemas are both named ${name}; give one another id`);
    }
    components[name] = shared;
  }
  return rewriteRefs(json) as JsonSchema;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/\$defs\//, '#/components/schemas/')
        : rewriteRefs(inner);
  }
  return out;
}

function statusOf(code: AnyCode): number {
  return code in EDGE_STATUS ? EDGE_STATUS[code as EdgeCode] : STATUS_OF[code as ErrorCode];
}

/**
 * The error codes a route can answer: API.md's conventions by the route's shape, then its own codes.
 * Every route may meet an oversized header (431) and bad input (400: at least an unknown query parameter); 401
 * and 403 need a token;
 * 404 needs an id in the path; 413 and 415 need a body.
 */
function errorCodesOf(spec: RouteSpec): AnyCode[] {
  const codes = new Set<AnyCode>();
  // Every route has an input: a query parameter it does not take is an unknown field (400) too.
  codes.add('invalid_request');
  if (spec.access !== 'public') {
    codes.add('unauthorized');
    codes.add('forbidden');
  }
  if (spec.params) codes.add('not_found');
  if (spec.bodyType !== 'none') {
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  for (const code of spec.errors ?? []) codes.add(code);
  codes.add('header_too_large');
  return [...codes];
}

function pascal(code: string): string {
  return code.replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}

const RETRY_AFTER_HEADER = {
  description: 'Seconds to wait before trying again.',
  required: true,
  schema: { type: 'integer', minimum: 0 },
  example: 1,
};

/** The error response of one status with the given codes: the Error body, its codes named and exemplified. */
function errorResponseOf(status: number, codes: AnyCode[]): JsonSchema {
  const codeSchema = codes.length === 1 ? { const: codes[0] } : { enum: codes };
  return {
    description: `${REASONS[status] ?? 'Error'}: ${codes.map((code) => `\`${code}\``).join(', ')}.`,
    ...(status === 429 || status === 503 ? { headers: { 'retry-after': RETRY_AFTER_HEADER } } : {}),
    content: {
      'application/json': {
        // The partial schema names the codes of this answer without repeating the Error shape.
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Error' },
            { properties: { error: { properties: { code: codeSchema } } } },
          ],
        },
        examples: Object.fromEntries(
          codes.map((code) => [code, { value: { error: { code, message: ERROR_EXAMPLES[code] } } }]),
        ),
      },
    },
  };
}

function parameters(spec: RouteSpec, components: Components): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
    ['header', spec.headers],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, components);
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        description:
          (description as string | undefined) ??
          (where === 'path' ? `Id of the ${name.replace(/Id$/, '')}.` : undefined),
        schema: rest,
        ...(where === 'path' ? { example: idExample(name) } : {}),
      });
    }
  }
  return out;
}

function requestBodyOf(spec: RouteSpec, components: Components): JsonSchema | undefined {
  if (spec.bodyType === 'json' && spec.body) {
    // A JSON route takes an empty body as {}: the body is optional exactly when {} is valid.
    const required = 'issues' in (spec.body as z.ZodMiniType)['~standard'].validate({});
    return {
      required,
      content: {
        'application/json': { schema: schemaOf(spec.body, components), example: spec.example },
      },
    };
  }
  if (spec.bodyType === 'text') {
    return {
      required: true,
      content: { 'text/plain': { schema: { type: 'string', minLength: 1 }, example: spec.example } },
    };
  }
  if (spec.method === 'POST' || spec.method === 'PUT') {
    // Routes without a body ignore one (API.md); NEXUS servers send {} with a heartbeat.
    return {
      required: false,
      description: 'Ignored: send no body or `{}`.',
      content: { 'application/json': { schema: { type: 'object' }, example: {} } },
    };
  }
  return undefined;
}

function successResponses(spec: RouteSpec, components: Components): Record<string, JsonSchema> {
  const { success } = spec;
  const content: Record<string, JsonSchema> = {};
  if (success.schema) content['application/json'] = { schema: schemaOf(success.schema, components) };
  if (success.contentType) content[success.contentType] = { schema: { type: 'string' } };
  if (success.alternative) {
    content[success.alternative.contentType] = {
      schema: { type: 'string', description: success.alternative.description },
      example: success.alternative.example,
    };
  }
  const headers = Object.fromEntries(
    Object.entries(success.headers ?? {}).map(([name, header]) => [
      name,
      { description: header.description, required: header.required, schema: { type: 'string' } },
    ]),
  );
  const response = (description: string): JsonSchema => ({
    description,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  });
  const out: Record<string, JsonSchema> = {
    [String(success.status)]: response(success.description ?? SUCCESS_REASONS[success.status] ?? 'Success'),
  };
  for (const [status, description] of Object.entries(success.alsoStatuses ?? {})) {
    out[status] = response(description);
  }
  return out;
}

/** Shared error responses: one per status that carries a single code, referenced by every route. */
function errorResponses(spec: RouteSpec, shared: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const byStatus = new Map<number, AnyCode[]>();
  for (const code of errorCodesOf(spec)) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const [only] = codes;
    if (codes.length === 1 && only) {
      const name = pascal(only);
      shared[name] ??= errorResponseOf(status, codes);
      out[String(status)] = { $ref: `#/components/responses/${name}` };
    } else {
      out[String(status)] = errorResponseOf(status, codes);
    }
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of the route table. `includeLocalOnly` adds the routes only the local runtime
 * serves (the committed docs/openapi.json has them; a deployment's GET /openapi.json does not). Throws when
 * two different schemas carry the same component id.
 */
export function buildOpenApiDocument(options: {
  includeLocalOnly: boolean;
  /** The route table; another one only in tests. */
  routes?: ReadonlyArray<RouteSpec & { id: string }>;
}) {
  const components: Components = {};
  const responses: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const usedGroups = new Set<Group>();
  // The error body first, so components list it even on a document without errors.
  schemaOf(errorResponse, components);
  for (const spec of options.routes ?? routeList) {
    if (spec.localOnly && !options.includeLocalOnly) continue;
    usedGroups.add(spec.group);
    const requestBody = requestBodyOf(spec, components);
    const params = parameters(spec, components);
    const operation: JsonSchema = {
      operationId: spec.id,
      summary: spec.summary,
      description: [
        spec.description,
        ACCESS_TEXT[spec.access],
        spec.access === 'public' ? undefined : SERVER_TOKEN_TEXT[spec.serverToken ?? 'none'],
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: [spec.group],
      ...(params.length ? { parameters: params } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: { ...successResponses(spec, components), ...errorResponses(spec, responses) },
      ...(spec.access === 'public' ? { security: [] } : {}),
      ...(spec.localOnly ? { 'x-local-only': true } : {}),
      'x-access': spec.access,
      ...(spec.access === 'public' ? {} : { 'x-server-token': spec.serverToken ?? 'none' }),
    };
    const pathItem = paths[spec.path] ?? {};
    pathItem[spec.method.toLowerCase()] = operation;
    paths[spec.path] = pathItem;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'NEXUS license portal',
      version: '1.0.0',
      description: [
        'Server licenses, CALs, signed .alf files and External PLS seats for Altium NEXUS Server.',
        'Bodies are JSON unless said otherwise; times are ISO-8601 UTC; ids are opaque. Every error the portal answers has the body `{"error":{"code","message"}}`; a 500 is always a bug. Paged lists take `limit` (1-100, default 50) and `nextToken`, and answer `nextToken: null` on the last page. Answers may gain fields: clients should ignore fields they do not know.',
      ].join('\n\n'),
      // Not open source: SPDX has no identifier for that, so a LicenseRef (SPDX's form for others) names it.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: 'http://127.0.0.1:9780', description: 'The local runtime (`npm start`).' }],
    tags: [...usedGroups].map((group) => ({ name: group, description: GROUP_DESCRIPTIONS[group] })),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A user's token (POST /v1/auth/token locally, a Cognito ID token in AWS) or a NEXUS server's own token (POST /v1/auth/server-token): `authorization: Bearer <token>`.",
        },
      },
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
