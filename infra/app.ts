// The CDK app entry (cdk.json): `npx cdk deploy -c stage=prod -c logRetentionDays=90`.
import { createPortalApp } from './constructs/portal-app.js';

createPortalApp().app.synth();
