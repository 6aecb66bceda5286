// The dashboard in AWS: web/ in a private S3 bucket behind CloudFront, with /v1/* sent to the HTTP API on the same origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { buildSiteSync, writeSite } from '../../web/build.js';

/** Paths CloudFront sends to the API rather than the bucket: the page calls them on its own origin. */
export const API_PATH_PATTERNS = ['/v1/*', '/openapi.json', '/health'] as const;

/** The object the page reads first (web/src/sign-in.ts): where it signs in through Cognito. */
export const CONFIG_OBJECT_KEY = 'config.json';

export interface DashboardProps {
  api: apigw.IHttpApi;
  /** The app client the page signs in with (USER_PASSWORD_AUTH); its ID tokens are what the API accepts. */
  userPoolClientId: string;
  /**
   * The folder deployed to the bucket. Default: the dashboard built from web/src now (web/build.ts), in a
   * temporary folder that goes once CDK has copied it into the cloud assembly.
   */
  webRoot?: string;
  logRetention: logs.RetentionDays;
  /** A custom domain for the dashboard, with its ACM certificate (in us-east-1, as CloudFront requires). */
  domain?: { name: string; certificateArn: string };
}

export class Dashboard extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // CloudFront standard logs are delivered with an ACL, so this bucket (and only this one) keeps ACLs
    // enabled for the log-delivery account; public access stays blocked.
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(props.logRetention) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket receives the access logs of the dashboard bucket and of CloudFront; logging its own accesses to itself would log the log writes in a loop.',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      // The content is rebuilt from web/ on every deploy: nothing here needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const apiOrigin = new origins.HttpOrigin(
      `${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      },
    );
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Answers depend on the caller's token: never cache them.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // Authorization and the query string must reach API Gateway; Host must not (it names the API's domain).
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'License portal dashboard and API',
      // The minimum TLS version can only be set with a custom certificate; the default one is fixed by CloudFront.
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
          comment:
            'License portal dashboard: CSP naming the Cognito endpoint of this region, HSTS, no framing',
          securityHeadersBehavior: {
            // Both this and the page's meta CSP apply; this one narrows Cognito to the stack's region.
            contentSecurityPolicy: {
              contentSecurityPolicy: [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data:",
                `connect-src 'self' https://cognito-idp.${stack.region}.${stack.urlSuffix}`,
                "base-uri 'none'",
                "form-action 'self'",
                "object-src 'none'",
                "frame-ancestors 'none'",
              ].join('; '),
              override: true,
            },
            strictTransportSecurity: {
              accessControlMaxAge: Duration.days(365),
              includeSubdomains: true,
              override: true,
            },
            contentTypeOptions: { override: true },
            frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
            referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
          },
        }),
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Customers of the portal are worldwide; there is no country to block. The API authenticates every account route with Cognito.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'WAF is billed per web ACL and rule (about $6+/month at rest) for a small back-office portal; the API is throttled per stage and every account route needs a Cognito ID token. Deployers who want WAF attach a web ACL.',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes (a minimum protocol can only be set with a custom domain and certificate; use TLSv1.2_2021 then). Viewers are HTTPS only, and CloudFront reaches the API origin over TLS 1.2 only.',
      });
    }

    // The deployment function gets its own role and log group: no AWSLambdaBasicExecutionRole (it may write
    // to every log group), and the group keeps logs as long as every other group of the stack.
    const deployLogs = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deployRole = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies web/ into the dashboard bucket on deploy',
    });
    deployRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [deployLogs.logGroupArn],
      }),
    );

    // Built at synth, also when Lambda bundling is skipped, so every synth deploys the current web/src.
    const built = props.webRoot ? null : builtDashboard();
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [
        s3deploy.Source.asset(props.webRoot ?? built ?? ''),
        // Generated at deploy time (tokens resolved by CloudFormation): the page signs in with this client.
        s3deploy.Source.jsonData(CONFIG_OBJECT_KEY, {
          region: stack.region,
          userPoolClientId: props.userPoolClientId,
        }),
      ],
      destinationBucket: this.bucket,
      // Empties the bucket when the stack goes, so that the bucket (RemovalPolicy.DESTROY) can go too.
      retainOnDelete: false,
      // The page, script and config change together on a deploy; browsers revalidate rather than keep stale copies.
      cacheControl: [s3deploy.CacheControl.fromString('no-cache')],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      role: deployRole,
      logGroup: deployLogs,
    });
    // The asset was copied into the cloud assembly as the deployment bound it, unless staging is off (then the
    // assembly points at the folder itself, which must stay).
    if (built && !this.node.tryGetContext('aws:cdk:disable-asset-staging'))
      rmSync(built, { recursive: true, force: true });
    acknowledgeDeploymentGrants(deployRole);
    // The singleton function sits at the stack's root, not under this construct.
    const handler = stack.node.tryFindChild(`Custom::CDKBucketDeployment${DEPLOYMENT_HANDLER_UUID}`);
    if (!handler) throw new Error('BucketDeployment changed: its handler function was not found');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The deployment function is the singleton provided by aws-cdk-lib (aws-s3-deployment); its runtime is chosen and updated by the aws-cdk-lib version, not by this stack.',
    });
  }
}

/** aws-cdk-lib's fixed id of the BucketDeployment handler (one per stack, shared by every deployment). */
const DEPLOYMENT_HANDLER_UUID = '8693BB64968944B69AAFB0CC9EB8756C';

/**
 * cdk-nag v3 wants each wildcard of IAM5 acknowledged on its own. BucketDeployment writes these grants itself
 * (they cannot be narrowed from outside), so each is listed from the resolved policy, named as cdk-nag names it.
 */
function acknowledgeDeploymentGrants(role: iam.Role): void {
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  if (!policy) throw new Error('the deployment role has no policy');
  const document = Stack.of(role).resolve(policy.document.toJSON()) as {
    Statement: { Action: string | string[]; Resource: unknown }[];
  };
  const findings = new Set<string>();
  for (const statement of document.Statement) {
    for (const action of [statement.Action].flat())
      if (action.includes('*')) findings.add(`Action::${action}`);
    for (const resource of [statement.Resource].flat()) {
      const flat = flattenCfnReference(resource);
      if (flat.includes('*')) findings.add(`Resource::${flat}`);
    }
  }
  for (const finding of findings) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[${finding}]`,
      reason:
        "BucketDeployment's own grants: read the CDK asset bucket's objects, write and delete objects of the dashboard bucket only (bucket/*), and cloudfront:CreateInvalidation/GetInvalidation, which have no resource-level permissions.",
    });
  }
}

/** Builds the dashboard (web/build.ts: esbuild, minified) into a new temporary folder and returns the folder. */
export function builtDashboard(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portal-dashboard-'));
  writeSite(buildSiteSync(), dir);
  return dir;
}
