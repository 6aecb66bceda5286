// Starts one in-memory DynamoDB Local for the whole test run (each test file makes its own table in it) and
// builds the dashboard once, for the test portals to serve.
import type { TestProject } from 'vitest/node';
import { type DynamoLocal, freePort, startDynamoLocal } from '../../infra/local/dynamo.js';
import { buildSite, type Site } from '../../web/build.js';

let engine: DynamoLocal | null = null;

export default async function setup(project: TestProject) {
  // Built while Java starts; a failed build still stops the engine.
  const site = buildSite();
  site.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  engine = await startDynamoLocal({ port: await freePort() });
  project.provide('dynamoEndpoint', engine.endpoint);
  try {
    project.provide('dashboardSite', await site);
  } catch (error) {
    await engine.stop();
    throw error;
  }
  return async () => {
    await engine?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    /** The dashboard built from web/src, served by every test portal. */
    dashboardSite: Site;
  }
}
