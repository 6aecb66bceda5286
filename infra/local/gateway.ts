// Plays API Gateway HTTP API on one machine: matches the route table, checks the bearer token like the API's
// Lambda authorizer (local user tokens and servers' own tokens; claims handed over as strings), builds the payload-2.0 event and calls the group's handler. It
// also guards the edge as a server must: a 16 KiB header limit (431), at most 256 KiB + 1 body bytes read, and
// only after authentication, and a graceful stop.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteSpec, routeKeyOf, routeList } from '../../functions/api/routes.js';
import { errorBody } from '../../functions/http/errors.js';
import { MAX_BODY_BYTES } from '../../functions/http/handler.js';
import {
  bearerOf,
  localTokenVerifier,
  serverTokenVerifier,
  verifyBearer,
} from '../../functions/identity/bearer.js';
import { serverKeys } from '../../functions/identity/server-keys.js';
import { decodeJwt } from 'jose';
import type { Site, SiteFile } from '../../web/build.js';
import { loadHandler } from './handlers.js';
import { lambdaContext } from './lambda-context.js';

/** API.md: "A request line plus headers over 16 KiB → 431 with the error shape (`header_too_large`)". */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Body bytes the gateway reads at most: one past the portal's limit, enough for the handler to answer 413 in
 * API.md's order (after 401 and 403) without reading the rest (issue 10: "never read past 256 KiB + 1").
 */
export const BODY_READ_LIMIT = MAX_BODY_BYTES + 1;

/** How long a stop waits for requests in flight before it closes their connections, milliseconds. */
export const STOP_GRACE_MS = 10_000;

/** How long a connection whose body was left unread stays half-closed after the answer, milliseconds. */
const LINGER_MS = 2000;

/** Servers that are stopping: their answers carry `connection: close`, so keep-alive clients move on. */
const stopping = new WeakSet<Server>();

interface CompiledRoute {
  spec: RouteSpec;
  segments: string[];
}

const compiled: CompiledRoute[] = routeList.map((spec) => ({
  spec,
  segments: spec.path.split('/').slice(1),
}));

export function matchRoute(
  method: string,
  path: string,
): { spec: RouteSpec; pathParameters: Record<string, string> } | null {
  const parts = path.split('/').slice(1);
  for (const route of compiled) {
    if (route.spec.method !== method || route.segments.length !== parts.length) continue;
    const pathParameters: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const segment = route.segments[i] ?? '';
      const part = parts[i] ?? '';
      if (segment.startsWith('{')) {
        if (part === '') ok = false;
        else {
          try {
            pathParameters[segment.slice(1, -1)] = decodeURIComponent(part);
          } catch {
            pathParameters[segment.slice(1, -1)] = part;
          }
        }
      } else if (segment !== part) ok = false;
    }
    if (ok) return { spec: route.spec, pathParameters };
  }
  return null;
}

/**
 * Ends the connection after this answer when it is a 413 (API.md "After a 413 the portal closes the connection
 * (`connection: close`), so the client's next request works") or the request's body was not read to its end:
 * unread body bytes must never be taken for the next request. Also while the server stops.
 */
function closeIfUnread(
  req: IncomingMessage,
  res: ServerResponse,
  server: Server | undefined,
  status: number,
): void {
  if (status === 413 || !req.complete || (server && stopping.has(server)))
    res.setHeader('connection', 'close');
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  server: Server | undefined,
  status: number,
  body: unknown,
): void {
  closeIfUnread(req, res, server, status);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The request body, read up to `limit` bytes: `complete` false when the client sent more (the rest stays unread
 * on the socket, which then closes after the answer).
 */
function readBodyUpTo(req: IncomingMessage, limit: number): Promise<{ bytes: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (complete: boolean) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      // Stop reading the socket too, not only the request stream: nothing more of this body is wanted.
      if (!complete) {
        req.pause();
        req.socket.pause();
        closeInStages(req.socket);
      }
      resolve({ bytes: Buffer.concat(chunks), complete });
    };
    const onData = (chunk: Buffer) => {
      const room = limit - size;
      if (chunk.length < room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, room));
      size += room;
      finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => reject(error);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

/**
 * Node closes a `connection: close` socket the moment its answer is written; with body bytes still arriving,
 * that close sends a reset, and a client that is still sending may lose the answer (RFC 9112 section 9.6 asks
 * for a close in stages). So this socket half-closes after the answer (FIN), reads nothing more, and is closed
 * LINGER_MS later, by when the client has read the answer.
 */
function closeInStages(socket: Socket): void {
  socket.destroySoon = function (this: Socket) {
    if (this.writable) this.end();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local runtime's /config.json, read by the page at start (web/src/sign-in.ts): sign in through
 * POST /v1/auth/token. Deployed, the stack writes Cognito's {region, userPoolClientId} there instead
 * (infra/constructs/dashboard.ts); served here, a local page load asks for nothing that is missing.
 */
export const LOCAL_CONFIG_FILE: SiteFile = {
  contentType: 'application/json',
  body: JSON.stringify({ auth: 'local' }),
};

/**
 * Serves a file of the built dashboard (web/build.ts); `/` is its index.html, and `/config.json` the local
 * sign-in config unless the site brings its own. False when there is none.
 */
function serveStatic(site: Site, path: string, res: ServerResponse): boolean {
  const key = path === '/' ? '/index.html' : path;
  const file = Object.hasOwn(site, key) ? site[key] : key === '/config.json' ? LOCAL_CONFIG_FILE : undefined;
  if (!file) return false;
  res.writeHead(200, { 'content-type': file.contentType });
  res.end(file.body);
  return true;
}

function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return /^text\/|json|xml|x-www-form-urlencoded/i.test(contentType);
}

export interface GatewayOptions {
  jwtSecret: string;
  /** The built dashboard, served for every GET that is not an API route. */
  site?: Site;
}

/**
 * Serves one request as API Gateway and Lambda would: route match (else a static file or 404), the token check
 * (401, before any body byte is read), at most BODY_READ_LIMIT body bytes, then the group's handler, which
 * decides 403, 413, 415 and 400 in API.md's order. `server`: the gateway serving it (for a graceful stop).
 */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: GatewayOptions,
  server?: Server,
) {
  const url = new URL(req.url ?? '/', 'http://local');
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, url.pathname);
  if (!match) {
    closeIfUnread(req, res, server, 404);
    if (method === 'GET' && options.site && serveStatic(options.site, url.pathname, res)) return;
    return send(
      req,
      res,
      server,
      404,
      errorBody('not_found', `No route ${method} ${url.pathname}; see /openapi.json.`),
    );
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const requestId = randomUUID();
  let authorizer: { lambda: Record<string, string> } | undefined;
  if (match.spec.access !== 'public') {
    const bearer = bearerOf(headers.authorization);
    const verifiers = [localTokenVerifier(options.jwtSecret), serverTokenVerifier(serverKeys)];
    const claims = bearer ? await verifyBearer(bearer, verifiers) : null;
    if (!claims) {
      return send(req, res, server, 401, errorBody('unauthorized', refusedTokenMessage(bearer)));
    }
    // As the Lambda authorizer hands them over (functions/handlers/authorizer.ts): its context, as strings.
    authorizer = { lambda: claims };
  }
  const { bytes: raw } = await readBodyUpTo(req, BODY_READ_LIMIT);

  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  // API Gateway hands text bodies over decoded and binary ones base64-encoded. A body that is not valid UTF-8 is
  // handed over as bytes (base64), so the handler's fatal decoder refuses it in API.md's order, instead of
  // API Gateway's U+FFFD replacements (which the handler refuses in text bodies).
  const asText = isTextual(headers['content-type']) && isValidUtf8(raw);
  const routeKey = routeKeyOf(match.spec);
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(authorizer ? { authorizer } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(raw.length
      ? { body: asText ? raw.toString('utf8') : raw.toString('base64'), isBase64Encoded: !asText }
      : { isBase64Encoded: false }),
  };

  let result: APIGatewayProxyStructuredResultV2;
  try {
    const handler = await loadHandler(match.spec.group);
    result = await handler(event, lambdaContext(match.spec.group, requestId));
  } catch (error) {
    // Lambda would answer 500 for a crashed function; say so without internals.
    console.error(`[local gateway] ${routeKey} crashed:`, error);
    return send(
      req,
      res,
      server,
      500,
      errorBody('internal_error', 'Something went wrong on our side; try again.'),
    );
  }
  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) responseHeaders[name] = String(value);
  closeIfUnread(req, res, server, result.statusCode ?? 200);
  res.writeHead(result.statusCode ?? 200, responseHeaders);
  res.end(
    result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body) : undefined,
  );
}

/** The answer to a request Node's parser refused, written straight to the socket: status and error body. */
function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; reason: string; body: unknown } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      body: errorBody(
        'header_too_large',
        `The request line and headers are over ${MAX_HEADER_BYTES / 1024} KiB; send a shorter URL, token or headers.`,
      ),
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      reason: 'Request Timeout',
      body: errorBody('request_timeout', 'The request took too long to arrive; send it again.'),
    };
  }
  return {
    status: 400,
    reason: 'Bad Request',
    body: errorBody('invalid_request', 'The request is not valid HTTP/1.1; check how it is sent.'),
  };
}

/**
 * The local API Gateway: an HTTP server with a 16 KiB limit on the request line plus headers, answering what
 * Node's parser refuses with the error shape (431 `header_too_large` instead of Node's empty body).
 */
export function createGateway(options: GatewayOptions): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    handleRequest(req, res, options, server).catch((error) => {
      console.error('[local gateway] request failed:', error);
      if (!res.headersSent)
        send(
          req,
          res,
          server,
          500,
          errorBody('internal_error', 'Something went wrong on our side; try again.'),
        );
      else res.end();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(error);
    const body = JSON.stringify(answer.body);
    // Half-close after the answer (FIN, not a reset), so the client reads it even while it is still sending.
    socket.end(
      `HTTP/1.1 ${answer.status} ${answer.reason}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    socket.setTimeout(1000, () => socket.destroy());
  });
  return server;
}

/**
 * Stops a gateway gracefully: no new connections, idle keep-alive connections closed, requests in flight
 * finished (their answers say `connection: close`), and after `graceMs` whatever is still open is closed.
 * Resolves when the server has closed.
 */
export function stopGateway(server: Server, graceMs = STOP_GRACE_MS): Promise<void> {
  stopping.add(server);
  return new Promise<void>((done) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      done();
    });
    server.closeIdleConnections();
    // A keep-alive connection whose request finishes later is idle then: close it as soon as it is.
    server.on('request', (_req, res) => res.once('finish', () => server.closeIdleConnections()));
  });
}

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * The 401's sentence when the authorizer refused: no token, an expired one (read from its unverified payload,
 * for the message only), or one that is not valid here. Says what to do next (API.md: "one sentence a person
 * can act on").
 */
export function refusedTokenMessage(bearer: string | null): string {
  if (!bearer)
    return 'Sign in first: send authorization: Bearer <token>, with a token from POST /v1/auth/token (a NEXUS server: POST /v1/auth/server-token).';
  let exp: unknown;
  try {
    exp = decodeJwt(bearer).exp;
  } catch {
    exp = undefined;
  }
  if (typeof exp === 'number' && exp * 1000 <= Date.now())
    return 'The token has expired; sign in again for a new one (POST /v1/auth/token, or POST /v1/auth/server-token for a NEXUS server).';
  return 'The token is not valid here (altered, signed with another key or not issued by this portal); sign in again for a new one.';
}
