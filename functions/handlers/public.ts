// Unauthenticated routes: liveness and the OpenAPI document.
import { buildOpenApiDocument } from '../api/openapi.js';
import { createGroupHandler, publicOnly } from '../http/handler.js';

let document: ReturnType<typeof buildOpenApiDocument> | null = null;

export const handler = createGroupHandler('public', publicOnly, {
  health: async () => ({ statusCode: 200, body: { status: 'ok' } }),
  openapi: async () => {
    document ??= buildOpenApiDocument({ includeLocalOnly: process.env.PORTAL_LOCAL === 'true' });
    return { statusCode: 200, body: document };
  },
});
