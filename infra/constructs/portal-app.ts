// Builds the CDK app (stage and log retention from context, cdk-nag on every synth); infra/app.ts and tests use it.
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LicensePortalStack } from '../stack.js';

export const DEFAULT_STAGE = 'dev';
export const DEFAULT_LOG_RETENTION_DAYS = 30;

export function createPortalApp(props: AppProps = {}): { app: App; stack: LicensePortalStack } {
  const app = new App(props);
  const stage = String(app.node.tryGetContext('stage') ?? DEFAULT_STAGE);
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(
      `stage "${stage}" must be 1-20 lower-case letters, digits and dashes, starting with a letter.`,
    );
  }
  const logRetentionDays = Number(app.node.tryGetContext('logRetentionDays') ?? DEFAULT_LOG_RETENTION_DAYS);
  const retired = String(app.node.tryGetContext('retiredSigningKeyArns') ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn.length > 0);
  for (const arn of retired) {
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/.test(arn)) {
      throw new Error(
        `retiredSigningKeyArns: "${arn}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).`,
      );
    }
  }
  // Optional custom domain of the dashboard: both or neither (the certificate must be in us-east-1 for CloudFront).
  const dashboardDomain = String(app.node.tryGetContext('dashboardDomain') ?? '').trim();
  const dashboardCertificateArn = String(app.node.tryGetContext('dashboardCertificateArn') ?? '').trim();
  if (Boolean(dashboardDomain) !== Boolean(dashboardCertificateArn)) {
    throw new Error('dashboardDomain and dashboardCertificateArn go together: give both or neither.');
  }
  if (
    dashboardCertificateArn &&
    !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(dashboardCertificateArn)
  ) {
    throw new Error(
      `dashboardCertificateArn: "${dashboardCertificateArn}" is not an ACM certificate ARN in us-east-1 (CloudFront requires us-east-1).`,
    );
  }
  const stack = new LicensePortalStack(app, `LicensePortal-${stage}`, {
    stage,
    logRetentionDays,
    retiredSigningKeyArns: retired,
    ...(dashboardDomain
      ? { dashboardDomain: { name: dashboardDomain, certificateArn: dashboardCertificateArn } }
      : {}),
    description: `Altium NEXUS cloud license portal (${stage})`,
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: process.env.CDK_DEFAULT_REGION,
    },
  });
  // Every synth runs the AWS Solutions checks; a finding fails the synth unless acknowledged with a reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
