// Picks the identity provider for this process: Cognito when a user pool is configured, else the local one.
import type { IdentityProvider } from './provider.js';
import { localIdentityProvider } from './provider.js';

let chosen: IdentityProvider | null = null;

export async function identityProvider(): Promise<IdentityProvider> {
  if (chosen) return chosen;
  const userPoolId = process.env.USER_POOL_ID;
  if (userPoolId) {
    const { cognitoIdentityProvider } = await import('./cognito.js');
    chosen = cognitoIdentityProvider(userPoolId);
  } else {
    chosen = localIdentityProvider;
  }
  return chosen;
}
