// The deployment adapter: handlers ask it what they may do; AWS unless the local runtime supplies its own.
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AWS_DEPLOYMENT, LOCAL_DEPLOYMENT, useDeployment } from '../../functions/runtime/deployment.js';

const event = JSON.parse(readFileSync('events/http/openapi.json', 'utf8')) as APIGatewayProxyEventV2;

/** /openapi.json from a freshly loaded public function (it builds its document once per instance). */
async function servedDocument(): Promise<any> {
  vi.resetModules();
  const deployment = await import('../../functions/runtime/deployment.js');
  deployment.useDeployment(current);
  const { handler } = await import('../../functions/handlers/public.js');
  const res = (await handler(event, {} as never)) as { statusCode: number; body: string };
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body);
}
let current = AWS_DEPLOYMENT;

afterEach(() => {
  current = AWS_DEPLOYMENT;
  useDeployment(null);
});

describe('the deployment the handlers serve', () => {
  it('is AWS unless the local runtime supplies its own: the local-only token route is described only locally', async () => {
    expect((await servedDocument()).paths['/v1/auth/token']).toBeUndefined();
    current = LOCAL_DEPLOYMENT;
    expect((await servedDocument()).paths['/v1/auth/token']).toBeDefined();
  });
});
