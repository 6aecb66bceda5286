// Starts one in-memory DynamoDB Local for the whole test run; each test file makes its own table in it.
import type { TestProject } from 'vitest/node';
import { type DynamoLocal, freePort, startDynamoLocal } from '../../infra/local/dynamo.js';

let engine: DynamoLocal | null = null;

export default async function setup(project: TestProject) {
  engine = await startDynamoLocal({ port: await freePort() });
  project.provide('dynamoEndpoint', engine.endpoint);
  return async () => {
    await engine?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
