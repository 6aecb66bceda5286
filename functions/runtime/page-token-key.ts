// The HMAC key that signs page tokens, read once per process: locally from the environment, in AWS from Secrets Manager.
//
// Locally the runtime puts the key of <DATA_DIR>/page-token-key (mode 0600) into PAGE_TOKEN_SECRET. In AWS the
// stack creates a Secrets Manager secret and passes its ARN in PAGE_TOKEN_SECRET_ARN; the functions that page
// read it once at cold start (one GetSecretValue) and may read nothing else (docs/deploy.md says why not KMS).

let cached: { source: string; key: Promise<Uint8Array> } | null = null;

async function fromSecretsManager(secretArn: string): Promise<Uint8Array> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ maxAttempts: 3 });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new Error(`Secret ${secretArn} (PAGE_TOKEN_SECRET_ARN) holds no string.`);
    return new TextEncoder().encode(SecretString);
  } finally {
    client.destroy();
  }
}

/**
 * The page-token HMAC key as bytes. Reads PAGE_TOKEN_SECRET (local) or the secret named by PAGE_TOKEN_SECRET_ARN
 * (AWS) once, and again only when those variables change (the local runtime starts several portals in one
 * test process). Throws naming both variables when neither is set; a failed read is retried by the next call.
 */
export function pageTokenKey(): Promise<Uint8Array> {
  const local = process.env.PAGE_TOKEN_SECRET;
  const arn = process.env.PAGE_TOKEN_SECRET_ARN;
  const source = local ? `env:${local}` : `arn:${arn ?? ''}`;
  if (cached?.source !== source) {
    let key: Promise<Uint8Array>;
    if (local) key = Promise.resolve(new TextEncoder().encode(local));
    else if (arn) key = fromSecretsManager(arn);
    else {
      key = Promise.reject(
        new Error(
          'Neither PAGE_TOKEN_SECRET (local runtime) nor PAGE_TOKEN_SECRET_ARN (AWS) is set; set one to sign page tokens.',
        ),
      );
    }
    const entry = { source, key };
    key.catch(() => {
      // Forget a failed read, so that a later request tries again instead of failing for the container's life.
      if (cached === entry) cached = null;
    });
    cached = entry;
  }
  return cached.key;
}
