// The HTTP API's Lambda (REQUEST) authorizer in AWS: one authorizer for every route that needs a token, verifying
// both kinds the API accepts (a Cognito user's ID token and a NEXUS server's own token) and handing the verified
// claims, every value a string, to the route's function as `requestContext.authorizer.lambda`.
//
// It never refuses: a simple response with isAuthorized false makes API Gateway answer 403 with its own body,
// while API.md wants 401 `unauthorized` for a missing or bad token. So a token it cannot verify gets an empty
// context and the function answers 401 in the portal's error shape (functions/http/authenticate.ts). A request
// without an authorization header never reaches it: API Gateway answers 401 itself (the identity source).
// Results are cached per authorization header (infra/stack.ts); the functions still read the caller from the
// table on every request, so a revocation takes effect at the next request, cache or not.
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import {
  type BearerVerifier,
  bearerOf,
  cognitoIdTokenVerifier,
  serverTokenVerifier,
  verifyBearer,
} from '../identity/bearer.js';
import { serverKeys } from '../identity/server-keys.js';
import { requiredEnv } from '../runtime/config.js';

/** What the route's function receives: the token's claims as strings; empty when the token is not valid. */
export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<Record<string, string>>;

/** The authorizer over `verifiers` (tests pass a Cognito verifier with local keys). */
export function createAuthorizer(verifiers: () => readonly BearerVerifier[]) {
  return async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    const token = bearerOf(header);
    const claims = token ? await verifyBearer(token, verifiers()) : null;
    return { isAuthorized: true, context: claims ?? {} };
  };
}

let configured: BearerVerifier[] | null = null;

/** The verifiers of this deployment, from COGNITO_ISSUER, COGNITO_CLIENT_ID and the server-credential secret. */
function deployedVerifiers(): BearerVerifier[] {
  // Server tokens first: they are checked without the network; a Cognito token (RS256) fails there at once.
  configured ??= [
    serverTokenVerifier(serverKeys),
    cognitoIdTokenVerifier({
      issuer: requiredEnv('COGNITO_ISSUER'),
      clientId: requiredEnv('COGNITO_CLIENT_ID'),
    }),
  ];
  return configured;
}

export const handler = createAuthorizer(deployedVerifiers);
