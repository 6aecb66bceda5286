// The license portal in AWS: DynamoDB table, Cognito user pool, HTTP API with one Lambda per route group,
// the KMS key that signs .alf files and the hourly EventBridge rule, all granted least privilege.
import { resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { routeKeyOf } from '../functions/api/routes.js';
import { TABLE_DESIGN } from '../functions/store/keys.js';
import {
  DEPLOYED_GROUPS,
  DEPLOYED_ROUTES,
  entryOf,
  FUNCTION_ACCESS,
  type FunctionName,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
} from './constructs/access.js';
import { Dashboard, webRootOf } from './constructs/dashboard.js';
import { PortalFunction } from './constructs/portal-function.js';

export interface LicensePortalStackProps extends StackProps {
  /** Stage name (dev, prod, ...): part of resource names such as the user pool and the API. */
  stage: string;
  /** Days CloudWatch keeps the functions' and the API's logs. */
  logRetentionDays: number;
  /**
   * ARNs of earlier signing keys whose public keys stay published (GET /v1/keys, imports) while files signed
   * with them are valid: asymmetric KMS keys do not rotate, so rotating means a new key and keeping the old.
   */
  retiredSigningKeyArns?: string[];
  /** Custom domain of the dashboard and its ACM certificate (us-east-1); without it, the CloudFront domain. */
  dashboardDomain?: { name: string; certificateArn: string };
  /** Root of the repository (where functions/ lives); defaults to the working directory. */
  projectRoot?: string;
}

/** Custom user attributes; Cognito puts them in ID tokens as custom:<name>, always as strings. */
export const CUSTOM_ATTRIBUTES = ['account', 'admin', 'operator'] as const;

function retentionOf(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter(
    (value): value is number => typeof value === 'number',
  );
  if (!allowed.includes(days)) {
    throw new Error(
      `logRetentionDays=${days} is not a CloudWatch retention; use one of ${allowed.filter((d) => d > 0).join(', ')}.`,
    );
  }
  return days as logs.RetentionDays;
}

export class LicensePortalStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly signingKey: kms.Key;
  readonly api: apigw.HttpApi;
  /** The current signing key first, then the retired ones still published. */
  readonly publishedKeyArns: string[];
  readonly functions: Partial<Record<FunctionName, PortalFunction>> = {};
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: LicensePortalStackProps) {
    super(scope, id, props);
    const root = props.projectRoot ?? process.cwd();
    const logRetention = retentionOf(props.logRetentionDays);

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE_DESIGN.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_DESIGN.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      globalSecondaryIndexes: TABLE_DESIGN.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      })),
      timeToLiveAttribute: TABLE_DESIGN.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.signingKey = new kms.Key(this, 'AlfSigningKey', {
      description: `Signs .alf license files of the license portal (${props.stage})`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      // Files signed with this key stay valid for years; losing it would orphan them.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `license-portal-${props.stage}`,
      // Only the back office creates users (AdminCreateUser); nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        account: new cognito.StringAttribute({ minLen: 1, maxLen: 128, mutable: true }),
        admin: new cognito.StringAttribute({ minLen: 4, maxLen: 5, mutable: true }),
        operator: new cognito.StringAttribute({ minLen: 4, maxLen: 5, mutable: true }),
      },
      // NIST SP 800-63B: length, not composition rules; matches the API's 8-character minimum.
      passwordPolicy: {
        minLength: 8,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG1',
      reason:
        'Passwords need 8+ characters without composition rules, as NIST SP 800-63B recommends; the back office sets them and the API enforces the same minimum.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'NEXUS servers sign in unattended with an administrator account, which cannot answer an MFA challenge; TOTP MFA is offered (OPTIONAL) for people, self sign-up is off and only operators create users.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) is billed per monthly active user; the portal has no self sign-up and few interactive users. Deployers who want it change featurePlan.',
    });

    const readable = new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true })
      .withCustomAttributes(...CUSTOM_ATTRIBUTES);
    this.userPoolClient = this.userPool.addClient('PortalClient', {
      userPoolClientName: `license-portal-${props.stage}`,
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      readAttributes: readable,
      // Users must never write their own account/admin/operator attributes: only the back office may.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    const authorizer = new HttpUserPoolAuthorizer('CognitoIdToken', this.userPool, {
      userPoolClients: [this.userPoolClient],
      authorizerName: 'cognito-id-token',
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `license-portal-${props.stage}`,
      description: 'License portal HTTP API (routes from functions/api/routes.ts)',
      createDefaultStage: false,
    });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: accessLogFormat(),
      },
    });

    const publishedKeyArns = [this.signingKey.keyArn, ...(props.retiredSigningKeyArns ?? [])];
    this.publishedKeyArns = publishedKeyArns;
    const baseEnvironment = { TABLE_NAME: this.table.tableName };
    const environmentOf = (name: FunctionName): Record<string, string> => {
      const access = FUNCTION_ACCESS[name];
      return {
        ...(access.table === 'none' ? {} : baseEnvironment),
        ...(access.users ? { USER_POOL_ID: this.userPool.userPoolId } : {}),
        ...(access.sign ? { SIGNING_KMS_KEY_ID: this.signingKey.keyArn } : {}),
        ...(access.publicKeys ? { PUBLIC_KMS_KEY_IDS: publishedKeyArns.join(',') } : {}),
      };
    };

    const makeFunction = (name: FunctionName, description: string, timeout?: Duration) => {
      const fn = new PortalFunction(this, `${pascal(name)}Function`, {
        entry: resolve(root, entryOf(name)),
        description,
        environment: environmentOf(name),
        logRetention,
        ...(timeout ? { timeout } : {}),
      });
      this.grantAccess(name, fn);
      this.functions[name] = fn;
      return fn;
    };

    for (const group of DEPLOYED_GROUPS) {
      const fn = makeFunction(group, `License portal: ${group} routes`);
      const integration = new HttpLambdaIntegration(`${pascal(group)}Integration`, fn.function);
      for (const route of DEPLOYED_ROUTES.filter((candidate) => candidate.group === group)) {
        const created = new apigw.HttpRoute(this, `Route${pascal(route.id)}`, {
          httpApi: this.api,
          routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
          integration,
          ...(route.access === 'public' ? {} : { authorizer }),
        });
        if (route.access === 'public') {
          Validations.of(created).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${routeKeyOf(route)} is public by contract (API.md): it serves no account data.`,
          });
          Validations.of(created).acknowledge({
            id: 'AwsSolutions-COG4',
            reason: `${routeKeyOf(route)} is public by contract (API.md): it serves no account data.`,
          });
        }
      }
    }

    const hourly = makeFunction('scheduled', 'License portal: the hourly check', Duration.minutes(5));
    new events.Rule(this, 'HourlyCheck', {
      description: 'Runs the license portal hourly check',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [
        new targets.LambdaFunction(hourly.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          event: events.RuleTargetInput.fromObject({ trigger: 'hourly' }),
        }),
      ],
    });
    // A run that reached its time budget leaves the rest for this follow-up, which runs only when the latest
    // run was incomplete (one read otherwise): the rest is done within minutes, not an hour later.
    new events.Rule(this, 'HourlyCheckFollowUp', {
      description: 'Finishes an incomplete license portal hourly check',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [
        new targets.LambdaFunction(hourly.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(5),
          event: events.RuleTargetInput.fromObject({ trigger: 'follow-up' }),
        }),
      ],
    });

    // The dashboard (web/) and the API on one CloudFront origin, so the page's same-origin calls reach the API.
    this.dashboard = new Dashboard(this, 'Dashboard', {
      api: this.api,
      userPoolClientId: this.userPoolClient.userPoolClientId,
      webRoot: webRootOf(root),
      logRetention,
      ...(props.dashboardDomain ? { domain: props.dashboardDomain } : {}),
    });

    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${props.dashboardDomain?.name ?? this.dashboard.distribution.distributionDomainName}`,
      description: 'The dashboard (sign in with a Cognito user); the API is also served here under /v1',
    });
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the portal API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.userPoolClient.userPoolClientId,
      description: 'Audience of the ID tokens the API accepts',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'SigningKeyArn', { value: this.signingKey.keyArn });
  }

  private grantAccess(name: FunctionName, fn: PortalFunction): void {
    const access = FUNCTION_ACCESS[name];
    const role = fn.role;
    if (access.table !== 'none') {
      const actions =
        access.table === 'read' ? [...TABLE_READ_ACTIONS] : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
      role.addToPolicy(
        new iam.PolicyStatement({
          actions,
          // Each index named: no wildcard, and a new index needs a deliberate grant.
          resources: [
            this.table.tableArn,
            ...TABLE_DESIGN.indexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`),
          ],
        }),
      );
    }
    if (access.sign) {
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['kms:Sign'], resources: [this.signingKey.keyArn] }),
      );
    }
    if (access.publicKeys) {
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['kms:GetPublicKey'], resources: this.publishedKeyArns }),
      );
    }
    if (access.users) {
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminSetUserPassword',
            'cognito-idp:AdminDeleteUser',
          ],
          resources: [this.userPool.userPoolArn],
        }),
      );
    }
  }
}

function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLength: '$context.responseLength',
      integrationLatency: '$context.integrationLatency',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
