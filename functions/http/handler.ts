// The shared middy stack of every HTTP function: route dispatch, auth, body/query/path validation, errors.
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../domain/errors.js';
import {
  type AccountCaller,
  namesAnotherServer,
  type OperatorCaller,
  type UserCaller,
} from '../../domain/identity.js';
import { REPLACEMENT_CHARACTER } from '../../domain/text.js';
import {
  type Group,
  type RouteIdsOf,
  type RouteSpec,
  type Routes,
  routeKeyOf,
  routes,
} from '../api/routes.js';
import type { RouteResult } from '../api/results.js';
import { now, wallClock } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import type { PrincipalStore } from '../store/principals.js';
import { authenticate } from './authenticate.js';
import type { Claims } from './claims.js';
import { errorResult, type HttpResult } from './errors.js';
import { describeIssues } from './validation.js';

/** API.md: "a body over 256 KiB → 413 `payload_too_large`". */
export const MAX_BODY_BYTES = 256 * 1024;

/** Decodes request bodies; `fatal` refuses bytes that are not UTF-8 instead of replacing them with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Out<S> = S extends z.core.$ZodType ? z.output<S> : undefined;
/**
 * The caller a route's implementation sees: none on public routes, an operator on back-office routes, and on
 * account routes a user, or also a NEXUS server's own token where the route says what one may do there.
 */
type CallerFor<R extends RouteSpec> = R['access'] extends 'public'
  ? null
  : R['access'] extends 'operator'
    ? OperatorCaller
    : R extends { serverToken: string }
      ? AccountCaller
      : UserCaller;

export interface HttpRequest<R extends RouteSpec> {
  body: R extends { body: infer B } ? Out<B> : undefined;
  query: R extends { query: infer Q } ? Out<Q> : undefined;
  params: R extends { params: infer P } ? Out<P> : undefined;
  /** The body as text, for text routes (an imported .alf file). */
  rawBody: string;
  /** Lower-cased request headers. */
  headers: Record<string, string | undefined>;
  caller: CallerFor<R>;
  now: Date;
  event: APIGatewayProxyEventV2;
}

/** A route's implementation: its answer is typed by the route's success responses (functions/api/results.ts). */
export type RouteImplementation<R extends RouteSpec> = (request: HttpRequest<R>) => Promise<RouteResult<R>>;
export type GroupImplementations<G extends Group> = { [K in RouteIdsOf<G>]: RouteImplementation<Routes[K]> };
export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The verified claims of the request: the context of the API's Lambda authorizer (functions/authorizer, and the
 * local gateway that plays it), or the claims of an HTTP API JWT authorizer (the earlier deployments, whose
 * captured events are the samples in events/http). Both hand every value over as a string.
 */
function claimsOf(event: APIGatewayProxyEventV2): Claims | undefined {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Claims }; lambda?: Claims };
  };
  return context.authorizer?.lambda ?? context.authorizer?.jwt?.claims;
}

function validate(schema: z.core.$ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const parsed = (schema as z.ZodMiniType)['~standard'].validate(value);
  if (parsed instanceof Promise) throw new Error('async schemas are not supported');
  if (parsed.issues) throw new InvalidRequestError(`Invalid ${where}: ${describeIssues(parsed.issues)}.`);
  return parsed.value;
}

/**
 * The query of a route that takes none: any parameter is an unknown field (API.md "bad input (… unknown field …)
 * → 400 invalid_request"), refused by the same validation as on the routes that take some.
 */
const NO_QUERY = z.strictObject({});

/**
 * The body as text, refusing what is not UTF-8 (API.md "Text: a request body must be valid UTF-8; bytes that are
 * not → 400, never replaced"). Two ways in: a base64 body (the local runtime hands over every body that is not
 * valid UTF-8 text this way, as API Gateway does binary ones) is decoded here with the fatal decoder; a text
 * body was already decoded by API Gateway, which puts U+FFFD where bytes were not UTF-8, so that character,
 * the only trace left of them, is refused too.
 */
function decodeText(event: APIGatewayProxyEventV2): string {
  const raw = event.body ?? '';
  let text = raw;
  if (event.isBase64Encoded) {
    try {
      text = UTF8.decode(Buffer.from(raw, 'base64'));
    } catch {
      throw new InvalidRequestError('The body is not valid UTF-8; send it as UTF-8 text.');
    }
  }
  if (text.includes(REPLACEMENT_CHARACTER)) {
    throw new InvalidRequestError(
      'The body holds U+FFFD, the mark of bytes that were not UTF-8; send it as UTF-8 text.',
    );
  }
  return text;
}

/** Reads the body in API.md's check order: 413 (size), then 415 (content-type), then 400 (UTF-8, JSON). */
function readBody(spec: RouteSpec, event: APIGatewayProxyEventV2): { rawBody: string; body: unknown } {
  if (spec.bodyType === 'none') return { rawBody: '', body: undefined };
  const raw = event.body ?? '';
  const size = event.isBase64Encoded ? Buffer.from(raw, 'base64').length : Buffer.byteLength(raw, 'utf8');
  if (size > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is over ${MAX_BODY_BYTES / 1024} KiB; send a smaller one.`);
  }
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (spec.bodyType === 'text') {
    if (contentType !== 'text/plain') {
      throw new UnsupportedMediaTypeError('Send the file as content-type: text/plain.');
    }
    const rawBody = decodeText(event);
    if (rawBody.length === 0) throw new InvalidRequestError('The body is empty; send the file text.');
    return { rawBody, body: undefined };
  }
  if (contentType !== '' && contentType !== 'application/json') {
    throw new UnsupportedMediaTypeError('Send the body as content-type: application/json.');
  }
  const rawBody = decodeText(event);
  if (rawBody.trim() === '') return { rawBody, body: {} };
  try {
    return { rawBody, body: JSON.parse(rawBody) };
  } catch {
    throw new InvalidRequestError('The body is not valid JSON; send a JSON object.');
  }
}

function toResponse(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { ...(result.headers ?? {}) };
  if (result.text !== undefined) {
    return { statusCode: result.statusCode, headers, body: result.text };
  }
  if (result.body === undefined) return { statusCode: result.statusCode, headers };
  headers['content-type'] = 'application/json';
  return { statusCode: result.statusCode, headers, body: JSON.stringify(result.body) };
}

/** How a group handler is wired. */
export interface GroupOptions {
  /**
   * Where each request's caller is read from (functions/store/principals.ts storedPrincipals); null for a group
   * of public routes only, whose bundle then carries no store. A group with a route that is not public must
   * name one (checked when the handler is made).
   */
  principals: (() => PrincipalStore) | null;
}

/** For createGroupHandler: the group has public routes only and reads no callers. */
export const publicOnly: GroupOptions = { principals: null };

/**
 * One Lambda handler for a group of routes: API Gateway's routeKey picks the route. Every route of the group
 * must be implemented (the type says so), and nothing else may be.
 */
export function createGroupHandler<G extends Group>(
  group: G,
  options: GroupOptions,
  implementations: GroupImplementations<G>,
): HttpHandler {
  const byRouteKey = new Map<string, { spec: RouteSpec; implement: RouteImplementation<RouteSpec> }>();
  for (const [routeId, implement] of Object.entries(implementations)) {
    const spec = (routes as Record<string, RouteSpec>)[routeId];
    if (!spec || spec.group !== group) throw new Error(`route ${routeId} is not in group ${group}`);
    byRouteKey.set(routeKeyOf(spec), { spec, implement: implement as RouteImplementation<RouteSpec> });
  }
  const needsCallers = [...byRouteKey.values()].some(({ spec }) => spec.access !== 'public');
  if (needsCallers && !options.principals) {
    throw new Error(
      `Group ${group} has routes that need a caller: pass { principals } to createGroupHandler.`,
    );
  }
  const principals =
    options.principals ??
    (() => {
      throw new Error(`Group ${group} reads no callers.`);
    });

  const dispatch = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = Date.now();
    const entry = byRouteKey.get(event.routeKey);
    let result: HttpResult;
    try {
      if (!entry) throw new InvalidRequestError(`No route ${event.routeKey} in this function.`);
      const { spec, implement } = entry;
      // API.md's order: 401 and 403 (authenticate), 413, 415 and 400 for the body, then 400 for path and query.
      const caller = await authenticate(spec, claimsOf(event), wallClock(), principals);
      const { rawBody, body: json } = readBody(spec, event);
      const params = validate(spec.params, event.pathParameters ?? {}, 'path');
      const query = validate(spec.query ?? NO_QUERY, event.queryStringParameters ?? {}, 'query');
      const body = spec.bodyType === 'json' ? validate(spec.body, json, 'body') : undefined;
      // A server token acts for its own server only: another server's id answers 404, as an unknown one does.
      if (namesAnotherServer(spec, caller, params as { serverId?: unknown }))
        throw new NotFoundError('server');
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
      result = await implement({ body, query, params, rawBody, headers, caller, now: now(), event } as never);
    } catch (error) {
      const mapped = errorResult(error);
      if (mapped.internal)
        logger.error('request failed', { routeKey: event.routeKey, error: error as Error });
      result = mapped.result;
    }
    logger.info('request', {
      routeKey: event.routeKey,
      status: result.statusCode,
      durationMs: Date.now() - started,
      requestId: event.requestContext?.requestId,
    });
    return toResponse(result);
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(dispatch);
}
