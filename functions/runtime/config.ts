// Configuration read once from the environment, validated, failing fast with a message naming the variable.

export interface StoreConfig {
  tableName: string;
  /** Set locally: the DynamoDB Local endpoint. Unset in AWS. */
  endpoint: string | undefined;
  region: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set; set it to configure the portal.`);
  return value;
}

let storeConfig: StoreConfig | null = null;

export function getStoreConfig(): StoreConfig {
  storeConfig ??= {
    tableName: required('TABLE_NAME'),
    endpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    region: process.env.AWS_REGION || 'us-east-1',
  };
  return storeConfig;
}

/** Tests and the local runtime point the portal at another table or engine; the next read re-reads env. */
export function resetConfig(): void {
  storeConfig = null;
}

export function optionalEnv(name: string): string | undefined {
  return process.env[name] || undefined;
}

export { required as requiredEnv };
