// The OpenAPI document is generated from the one route table: every route is in it, with its statuses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi.js';
import { buildOpenApiDocument } from '../../functions/api/openapi.js';
import { routeList } from '../../functions/api/routes.js';

describe('OpenAPI document', () => {
  const document = buildOpenApiDocument({ includeLocalOnly: true });
  const deployed = buildOpenApiDocument({ includeLocalOnly: false });

  it('has exactly the routes of the route table, each with its success status', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of routeList) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()] as {
        responses: Record<string, unknown>;
      };
      expect(Object.keys(operation.responses)).toContain(String(route.success.status));
    }
  });

  it('leaves local-only routes out of the deployed document', () => {
    expect(deployed.paths['/v1/auth/token']).toBeUndefined();
    expect(document.paths['/v1/auth/token']).toBeDefined();
  });

  it('documents the error statuses API.md names, e.g. 409 seats_exhausted on sign-in and 413/415 on bodies', () => {
    const signIn = document.paths['/v1/servers/{serverId}/sessions']?.post as {
      responses: Record<string, any>;
    };
    expect(signIn.responses['409'].description).toContain('seats_exhausted');
    expect(signIn.responses['403'].description).toContain('server_unlicensed');
    expect(Object.keys(signIn.responses)).toEqual(
      expect.arrayContaining(['400', '401', '404', '413', '415', '503']),
    );
  });

  it('describes request bodies from the zod schemas, unknown fields refused', () => {
    const create = document.paths['/v1/accounts/{accountId}/licenses']?.post as any;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['product', 'seats']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.product.enum).toEqual([
      'Altium NEXUS Server',
      'Altium NEXUS Server CAL',
      'Altium NEXUS',
    ]);
  });

  it('is committed as docs/openapi.json, up to date (run `npm run openapi` after changing a route)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });
});
