// The OpenAPI document is generated from the one route table: every route is in it, with every status it can
// answer, its media types, headers, examples and descriptions; the committed copy is up to date.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { USAGE_COLUMNS } from '../../domain/usage.js';
import { buildOpenApiDocument } from '../../functions/api/openapi.js';
import { type RouteSpec, routeList } from '../../functions/api/routes.js';
import { PAGE_LIMIT, usageRow } from '../../functions/api/schemas.js';
import { DEFAULT_PAGE_SIZE } from '../../functions/store/paging.js';
import { CLIENT_TYPES_FILE, OPENAPI_FILE, renderClientTypes, renderOpenApi } from '../../scripts/openapi.js';
import { Contract } from '../support/contract.js';

const document = buildOpenApiDocument({ includeLocalOnly: true }) as any;
const deployed = buildOpenApiDocument({ includeLocalOnly: false }) as any;

function operationOf(spec: Pick<RouteSpec, 'method' | 'path'>): any {
  return document.paths[spec.path]?.[spec.method.toLowerCase()];
}

/** A response with its $ref to a shared response followed. */
function responseOf(spec: Pick<RouteSpec, 'method' | 'path'>, status: number): any {
  const response = operationOf(spec).responses[String(status)];
  if (!response?.$ref) return response;
  return document.components.responses[response.$ref.split('/').pop()];
}

function codesOf(spec: Pick<RouteSpec, 'method' | 'path'>, status: number): string[] {
  const response = responseOf(spec, status);
  return Object.keys(response?.content?.['application/json']?.examples ?? {});
}

const signIn = { method: 'POST', path: '/v1/servers/{serverId}/sessions' } as const;

describe('OpenAPI document', () => {
  it('has exactly the routes of the route table, each with its success statuses', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of routeList) {
      expect(Object.keys(operationOf(route).responses)).toContain(String(route.success.status));
    }
  });

  it('leaves local-only routes out of the deployed document', () => {
    expect(deployed.paths['/v1/auth/token']).toBeUndefined();
    expect(document.paths['/v1/auth/token']).toBeDefined();
  });

  it('documents the second success status of a joining sign-in, an acquisition of nothing new and a repeated import', () => {
    for (const path of [
      signIn.path,
      '/v1/servers/{serverId}/acquisitions',
      '/v1/servers/{serverId}/license-files',
    ]) {
      const responses = operationOf({ method: 'POST', path }).responses;
      expect(Object.keys(responses), path).toEqual(expect.arrayContaining(['200', '201']));
      expect(responses['200'].content['application/json'].schema).toEqual(
        responses['201'].content['application/json'].schema,
      );
    }
  });

  it('names the error codes of each status, e.g. 409 seats_exhausted and 403 server_unlicensed on sign-in', () => {
    expect(codesOf(signIn, 409)).toEqual(['seats_exhausted']);
    expect(codesOf(signIn, 403).sort()).toEqual(['forbidden', 'server_unlicensed', 'user_disabled']);
    expect(codesOf(signIn, 413)).toEqual(['payload_too_large']);
    expect(codesOf(signIn, 415)).toEqual(['unsupported_media_type']);
    const schema = responseOf(signIn, 403).content['application/json'].schema;
    expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/Error' });
    expect(schema.allOf[1].properties.error.properties.code.enum.sort()).toEqual([
      'forbidden',
      'server_unlicensed',
      'user_disabled',
    ]);
  });

  it('answers 403 to operator tokens on the listing and license detail, and 401 on the token route', () => {
    expect(codesOf({ method: 'GET', path: '/v1/licenses' }, 403)).toEqual(['forbidden']);
    expect(codesOf({ method: 'GET', path: '/v1/licenses/{licenseId}' }, 403)).toEqual(['forbidden']);
    const token = { method: 'POST', path: '/v1/auth/token' } as const;
    expect(codesOf(token, 401)).toEqual(['unauthorized']);
    expect(codesOf(token, 429)).toEqual(['rate_limited']);
    expect(responseOf(token, 429).headers['retry-after'].required).toBe(true);
  });

  it('documents 503 busy with a required retry-after on every route that declares busy', () => {
    const busyRoutes = routeList.filter((route) => route.errors?.includes('busy'));
    expect(busyRoutes.map((r) => r.id)).toEqual(
      expect.arrayContaining(['renewLicense', 'signIn', 'createAssignment', 'deleteServer', 'hourlyCheck']),
    );
    for (const route of busyRoutes) {
      expect(codesOf(route, 503), route.id).toEqual(['busy']);
      expect(responseOf(route, 503).headers['retry-after'], route.id).toMatchObject({
        required: true,
        schema: { type: 'integer' },
      });
    }
  });

  it('documents text/csv beside JSON on the usage report and the .alf download as text with content-disposition', () => {
    const usage = responseOf({ method: 'GET', path: '/v1/reports/usage' }, 200);
    expect(Object.keys(usage.content).sort()).toEqual(['application/json', 'text/csv']);
    expect(usage.content['text/csv'].example.split('\r\n')[0]).toBe(USAGE_COLUMNS.join(','));
    const download = responseOf({ method: 'GET', path: '/v1/activations/{activationId}/alf' }, 200);
    expect(Object.keys(download.content)).toEqual(['text/plain']);
    expect(download.headers['content-disposition'].required).toBe(true);
  });

  it('declares the idempotency-key header, limit as an integer 1-100 and times as date-time', () => {
    const activate = operationOf({ method: 'POST', path: '/v1/licenses/{licenseId}/activations' });
    expect(activate.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: false }),
    );
    const limit = operationOf({ method: 'GET', path: '/v1/licenses' }).parameters.find(
      (p: any) => p.name === 'limit',
    );
    expect(limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 50 });
    expect(document.components.schemas.License.properties.validUntil).toEqual({
      type: 'string',
      format: 'date-time',
    });
  });

  it('keeps the documented page size and the one the store uses the same', () => {
    expect(PAGE_LIMIT.default).toBe(DEFAULT_PAGE_SIZE);
  });

  it('keeps the CSV columns and the documented usage row the same', () => {
    expect(Object.keys(usageRow._zod.def.shape)).toEqual([...USAGE_COLUMNS]);
  });

  it('declares the heartbeat body as optional and ignored', () => {
    const heartbeat = operationOf({ method: 'POST', path: '/v1/sessions/{sessionId}/heartbeat' });
    expect(heartbeat.requestBody.required).toBe(false);
    expect(heartbeat.requestBody.content['application/json'].example).toEqual({});
  });

  it('gives every request body, path id and error an example, and every operation and parameter a description', () => {
    for (const route of routeList) {
      const operation = operationOf(route);
      expect(operation.description, route.id).toBeTruthy();
      for (const parameter of operation.parameters ?? []) {
        expect(parameter.description, `${route.id} ${parameter.name}`).toBeTruthy();
        if (parameter.in === 'path') expect(parameter.example, `${route.id} ${parameter.name}`).toBeTruthy();
      }
      for (const media of Object.values<any>(operation.requestBody?.content ?? {})) {
        expect(media.example, route.id).toBeDefined();
      }
      for (const [status, declared] of Object.entries<any>(operation.responses)) {
        if (Number(status) < 400) continue;
        const response = declared.$ref
          ? document.components.responses[declared.$ref.split('/').pop()]
          : declared;
        const media = response.content['application/json'];
        const code = media.schema.allOf[1].properties.error.properties.code;
        expect(Object.keys(media.examples), `${route.id} ${status}`).toEqual(code.enum ?? [code.const]);
      }
    }
    expect(document.tags.every((tag: any) => tag.description)).toBe(true);
    expect(document.info.license.name).toBeTruthy();
  });

  it('has request body examples that the routes themselves accept', () => {
    for (const route of routeList.filter((r) => r.bodyType === 'json' && r.body)) {
      const parsed = z.safeParse(route.body as z.ZodMiniType, route.example);
      expect(parsed.success, `${route.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('refuses request fields the schema does not know, and lists the required ones', () => {
    const create = operationOf({ method: 'POST', path: '/v1/accounts/{accountId}/licenses' });
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['product', 'seats']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.product.enum).toEqual([
      'Altium NEXUS Server',
      'Altium NEXUS Server CAL',
      'Altium NEXUS',
    ]);
  });

  it('describes the fields the server sends: server status, import and sign-in', () => {
    const { schemas } = document.components;
    expect(Object.keys(schemas.ServerStatus.properties)).toEqual(
      expect.arrayContaining(['serverId', 'state', 'serverLicenseIds', 'validCalLicenseIds']),
    );
    expect(Object.keys(schemas.ImportedLicense.properties)).toEqual(
      expect.arrayContaining(['licenseId', 'product', 'kind', 'validUntil']),
    );
    expect(Object.keys(schemas.Session.properties)).toEqual(
      expect.arrayContaining(['assignmentId', 'product', 'roamingUntil']),
    );
    // Open for clients: answers may gain fields without breaking a client built from this document.
    expect(schemas.Session.additionalProperties).toBeUndefined();
  });

  it('is committed as docs/openapi.json, up to date (run `npm run openapi` after changing a route)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('has the typed client generated from the current document (client/schema.ts; `npm run openapi`)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await renderClientTypes(renderOpenApi()));
  });

  it('goes out of date when a route schema changes without regenerating, and the committed one then refuses the new field', () => {
    const health = routeList.find((route) => route.id === 'health') as RouteSpec;
    const changed = {
      ...health,
      success: { status: 200, schema: z.object({ status: z.literal('ok'), uptime: z.int() }) },
    };
    const routes = routeList.map((route) => (route.id === 'health' ? { ...changed, id: route.id } : route));
    const regenerated = `${JSON.stringify(buildOpenApiDocument({ includeLocalOnly: true, routes }), null, 2)}\n`;
    expect(regenerated).not.toBe(readFileSync(OPENAPI_FILE, 'utf8'));
    const answer = {
      method: 'GET',
      url: '/health',
      status: 200,
      headers: new Headers({ 'content-type': 'application/json' }),
      text: '{"status":"ok","uptime":5}',
    };
    expect(Contract.load().problemsOf(answer).join()).toContain('"uptime"');
    expect(new Contract(JSON.parse(regenerated)).problemsOf(answer)).toEqual([]);
  });
});
