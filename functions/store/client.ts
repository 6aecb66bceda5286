// One DocumentClient for the process, pointed at DynamoDB (AWS) or DynamoDB Local (DYNAMODB_ENDPOINT).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getStoreConfig } from '../runtime/config.js';

export interface TableContext {
  doc: DynamoDBDocumentClient;
  table: string;
}

let cached: { key: string; context: TableContext } | null = null;

export function createDocumentClient(endpoint: string | undefined, region: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The table and client of this process (module scope, reused across invocations). */
export function tableContext(): TableContext {
  const config = getStoreConfig();
  const key = `${config.endpoint ?? 'aws'}|${config.region}|${config.tableName}`;
  if (!cached || cached.key !== key) {
    cached = {
      key,
      context: { doc: createDocumentClient(config.endpoint, config.region), table: config.tableName },
    };
  }
  return cached.context;
}
