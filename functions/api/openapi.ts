// Builds the OpenAPI 3.1 document from the route table and its zod schemas: no hand-kept copy to drift.
import * as z from 'zod/mini';
import type { ErrorCode } from '../../domain/errors.js';
import { STATUS_OF } from '../http/errors.js';
import { type RouteSpec, routeList } from './routes.js';
import { errorResponse } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.core.$ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema);
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: prop });
    }
  }
  return out;
}

const STANDARD_ERRORS: Record<string, string> = {
  '400': 'invalid_request',
  '401': 'unauthorized',
  '403': 'forbidden',
};

export function buildOpenApiDocument(options: { includeLocalOnly: boolean }) {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routeList) {
    if (spec.localOnly && !options.includeLocalOnly) continue;
    const responses: Record<string, JsonSchema> = {};
    const contentType = spec.success.contentType ?? 'application/json';
    responses[String(spec.success.status)] = {
      description: 'Success',
      ...(spec.success.schema
        ? { content: { [contentType]: { schema: schemaOf(spec.success.schema) } } }
        : spec.success.contentType
          ? { content: { [contentType]: { schema: { type: 'string' } } } }
          : {}),
    };
    const errorContent = {
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    const statuses = new Set(Object.keys(STANDARD_ERRORS));
    if (spec.access === 'public') statuses.delete('401');
    if (spec.access === 'public' || spec.access === 'user') statuses.delete('403');
    if (spec.bodyType !== 'none') {
      statuses.add('413');
      statuses.add('415');
    }
    const statusOf = (code: ErrorCode) => String(STATUS_OF[code]);
    for (const code of spec.errors ?? []) statuses.add(statusOf(code));
    for (const status of [...statuses].sort()) {
      const codes = (spec.errors ?? []).filter((code) => statusOf(code) === status);
      const named = [STANDARD_ERRORS[status], ...codes].filter(Boolean).join(', ');
      responses[status] = { description: named ? `Error: ${named}` : 'Error', ...errorContent };
    }
    const operation: JsonSchema = {
      operationId: spec.id,
      summary: spec.summary,
      tags: [spec.group],
      parameters: parameters(spec),
      responses,
      ...(spec.access === 'public' ? { security: [] } : {}),
      ...(spec.localOnly ? { 'x-local-only': true } : {}),
      'x-access': spec.access,
    };
    if (spec.bodyType === 'json' && spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(spec.body) } },
      };
    } else if (spec.bodyType === 'text') {
      operation.requestBody = { required: true, content: { 'text/plain': { schema: { type: 'string' } } } };
    }
    const pathItem = paths[spec.path] ?? {};
    pathItem[spec.method.toLowerCase()] = operation;
    paths[spec.path] = pathItem;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'NEXUS license portal',
      version: '1.0.0',
      description: 'Server licenses, CALs, signed .alf files and External PLS seats for Altium NEXUS Server.',
    },
    servers: [{ url: 'http://127.0.0.1:9780', description: 'local runtime' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: schemaOf(errorResponse) },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
