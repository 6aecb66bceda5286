// Keys the functions hold in memory, read once per process: locally from an environment variable (the local
// runtime fills it from a 0600 file of the data folder), in AWS from a Secrets Manager secret named by ARN.

/** Where one key comes from: a variable with the key itself (local), or one with a secret's ARN (AWS). */
export interface SecretKeySource {
  /** The variable holding the key itself (local runtime), e.g. PAGE_TOKEN_SECRET. */
  localVariable: string;
  /** The variable holding the Secrets Manager secret's ARN (AWS), e.g. PAGE_TOKEN_SECRET_ARN. */
  arnVariable: string;
  /** What the key is for, in error messages, e.g. "sign page tokens". */
  purpose: string;
}

async function fromSecretsManager(secretArn: string, variable: string): Promise<Uint8Array> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ maxAttempts: 3 });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new Error(`Secret ${secretArn} (${variable}) holds no string.`);
    return new TextEncoder().encode(SecretString);
  } finally {
    client.destroy();
  }
}

/**
 * A reader of one key as bytes: reads the local variable or the secret its ARN names (one GetSecretValue) once,
 * and again only when those variables change (the local runtime starts several portals in one test process).
 * The read rejects naming both variables when neither is set; a failed read is retried by the next call.
 */
export function secretKeyReader(source: SecretKeySource): () => Promise<Uint8Array> {
  let cached: { origin: string; key: Promise<Uint8Array> } | null = null;
  return () => {
    const local = process.env[source.localVariable];
    const arn = process.env[source.arnVariable];
    const origin = local ? `env:${local}` : `arn:${arn ?? ''}`;
    if (cached?.origin !== origin) {
      let key: Promise<Uint8Array>;
      if (local) key = Promise.resolve(new TextEncoder().encode(local));
      else if (arn) key = fromSecretsManager(arn, source.arnVariable);
      else {
        key = Promise.reject(
          new Error(
            `Neither ${source.localVariable} (local runtime) nor ${source.arnVariable} (AWS) is set; set one to ${source.purpose}.`,
          ),
        );
      }
      const entry = { origin, key };
      key.catch(() => {
        // Forget a failed read, so that a later request tries again instead of failing for the container's life.
        if (cached === entry) cached = null;
      });
      cached = entry;
    }
    return cached.key;
  };
}
