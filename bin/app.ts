/**
 * The CDK app `cdk.json` runs (`npx cdk synth`): the example access model on an imported cluster, in a fixed
 * account/region so it synthesizes without AWS credentials.
 */
import { buildExampleApp } from './example-app';

const example = buildExampleApp();
// Hook for the Kubernetes side: render the cdk8s charts (RBAC for groups, aws-auth rows, service accounts) from
// `example.model` / `example.access` here, before synthesis.
example.app.synth();
