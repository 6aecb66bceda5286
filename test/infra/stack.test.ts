// The synthesized stack (bundling skipped): cdk-nag clean, every route with the right authorizer and function,
// the hourly schedule, least-privilege IAM per function, the dashboard (private bucket, CloudFront, config.json)
// and the stage/log-retention context flowing through.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_LIFETIME_SECONDS } from '../../domain/identity.js';
import { routeKeyOf, routeList } from '../../functions/api/routes.js';
import { TABLE_DESIGN } from '../../functions/store/keys.js';
import {
  DEPLOYED_GROUPS,
  DEPLOYED_ROUTES,
  FUNCTION_ACCESS,
  type FunctionName,
  TABLE_WRITE_ACTIONS,
} from '../../infra/constructs/access.js';
import { createPortalApp } from '../../infra/constructs/portal-app.js';
import { AUTHORIZER_CACHE_SECONDS, type LicensePortalStack } from '../../infra/stack.js';

const RETIRED_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

type Resources = Record<string, { Type: string; Properties: any }>;

let outdir: string;
let stack: LicensePortalStack;
let template: Template;
let resources: Resources;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'portal-cdk-'));
  const built = createPortalApp({
    outdir,
    context: {
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      stage: 'prod',
      logRetentionDays: 90,
      retiredSigningKeyArns: RETIRED_KEY,
    },
  });
  stack = built.stack;
  // Throws when cdk-nag or the CloudFormation validator reports anything not acknowledged.
  built.app.synth();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function ofType(type: string): [string, { Type: string; Properties: any }][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** Every IAM statement attached to a function's role. */
function statementsOf(name: FunctionName): { Action: string | string[]; Resource: unknown }[] {
  const fn = stack.functions[name];
  if (!fn) throw new Error(`no function ${name}`);
  const roleId = logicalIdOf(fn.role);
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

function actionsOf(name: FunctionName): string[] {
  return statementsOf(name).flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );
}

describe('checks in synth', () => {
  it('passes cdk-nag AwsSolutions and the CloudFormation validator with nothing left unacknowledged', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((plugin: any) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('would fail the synth on a finding (the checks are live, not decorative)', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'portal-nag-')) });
    const bad = new Stack(app, 'Bad');
    new dynamodb.Table(bad, 'NoRecovery', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
    rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe('HTTP API', () => {
  const routesInTemplate = () =>
    new Map(
      ofType('AWS::ApiGatewayV2::Route').map(([, route]) => [route.Properties.RouteKey, route.Properties]),
    );

  it('has exactly the deployed routes of the route table, and not the local-only ones', () => {
    const keys = [...routesInTemplate().keys()].sort();
    expect(keys).toEqual(DEPLOYED_ROUTES.map(routeKeyOf).sort());
    for (const route of routeList.filter((candidate) => candidate.localOnly)) {
      expect(keys).not.toContain(routeKeyOf(route));
    }
  });

  it('puts one Lambda authorizer (user ID tokens and server tokens) on every route but the public ones', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer') as any;
    expect(authorizers).toHaveLength(1);
    const [[authorizerId, authorizer]] = authorizers;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(
      logicalIdOf(stack.functions.authorizer!.function),
    );
    const inTemplate = routesInTemplate();
    for (const route of DEPLOYED_ROUTES) {
      const props = inTemplate.get(routeKeyOf(route));
      if (route.access === 'public') {
        expect(props.AuthorizationType ?? 'NONE', routeKeyOf(route)).toBe('NONE');
        expect(props.AuthorizerId, routeKeyOf(route)).toBeUndefined();
      } else {
        expect(props.AuthorizationType, routeKeyOf(route)).toBe('CUSTOM');
        expect(props.AuthorizerId, routeKeyOf(route)).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('deploys the server-token exchange without an authorizer, and the routes server tokens may call behind it', () => {
    const inTemplate = routesInTemplate();
    expect(inTemplate.get('POST /v1/auth/server-token')?.AuthorizationType ?? 'NONE').toBe('NONE');
    expect(inTemplate.get('POST /v1/auth/token')).toBeUndefined();
    const forServers = DEPLOYED_ROUTES.filter((route) => route.serverToken);
    expect(forServers.map(routeKeyOf)).toEqual(
      expect.arrayContaining(['GET /v1/licenses', 'POST /v1/servers/{serverId}/sessions']),
    );
    for (const route of forServers)
      expect(inTemplate.get(routeKeyOf(route))?.AuthorizationType).toBe('CUSTOM');
  });

  it('lets API Gateway invoke the authorizer, which verifies Cognito ID tokens of the app client and server tokens', () => {
    const fn = stack.functions.authorizer!;
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] },
    });
    const variables = resources[logicalIdOf(fn.function)]?.Properties.Environment.Variables;
    expect(JSON.stringify(variables.COGNITO_ISSUER)).toContain(logicalIdOf(stack.userPool));
    expect(variables.COGNITO_CLIENT_ID).toEqual({ Ref: logicalIdOf(stack.userPoolClient) });
    expect(variables.SERVER_CREDENTIAL_SECRET_ARN).toEqual({
      Ref: logicalIdOf(stack.serverCredentialSecret),
    });
    expect(variables.TABLE_NAME).toBeUndefined();
    expect(actionsOf('authorizer')).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
    ]);
  });

  it("sends each route to its group's function", () => {
    const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration'));
    const inTemplate = routesInTemplate();
    for (const route of DEPLOYED_ROUTES) {
      const target = inTemplate.get(routeKeyOf(route)).Target['Fn::Join'][1][1].Ref as string;
      const uri = integrations.get(target)?.Properties.IntegrationUri;
      const fn = stack.functions[route.group];
      expect(fn, route.group).toBeDefined();
      expect(uri, routeKeyOf(route)).toEqual({ 'Fn::GetAtt': [logicalIdOf(fn!.function), 'Arn'] });
    }
  });

  it('deploys the account-administration and audit routes behind the authorizer, to their own functions', () => {
    const inTemplate = routesInTemplate();
    const expected: [string, FunctionName][] = [
      ['GET /v1/users', 'users'],
      ['POST /v1/users', 'users'],
      ['GET /v1/users/{userId}', 'users'],
      ['PATCH /v1/users/{userId}', 'users'],
      ['DELETE /v1/users/{userId}', 'users'],
      ['GET /v1/accounts/{accountId}/users', 'users'],
      ['GET /v1/audit', 'audit'],
      ['GET /v1/accounts/{accountId}/audit', 'audit'],
    ];
    const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration'));
    for (const [key, group] of expected) {
      const props = inTemplate.get(key);
      expect(props?.AuthorizationType, key).toBe('CUSTOM');
      const target = props.Target['Fn::Join'][1][1].Ref as string;
      expect(integrations.get(target)?.Properties.IntegrationUri, key).toEqual({
        'Fn::GetAtt': [logicalIdOf(stack.functions[group]!.function), 'Arn'],
      });
    }
  });

  it('logs access to a log group with the configured retention and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
  });
});

describe('functions', () => {
  it('deploys one function per route group with deployed routes plus the hourly check and the authorizer', () => {
    expect(Object.keys(stack.functions).sort()).toEqual(
      [...DEPLOYED_GROUPS, 'scheduled', 'authorizer'].sort(),
    );
    expect(DEPLOYED_GROUPS).not.toContain('auth');
    expect(DEPLOYED_GROUPS).toContain('credentials');
    // Plus aws-cdk-lib's BucketDeployment function, which copies web/ into the dashboard bucket on deploy.
    expect(ofType('AWS::Lambda::Function')).toHaveLength(DEPLOYED_GROUPS.length + 3);
  });

  it('runs every function on arm64 with a current Node.js runtime, source maps and its own log group', () => {
    for (const portalFunction of Object.values(stack.functions)) {
      const fn = resources[logicalIdOf(portalFunction.function)] as { Properties: any };
      expect(fn.Properties.Runtime).toMatch(/^nodejs(22|24)\.x$/);
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    for (const [, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
  });

  it('gives each function exactly the configuration it reads', () => {
    for (const [name, fn] of Object.entries(stack.functions)) {
      const access = FUNCTION_ACCESS[name as FunctionName];
      const variables = (resources[logicalIdOf(fn.function)]?.Properties.Environment.Variables ??
        {}) as Record<string, unknown>;
      expect('TABLE_NAME' in variables, name).toBe(access.table !== 'none');
      expect('USER_POOL_ID' in variables, name).toBe(Boolean(access.users));
      expect('SIGNING_KMS_KEY_ID' in variables, name).toBe(Boolean(access.sign));
      expect('PUBLIC_KMS_KEY_IDS' in variables, name).toBe(Boolean(access.publicKeys));
      expect('PAGE_TOKEN_SECRET_ARN' in variables, name).toBe(Boolean(access.pageTokens));
      expect('SERVER_CREDENTIAL_SECRET_ARN' in variables, name).toBe(Boolean(access.serverCredentials));
      expect('COGNITO_ISSUER' in variables, name).toBe(Boolean(access.cognitoTokens));
    }
  });

  it('lets ID tokens live exactly as long as the functions accept (domain/identity.ts)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      IdTokenValidity: TOKEN_LIFETIME_SECONDS / 60,
      TokenValidityUnits: Match.objectLike({ IdToken: 'minutes' }),
    });
  });
});

describe('page-token key', () => {
  /** Groups serving a route whose query takes a nextToken (a paged list). */
  const pagedGroups = () =>
    new Set(
      DEPLOYED_ROUTES.filter((route) => {
        const shape = (route.query as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)
          ?._zod?.def?.shape;
        return shape !== undefined && 'nextToken' in shape;
      }).map((route) => route.group),
    );

  it('is a generated Secrets Manager secret', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('is readable by exactly the functions that serve paged lists, and only that secret', () => {
    const secretId = logicalIdOf(stack.pageTokenSecret);
    expect(pagedGroups().size).toBeGreaterThan(0);
    for (const name of Object.keys(stack.functions) as FunctionName[]) {
      const statements = statementsOf(name).filter(
        (statement) =>
          (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).some((action: string) =>
            action.startsWith('secretsmanager:'),
          ) && !JSON.stringify(statement.Resource).includes(logicalIdOf(stack.serverCredentialSecret)),
      );
      const paged = pagedGroups().has(name as never);
      expect(Boolean(FUNCTION_ACCESS[name].pageTokens), name).toBe(paged);
      expect(statements.length, name).toBe(paged ? 1 : 0);
      for (const statement of statements) {
        expect(statement.Action, name).toBe('secretsmanager:GetSecretValue');
        expect(JSON.stringify(statement.Resource), name).toContain(secretId);
      }
    }
  });
});

describe('server-credential key', () => {
  it('is a generated Secrets Manager secret kept with the table (the stored hashes depend on it)', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) }),
      DeletionPolicy: 'Retain',
    });
  });

  it('is readable by the credentials function and the authorizer only, and only that secret', () => {
    const secretId = logicalIdOf(stack.serverCredentialSecret);
    for (const name of Object.keys(stack.functions) as FunctionName[]) {
      const statements = statementsOf(name).filter((statement) =>
        JSON.stringify(statement.Resource).includes(secretId),
      );
      const allowed = ['credentials', 'authorizer'].includes(name);
      expect(Boolean(FUNCTION_ACCESS[name].serverCredentials), name).toBe(allowed);
      expect(statements.length, name).toBe(allowed ? 1 : 0);
      for (const statement of statements)
        expect(statement.Action, name).toBe('secretsmanager:GetSecretValue');
    }
  });
});

describe('least privilege', () => {
  const names = () => Object.keys(stack.functions) as FunctionName[];

  it('grants no wildcard action to any function', () => {
    for (const name of names()) {
      for (const action of actionsOf(name)) expect(action, name).not.toMatch(/\*/);
    }
  });

  it('gives the read-only groups read-only table access and the public group none', () => {
    for (const name of names()) {
      const dynamo = actionsOf(name).filter((action) => action.startsWith('dynamodb:'));
      const access = FUNCTION_ACCESS[name].table;
      if (access === 'none') expect(dynamo, name).toEqual([]);
      if (access === 'read') {
        expect(dynamo, name).toContain('dynamodb:Query');
        for (const write of TABLE_WRITE_ACTIONS) expect(dynamo, name).not.toContain(write);
      }
      if (access === 'readWrite') expect(dynamo, name).toContain('dynamodb:UpdateItem');
      expect(dynamo, name).not.toContain('dynamodb:Scan');
    }
    expect(FUNCTION_ACCESS.public.table).toBe('none');
    for (const name of ['licenses', 'keys', 'reports'] as const)
      expect(FUNCTION_ACCESS[name].table).toBe('read');
  });

  it('scopes table statements to the table and its named indexes', () => {
    const tableId = logicalIdOf(stack.table);
    for (const name of names()) {
      for (const statement of statementsOf(name)) {
        const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
        if (!actions.some((action) => action.startsWith('dynamodb:'))) continue;
        const rendered = JSON.stringify(statement.Resource);
        expect(rendered).toContain(tableId);
        expect(rendered).not.toContain('*');
        for (const index of TABLE_DESIGN.indexes) expect(rendered).toContain(`/index/${index.indexName}`);
      }
    }
  });

  it('lets only activations and servers sign, only keys and servers read public keys, only the back office and account administration manage users', () => {
    for (const name of names()) {
      const actions = actionsOf(name);
      expect(actions.includes('kms:Sign'), name).toBe(['activations', 'servers'].includes(name));
      expect(actions.includes('kms:GetPublicKey'), name).toBe(['keys', 'servers'].includes(name));
      expect(
        actions.some((action) => action.startsWith('cognito-idp:')),
        name,
      ).toBe(name === 'backoffice' || name === 'users');
      expect(actions.filter((action) => action.startsWith('kms:'))).not.toContain('kms:Decrypt');
    }
  });

  it.each([
    ['backoffice', ['AdminCreateUser', 'AdminDeleteUser', 'AdminSetUserPassword']],
    [
      'users',
      [
        'AdminCreateUser',
        'AdminDeleteUser',
        'AdminDisableUser',
        'AdminEnableUser',
        'AdminSetUserPassword',
        'AdminUpdateUserAttributes',
      ],
    ],
  ] as const)('grants %s exactly the user-pool actions it calls, only on the user pool', (name, expected) => {
    const statements = statementsOf(name).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('cognito-idp:')),
    );
    expect(statements).toHaveLength(1);
    expect([statements[0]?.Action].flat().sort()).toEqual(expected.map((action) => `cognito-idp:${action}`));
    expect(statements[0]?.Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.userPool), 'Arn'] });
  });

  it('lets the audit log read the table and page tokens, and write nothing', () => {
    const actions = actionsOf('audit');
    for (const write of TABLE_WRITE_ACTIONS) expect(actions).not.toContain(write);
    expect(actions).toContain('dynamodb:Query');
    expect(actions).toContain('secretsmanager:GetSecretValue');
  });

  it('keeps publishing retired signing keys: listed for the keys and servers functions, readable by them', () => {
    for (const name of ['keys', 'servers'] as const) {
      const fn = stack.functions[name]!;
      const ids = resources[logicalIdOf(fn.function)]?.Properties.Environment.Variables.PUBLIC_KMS_KEY_IDS;
      expect(JSON.stringify(ids), name).toContain(RETIRED_KEY);
      expect(JSON.stringify(ids), name).toContain(logicalIdOf(stack.signingKey));
      const statement = statementsOf(name).find((candidate) => candidate.Action === 'kms:GetPublicKey');
      expect(JSON.stringify(statement?.Resource), name).toContain(RETIRED_KEY);
    }
    const signing = statementsOf('activations').find((candidate) => candidate.Action === 'kms:Sign');
    expect(JSON.stringify(signing?.Resource)).not.toContain(RETIRED_KEY);
  });

  it('does not let the hourly check (or any function) call the API or other functions', () => {
    for (const name of names()) {
      const actions = actionsOf(name);
      expect(
        actions.some((action) => action.startsWith('execute-api:')),
        name,
      ).toBe(false);
      expect(
        actions.some((action) => action.startsWith('lambda:')),
        name,
      ).toBe(false);
    }
    expect(actionsOf('scheduled').every((action) => /^(dynamodb|logs):/.test(action))).toBe(true);
  });
});

describe('hourly check', () => {
  it('runs the scheduled function every hour from EventBridge, and a follow-up every 5 minutes', () => {
    const scheduled = stack.functions.scheduled!;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(scheduled.function), 'Arn'] },
          Input: JSON.stringify({ trigger: 'hourly' }),
        }),
      ],
    });
    // An incomplete run (its budget ran out) is finished within minutes: the handler skips when nothing is left.
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(scheduled.function), 'Arn'] },
          Input: JSON.stringify({ trigger: 'follow-up' }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(scheduled.function), 'Arn'] },
    });
  });
});

describe('data and identity', () => {
  it('creates the table from the shared design: on demand, PITR, deletion protection, TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_DESIGN.indexes.map((index) =>
        Match.objectLike({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('creates an ECC P-256 signing key that is kept when the stack goes', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
      DeletionPolicy: 'Retain',
    });
  });

  it('creates a user pool with the custom attributes, no self sign-up, and the stage in its name', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'license-portal-prod',
      // API.md: a password under 12 characters → 400; the pool refuses the same ones.
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith(
        ['account', 'admin', 'operator'].map((name) =>
          Match.objectLike({ Name: name, AttributeDataType: 'String' }),
        ),
      ),
    });
  });

  it('never lets users write their own account, admin or operator attributes through the app client', () => {
    const [[, client]] = ofType('AWS::Cognito::UserPoolClient') as any;
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.WriteAttributes.length).toBeGreaterThan(0);
    expect(client.Properties.WriteAttributes.some((name: string) => name.startsWith('custom:'))).toBe(false);
    expect(client.Properties.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:account', 'custom:admin', 'custom:operator']),
    );
  });
});

describe('dashboard', () => {
  const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
  const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
  const siteId = () => logicalIdOf(stack.dashboard.bucket);
  const distribution = () =>
    resources[logicalIdOf(stack.dashboard.distribution)]?.Properties.DistributionConfig;
  const originOf = (behavior: { TargetOriginId: string }) =>
    distribution().Origins.find((origin: any) => origin.Id === behavior.TargetOriginId);

  it('keeps the site bucket private: public access blocked, no ACLs, encrypted, HTTPS only', () => {
    const site = resources[siteId()]?.Properties;
    expect(site.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(site.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(site.AccessControl).toBeUndefined();
    expect(site.WebsiteConfiguration).toBeUndefined();
    expect(site.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'AES256',
    });
    expect(site.LoggingConfiguration.DestinationBucketName).toEqual({
      Ref: logicalIdOf(stack.dashboard.logBucket),
    });
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(
      ([, candidate]) => candidate.Properties.Bucket.Ref === siteId(),
    ) ?? ['', { Properties: null }];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The only reader is this distribution (Origin Access Control), never a public principal.
    const allows = statements.filter((statement: any) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0].Action).toBe('s3:GetObject');
    expect(JSON.stringify(allows[0].Condition)).toContain(logicalIdOf(stack.dashboard.distribution));
  });

  it('serves the bucket through Origin Access Control as the default behaviour, redirecting to HTTPS', () => {
    const config = distribution();
    const fallback = config.DefaultCacheBehavior;
    expect(fallback.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(fallback.AllowedMethods).toEqual(['GET', 'HEAD']);
    const origin = originOf(fallback);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [siteId(), 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.Logging.Bucket).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack.dashboard.logBucket), 'RegionalDomainName'],
    });
  });

  it('sends /v1/*, /openapi.json and /health to the HTTP API uncached, with every viewer header but Host', () => {
    const behaviors = distribution().CacheBehaviors;
    expect(behaviors.map((behavior: any) => behavior.PathPattern).sort()).toEqual(
      ['/health', '/openapi.json', '/v1/*'].sort(),
    );
    for (const behavior of behaviors) {
      expect(behavior.CachePolicyId, behavior.PathPattern).toBe(CACHING_DISABLED);
      expect(behavior.OriginRequestPolicyId, behavior.PathPattern).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
      expect(behavior.ViewerProtocolPolicy, behavior.PathPattern).toBe('https-only');
      expect(behavior.AllowedMethods).toEqual(
        expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      );
      const origin = originOf(behavior);
      expect(JSON.stringify(origin.DomainName)).toContain(logicalIdOf(stack.api));
      expect(JSON.stringify(origin.DomainName)).toContain('.execute-api.');
      expect(origin.CustomOriginConfig).toEqual({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
    }
  });

  it("sends the page a CSP that lets it reach only its own origin and Cognito of the stack's region", () => {
    const [, headers] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0] ?? ['', { Properties: null }];
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("connect-src 'self' https://cognito-idp.");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(security.StrictTransportSecurity.Override).toBe(true);
  });

  it('deploys the built dashboard (bundled, no sources) and a generated config.json naming the region and the app client', () => {
    const deployments = ofType('Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(1);
    const deployment = deployments[0]?.[1] as { Properties: any };
    expect(deployment.Properties.DestinationBucketName).toEqual({ Ref: siteId() });
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    const keys: string[] = deployment.Properties.SourceObjectKeys;
    const assets = keys.map((key) => join(outdir, `asset.${key.replace(/\.zip$/, '')}`));
    const site = assets[0] ?? '';
    const files = readdirSync(site, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(site, join(entry.parentPath, entry.name)));
    // What web/build.ts makes: the page, the script with its lazily loaded chunks, one stylesheet.
    expect(files.filter((file) => !file.startsWith('chunks/')).sort()).toEqual([
      'app.js',
      'index.html',
      'styles.css',
    ]);
    expect(files.some((file) => /^chunks\/.+\.js$/.test(file))).toBe(true);
    expect(files.filter((file) => /\.(ts|tsx|map)$|tsconfig/.test(file))).toEqual([]);
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    expect(index).toContain('<script type="module" src="/app.js"></script>');
    expect(index).toContain('<link rel="stylesheet" href="/styles.css">');
    // Bundled and minified: no bare module imports left for the browser, no source text.
    const scripts = files
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(site, file), 'utf8'));
    const bareImport = /(?:from|import)\s*\(?\s*["'](?:preact|uplot|openapi-fetch)/;
    expect(scripts.filter((script) => bareImport.test(script))).toHaveLength(0);
    const bundle = scripts.join('\n');
    expect(bundle.split('\n').length).toBeLessThan(scripts.length * 5);
    // Its sign-in: /config.json first, then Cognito's USER_PASSWORD_AUTH; the local token route otherwise.
    expect(bundle).toContain('/config.json');
    expect(bundle).toContain('USER_PASSWORD_AUTH');
    expect(bundle).toContain('AWSCognitoIdentityProviderService.InitiateAuth');
    expect(bundle).toContain('/v1/auth/token');
    const config = JSON.parse(readFileSync(join(assets[1] ?? '', 'config.json'), 'utf8'));
    expect(Object.keys(config).sort()).toEqual(['region', 'userPoolClientId']);
    // The client id is a deploy-time value: a marker replaced with the app client's Ref.
    const markers = deployment.Properties.SourceMarkers[1];
    expect(markers[config.userPoolClientId]).toEqual({ Ref: logicalIdOf(stack.userPoolClient) });
    expect(markers[config.region]).toEqual({ Ref: 'AWS::Region' });
  });

  it('lets the app client sign in with USER_PASSWORD_AUTH and refresh tokens', () => {
    const client = resources[logicalIdOf(stack.userPoolClient)]?.Properties;
    expect(client.ExplicitAuthFlows).toEqual(
      expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    );
    expect(client.GenerateSecret).toBe(false);
  });

  it('outputs the dashboard URL', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.DashboardUrl.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalIdOf(stack.dashboard.distribution), 'DomainName'] }],
      ],
    });
  });

  it('uses a custom domain with TLSv1.2_2021 at least when one is given', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab';
    const context = { 'aws:cdk:bundling-stacks': [] };
    const custom = createPortalApp({
      context: { ...context, dashboardDomain: 'licenses.example.com', dashboardCertificateArn: arn },
    });
    const config = Template.fromStack(custom.stack).findResources('AWS::CloudFront::Distribution');
    const [distributionConfig] = Object.values(config).map(
      (resource: any) => resource.Properties.DistributionConfig,
    );
    expect(distributionConfig.Aliases).toEqual(['licenses.example.com']);
    expect(distributionConfig.ViewerCertificate).toEqual({
      AcmCertificateArn: arn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(() =>
      createPortalApp({ context: { ...context, dashboardDomain: 'licenses.example.com' } }),
    ).toThrow(/go together/);
    expect(() =>
      createPortalApp({
        context: {
          ...context,
          dashboardDomain: 'x.example.com',
          dashboardCertificateArn: arn.replace('us-east-1', 'eu-west-1'),
        },
      }),
    ).toThrow(/us-east-1/);
  });
});

describe('deploy parameters', () => {
  it('refuses a stage name that cannot name resources, and a retention CloudWatch does not offer', () => {
    const context = { 'aws:cdk:bundling-stacks': [] };
    expect(() => createPortalApp({ context: { ...context, stage: 'Prod_1' } })).toThrow(/stage "Prod_1"/);
    expect(() => createPortalApp({ context: { ...context, logRetentionDays: 42 } })).toThrow(
      /logRetentionDays=42 is not a CloudWatch retention/,
    );
    expect(() => createPortalApp({ context: { ...context, retiredSigningKeyArns: 'alias/old' } })).toThrow(
      /not a KMS key ARN/,
    );
  });
});
