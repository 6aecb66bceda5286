// `npm run openapi`: writes docs/openapi.json from the route table (a test checks it is up to date).
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../functions/api/openapi.js';

export const OPENAPI_FILE = 'docs/openapi.json';

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApiDocument({ includeLocalOnly: true }), null, 2)}\n`;
}

if (process.argv[1]?.endsWith('openapi.ts')) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
