// The CDK app: one license-portal stack per stage, checked by cdk-nag (AwsSolutions) on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LicensePortalStack } from './stack.js';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
  throw new Error(`stage "${stage}" must be lower-case letters, digits and dashes, starting with a letter.`);
}
const logRetentionDays = Number(app.node.tryGetContext('logRetentionDays') ?? 30);

new LicensePortalStack(app, `LicensePortal-${stage}`, {
  stage,
  logRetentionDays,
  description: `Altium NEXUS cloud license portal (${stage})`,
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
