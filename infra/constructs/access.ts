// What each deployed function may touch: the single least-privilege table the stack grants and the tests check.
import { GROUPS, type Group, routeList } from '../../functions/api/routes.js';

export type TableAccess = 'none' | 'read' | 'readWrite';

export interface FunctionAccess {
  table: TableAccess;
  /** kms:Sign with the .alf signing key (SIGNING_KMS_KEY_ID). */
  sign?: true;
  /** kms:GetPublicKey of the signing keys (PUBLIC_KMS_KEY_IDS), to publish or verify .alf signatures. */
  publicKeys?: true;
  /**
   * Users in the Cognito user pool (USER_POOL_ID), only on that pool: `create` (with a permanent password, and
   * deleting a user the table then refused) or `manage` (besides: update the admin attribute, disable, enable,
   * delete). USER_POOL_ACTIONS lists the actions of each.
   */
  users?: keyof typeof USER_POOL_ACTIONS;
  /** Read the page-token HMAC key (Secrets Manager, PAGE_TOKEN_SECRET_ARN): the function serves a paged list. */
  pageTokens?: true;
  /**
   * Read the server-credential secret (Secrets Manager, SERVER_CREDENTIAL_SECRET_ARN), from which the keys that
   * hash credential secrets and sign server tokens are derived (functions/identity/server-keys.ts).
   */
  serverCredentials?: true;
  /** Verify Cognito ID tokens of the pool's app client (COGNITO_ISSUER, COGNITO_CLIENT_ID; public keys, no IAM). */
  cognitoTokens?: true;
}

/**
 * The EventBridge target and the HTTP API's Lambda authorizer (functions/handlers/authorizer.ts) are functions of
 * their own, outside the HTTP route groups.
 */
export type FunctionName = Group | 'scheduled' | 'authorizer';

export const FUNCTION_ACCESS: Record<FunctionName, FunctionAccess> = {
  public: { table: 'none' },
  // Local-only (the token issuer; it counts failed sign-ins): never deployed; listed so that every group has an entry.
  auth: { table: 'readWrite' },
  backoffice: { table: 'readWrite', users: 'create' },
  ops: { table: 'readWrite' },
  licenses: { table: 'read', pageTokens: true },
  keys: { table: 'read', publicKeys: true },
  // Writes the activation rate-limit counter besides activations.
  activations: { table: 'readWrite', sign: true },
  servers: { table: 'readWrite', sign: true, publicKeys: true, pageTokens: true },
  sessions: { table: 'readWrite', pageTokens: true },
  assignments: { table: 'readWrite', pageTokens: true },
  reports: { table: 'read' },
  // Creates, lists and revokes credentials (their audit records too) and counts failed exchanges.
  credentials: { table: 'readWrite', pageTokens: true, serverCredentials: true },
  // Account administration: users in the table and in Cognito; ends a disabled or deleted user's sessions.
  users: { table: 'readWrite', users: 'manage', pageTokens: true },
  audit: { table: 'read', pageTokens: true },
  scheduled: { table: 'readWrite' },
  // Verifies tokens only: the caller's standing is read by each route's function, so it needs no table.
  authorizer: { table: 'none', serverCredentials: true, cognitoTokens: true },
};

// No Scan: every access pattern of the single-table design is a Query or a key lookup.
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** What creating users calls in the Cognito user pool (functions/identity/cognito.ts createIdentity). */
const CREATE_USER_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  // Removes a user whose password Cognito refused, or whom the table then refused.
  'cognito-idp:AdminDeleteUser',
] as const;

/** The Cognito actions of each level of FunctionAccess.users; nothing else of Cognito is granted. */
export const USER_POOL_ACTIONS = {
  create: CREATE_USER_ACTIONS,
  manage: [
    ...CREATE_USER_ACTIONS,
    'cognito-idp:AdminUpdateUserAttributes',
    'cognito-idp:AdminDisableUser',
    'cognito-idp:AdminEnableUser',
  ],
} as const;

/** Route groups that have at least one deployed route (the local token issuer's group has none). */
export const DEPLOYED_GROUPS: Group[] = GROUPS.filter((group) =>
  routeList.some((route) => route.group === group && !route.localOnly),
);

export const DEPLOYED_ROUTES = routeList.filter((route) => !route.localOnly);

/** Entry file of a function, relative to the repository root. */
export function entryOf(name: FunctionName): string {
  return `functions/handlers/${name}.ts`;
}
