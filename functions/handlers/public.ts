// Unauthenticated routes: liveness and the OpenAPI document.
import { buildOpenApiDocument } from '../api/openapi.js';
import { createGroupHandler, publicOnly } from '../http/handler.js';
import { deployment } from '../runtime/deployment.js';

let document: ReturnType<typeof buildOpenApiDocument> | null = null;

export const handler = createGroupHandler('public', publicOnly, {
  health: async () => ({ statusCode: 200, body: { status: 'ok' } }),
  openapi: async () => {
    document ??= buildOpenApiDocument({ includeLocalOnly: deployment().describesLocalOnlyRoutes });
    return { statusCode: 200, body: document };
  },
});
