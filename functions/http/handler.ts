// The shared middy stack of every HTTP function: route dispatch, auth, body/query/path validation, errors.
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod/mini';
import {
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../../domain/errors.js';
import {
  type Group,
  type RouteIdsOf,
  type RouteSpec,
  type Routes,
  routeKeyOf,
  routes,
} from '../api/routes.js';
import type { RouteResult } from '../api/results.js';
import { now } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import { type AccountCaller, type Caller, callerFromClaims } from './claims.js';
import { errorResult, type HttpResult } from './errors.js';
import { describeIssues } from './validation.js';

export const MAX_BODY_BYTES = 256 * 1024;

type Out<S> = S extends z.core.$ZodType ? z.output<S> : undefined;
type CallerFor<R extends RouteSpec> = R['access'] extends 'public'
  ? Caller | null
  : R['access'] extends 'operator'
    ? Caller
    : AccountCaller;

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

function authorize(spec: RouteSpec, event: APIGatewayProxyEventV2): Caller | null {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, string> } };
  };
  const caller = callerFromClaims(context.authorizer?.jwt?.claims);
  if (spec.access === 'public') return caller;
  if (!caller) throw new UnauthorizedError('Sign in first: send authorization: Bearer <token>.');
  if (spec.access === 'operator') {
    if (!caller.operator) throw new ForbiddenError('Only back-office operators may do this.');
    return caller;
  }
  if (caller.operator || !caller.accountId) {
    throw new ForbiddenError('This route belongs to account users; operators use the back-office routes.');
  }
  if (spec.access === 'admin' && !caller.admin) {
    throw new ForbiddenError('Only an administrator of your account may do this; ask one to do it for you.');
  }
  return caller;
}

function validate(schema: z.core.$ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const parsed = (schema as z.ZodMiniType)['~standard'].validate(value);
  if (parsed instanceof Promise) throw new Error('async schemas are not supported');
  if (parsed.issues) throw new InvalidRequestError(`Invalid ${where}: ${describeIssues(parsed.issues)}.`);
  return parsed.value;
}

function readBody(spec: RouteSpec, event: APIGatewayProxyEventV2): { rawBody: string; body: unknown } {
  if (spec.bodyType === 'none') return { rawBody: '', body: undefined };
  const raw = event.body ?? '';
  const rawBody = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is over ${MAX_BODY_BYTES / 1024} KiB; send a smaller one.`);
  }
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (spec.bodyType === 'text') {
    if (contentType !== 'text/plain') {
      throw new UnsupportedMediaTypeError('Send the file as content-type: text/plain.');
    }
    if (rawBody.length === 0) throw new InvalidRequestError('The body is empty; send the file text.');
    return { rawBody, body: undefined };
  }
  if (contentType !== '' && contentType !== 'application/json') {
    throw new UnsupportedMediaTypeError('Send the body as content-type: application/json.');
  }
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

/**
 * One Lambda handler for a group of routes: API Gateway's routeKey picks the route. Every route of the group
 * must be implemented (the type says so), and nothing else may be.
 */
export function createGroupHandler<G extends Group>(
  group: G,
  implementations: GroupImplementations<G>,
): HttpHandler {
  const byRouteKey = new Map<string, { spec: RouteSpec; implement: RouteImplementation<RouteSpec> }>();
  for (const [routeId, implement] of Object.entries(implementations)) {
    const spec = (routes as Record<string, RouteSpec>)[routeId];
    if (!spec || spec.group !== group) throw new Error(`route ${routeId} is not in group ${group}`);
    byRouteKey.set(routeKeyOf(spec), { spec, implement: implement as RouteImplementation<RouteSpec> });
  }

  const dispatch = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = Date.now();
    const entry = byRouteKey.get(event.routeKey);
    let result: HttpResult;
    try {
      if (!entry) throw new InvalidRequestError(`No route ${event.routeKey} in this function.`);
      const { spec, implement } = entry;
      const caller = authorize(spec, event);
      const params = validate(spec.params, event.pathParameters ?? {}, 'path');
      const query = validate(spec.query, event.queryStringParameters ?? {}, 'query');
      const { rawBody, body: json } = readBody(spec, event);
      const body = spec.bodyType === 'json' ? validate(spec.body, json, 'body') : undefined;
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
