// Stands in for @aws-sdk/credential-provider-node in the Lambda bundles (esbuild alias): Lambda hands every
// function its role's credentials in environment variables, so the SDK's full chain (INI and SSO files, STS
// web identity, container and instance metadata, ~90 KB with its nested STS/SSO clients) is dead weight there.

interface LambdaCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Same shape as the SDK's defaultProvider: a factory of a credentials provider. */
export function defaultProvider(_init?: unknown): () => Promise<LambdaCredentials> {
  return async () => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; this bundle only runs in Lambda, which sets them.',
      );
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  };
}

// The SDK's module exports these too; clients do not use them, but keep the module's shape.
export const credentialsWillNeedRefresh = (_credentials: unknown): boolean => false;
export const credentialsTreatedAsExpired = (_credentials: unknown): boolean => false;
