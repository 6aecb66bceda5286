// Plays API Gateway HTTP API on one machine: matches the route table, checks the bearer token like the JWT
// authorizer (claims handed over as strings), builds the payload-2.0 event and calls the group's handler.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteSpec, routeKeyOf, routeList } from '../../functions/api/routes.js';
import { errorBody } from '../../functions/http/errors.js';
import { verifyLocalToken } from '../../functions/identity/tokens.js';
import { loadHandler } from './handlers.js';
import { lambdaContext } from './lambda-context.js';

/** API Gateway's own payload limit; the handlers enforce the portal's 256 KiB limit below it. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

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

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

async function serveStatic(webRoot: string, path: string, res: ServerResponse): Promise<boolean> {
  const relative = path === '/' ? 'index.html' : path.slice(1);
  const file = normalize(join(webRoot, relative));
  if (!file.startsWith(webRoot) || !STATIC_TYPES[extname(file)]) return false;
  try {
    const content = await readFile(file);
    res.writeHead(200, { 'content-type': STATIC_TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(content);
    return true;
  } catch {
    return false;
  }
}

function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return /^text\/|json|xml|x-www-form-urlencoded/i.test(contentType);
}

export interface GatewayOptions {
  jwtSecret: string;
  webRoot?: string;
}

export async function handleRequest(req: IncomingMessage, res: ServerResponse, options: GatewayOptions) {
  const url = new URL(req.url ?? '/', 'http://local');
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, url.pathname);
  if (!match) {
    if (method === 'GET' && options.webRoot && (await serveStatic(options.webRoot, url.pathname, res)))
      return;
    return send(res, 404, errorBody('not_found', `No route ${method} ${url.pathname}; see /openapi.json.`));
  }
  const raw = await readBody(req);
  if (raw === null)
    return send(res, 413, errorBody('payload_too_large', 'The body is too large; send a smaller one.'));

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const requestId = randomUUID();
  let authorizer: { jwt: { claims: Record<string, string>; scopes: null } } | undefined;
  if (match.spec.access !== 'public') {
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    const claims = bearer ? await verifyLocalToken(bearer.trim(), options.jwtSecret) : null;
    if (!claims) {
      return send(res, 401, errorBody('unauthorized', 'Sign in first: send authorization: Bearer <token>.'));
    }
    authorizer = { jwt: { claims, scopes: null } };
  }

  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const textual = isTextual(headers['content-type']);
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
      ? { body: textual ? raw.toString('utf8') : raw.toString('base64'), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
  };

  let result: APIGatewayProxyStructuredResultV2;
  try {
    const handler = await loadHandler(match.spec.group);
    result = await handler(event, lambdaContext(match.spec.group, requestId));
  } catch (error) {
    // Lambda would answer 500 for a crashed function; say so without internals.
    console.error(`[local gateway] ${routeKey} crashed:`, error);
    return send(res, 500, errorBody('internal_error', 'Something went wrong on our side; try again.'));
  }
  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) responseHeaders[name] = String(value);
  res.writeHead(result.statusCode ?? 200, responseHeaders);
  res.end(
    result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body) : undefined,
  );
}

export function createGateway(options: GatewayOptions): Server {
  return createServer((req, res) => {
    handleRequest(req, res, options).catch((error) => {
      console.error('[local gateway] request failed:', error);
      if (!res.headersSent)
        send(res, 500, errorBody('internal_error', 'Something went wrong on our side; try again.'));
      else res.end();
    });
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
