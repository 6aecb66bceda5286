// The Cognito adapter of the identity-provider port (built out by the deployment issue).
import type { IdentityProvider } from './provider.js';

export function cognitoIdentityProvider(_userPoolId: string): IdentityProvider {
  throw new Error(
    'The Cognito identity provider is not implemented yet; unset USER_POOL_ID to use the local one.',
  );
}
