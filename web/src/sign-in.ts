// Where the page signs in. Deployed, CloudFront serves /config.json ({region, userPoolClientId}, written by the
// stack) and the page signs in with Cognito's USER_PASSWORD_AUTH; the local runtime serves {"auth":"local"}
// there (infra/local/gateway.ts), so the page uses its POST /v1/auth/token through the typed client.
import { issueToken, type PortalClient, PortalError } from '../../client/index.js';

/** Where Cognito sign-in goes, from /config.json. */
export interface CognitoConfig {
  region: string;
  userPoolClientId: string;
}

/** What the local runtime serves as /config.json: sign in through the portal's own token route. */
export interface LocalConfig {
  auth: 'local';
}

/**
 * Reads /config.json once: Cognito's settings when it names them, else null (local sign-in): when it says
 * `{"auth":"local"}` (the local runtime), and also when it is missing or malformed.
 */
export async function loadSignInConfig(): Promise<CognitoConfig | null> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) return null;
    const config = (await response.json()) as (Partial<CognitoConfig> & Partial<LocalConfig>) | null;
    if (config?.auth === 'local') return null;
    const valid =
      typeof config?.userPoolClientId === 'string' &&
      /^[\w+]+$/.test(config.userPoolClientId) &&
      typeof config.region === 'string' &&
      /^[a-z]{2}(-[a-z]+)+-\d+$/.test(config.region);
    return valid
      ? { region: config.region as string, userPoolClientId: config.userPoolClientId as string }
      : null;
  } catch {
    return null;
  }
}

/** Cognito's answers to a failed InitiateAuth, in words for people; others show Cognito's own message. */
const COGNITO_ERRORS: Record<string, string> = {
  NotAuthorizedException: 'Incorrect email or password.',
  UserNotFoundException: 'Incorrect email or password.',
  PasswordResetRequiredException: 'Your password must be reset; ask your portal operator.',
  UserNotConfirmedException: 'Your account is not confirmed yet; ask your portal operator.',
  TooManyRequestsException: 'Too many sign-in attempts; wait a minute and try again.',
};

/**
 * Signs in with Cognito (a plain HTTPS call, no SDK) and returns the ID token: the API's JWT authorizer checks ID
 * tokens, whose audience is the app client and which carry custom:account.
 */
async function cognitoSignIn(config: CognitoConfig, username: string, password: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`https://cognito-idp.${config.region}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config.userPoolClientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch {
    throw new PortalError(
      0,
      'network_error',
      'The sign-in service cannot be reached; check your connection and try again.',
    );
  }
  const answer = (await response.json().catch(() => ({}))) as {
    __type?: string;
    message?: string;
    AuthenticationResult?: { IdToken?: string };
    ChallengeName?: string;
  };
  if (!response.ok) {
    const type = String(answer.__type ?? '')
      .split('#')
      .pop() as string;
    const message =
      COGNITO_ERRORS[type] ?? answer.message ?? `Sign-in failed (${response.status}); try again.`;
    throw new PortalError(response.status, type || 'sign_in_failed', message);
  }
  const idToken = answer.AuthenticationResult?.IdToken;
  if (!idToken) {
    // A challenge (MFA code, new password) that this page cannot answer yet.
    throw new PortalError(
      0,
      'challenge',
      `Your account needs a sign-in step this page does not offer (${answer.ChallengeName ?? 'unknown'}); ask your portal operator.`,
    );
  }
  return idToken;
}

/** The bearer token for the API: Cognito's ID token when deployed, the local runtime's token locally. */
export async function signIn(
  config: CognitoConfig | null,
  client: PortalClient,
  username: string,
  password: string,
): Promise<string> {
  if (config) return cognitoSignIn(config, username, password);
  return (await issueToken(client, username, password)).accessToken;
}
