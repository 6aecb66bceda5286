// The HTTP API's Lambda authorizer (AWS): Cognito ID tokens of the pool's app client and servers' own tokens
// pass with their claims as strings; anything else passes with no claims, so the function answers 401 in the
// portal's error shape (an isAuthorized false would be API Gateway's 403).
import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet } from 'jose';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../functions/handlers/authorizer.js';
import { cognitoIdTokenVerifier, serverTokenVerifier } from '../../functions/identity/bearer.js';
import { issueServerToken } from '../../functions/identity/server-tokens.js';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Test';
const CLIENT = 'app-client-1';
const serverKey = new Uint8Array(32).fill(3);
let authorize: ReturnType<typeof createAuthorizer>;
let sign: (
  claims: Record<string, unknown>,
  options?: { issuer?: string; audience?: string },
) => Promise<string>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const verifiers = [
    serverTokenVerifier(async () => ({ hash: new Uint8Array(32), token: serverKey })),
    cognitoIdTokenVerifier({ issuer: ISSUER, clientId: CLIENT, keys: createLocalJWKSet({ keys: [jwk] }) }),
  ];
  authorize = createAuthorizer(() => verifiers);
  sign = (claims, options = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? CLIENT)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
});

function event(authorization?: string): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/$default/GET/v1/licenses',
    identitySource: authorization ? [authorization] : [],
    routeKey: 'GET /v1/licenses',
    rawPath: '/v1/licenses',
    rawQueryString: '',
    cookies: [],
    headers: authorization ? { authorization } : {},
    requestContext: {} as APIGatewayRequestAuthorizerEventV2['requestContext'],
  };
}

describe('the Lambda authorizer', () => {
  it("hands over a Cognito ID token's claims as strings, as the JWT authorizer did", async () => {
    const token = await sign({
      token_use: 'id',
      'cognito:username': 'usr_1',
      'custom:account': 'acc_1',
      'custom:admin': 'true',
      'cognito:groups': ['a', 'b'],
    });
    const result = await authorize(event(`Bearer ${token}`));
    expect(result.isAuthorized).toBe(true);
    expect(result.context).toMatchObject({
      'cognito:username': 'usr_1',
      'custom:account': 'acc_1',
      'custom:admin': 'true',
      'cognito:groups': '[a b]',
      iss: ISSUER,
    });
    expect(Object.values(result.context).every((value) => typeof value === 'string')).toBe(true);
  });

  it("hands over a server token's claims", async () => {
    const token = await issueServerToken(
      { credentialId: 'crd_1', serverId: 'srv_1', accountId: 'acc_1' },
      serverKey,
      new Date(),
    );
    const result = await authorize(event(`bearer ${token}`));
    expect(result).toMatchObject({
      isAuthorized: true,
      context: { sub: 'crd_1', server: 'srv_1', account: 'acc_1', token_use: 'server' },
    });
  });

  it.each([
    ['a Cognito access token (no custom claims)', async () => sign({ token_use: 'access', sub: 'u' })],
    ['a token of another app client', async () => sign({ token_use: 'id' }, { audience: 'other-client' })],
    ['a token of another pool', async () => sign({ token_use: 'id' }, { issuer: `${ISSUER}x` })],
    [
      'a server token signed with another key',
      async () =>
        issueServerToken(
          { credentialId: 'c', serverId: 's', accountId: 'a' },
          new Uint8Array(32),
          new Date(),
        ),
    ],
    ['garbage', async () => 'not-a-jwt'],
  ])('passes %s on with no claims (the function answers 401)', async (_name, token) => {
    expect(await authorize(event(`Bearer ${await token()}`))).toEqual({ isAuthorized: true, context: {} });
  });

  it('passes a header that is not a bearer token on with no claims', async () => {
    expect(await authorize(event('Basic dXNlcjpwYXNz'))).toEqual({ isAuthorized: true, context: {} });
    expect(await authorize(event())).toEqual({ isAuthorized: true, context: {} });
  });
});
