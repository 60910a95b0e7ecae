/**
 * The CDK app `cdk.json` runs (`npx cdk synth`): the example access model on an imported cluster, in a fixed
 * account/region so it synthesizes without AWS credentials.
 */
import { join } from 'node:path';
import { writeAccessManifests } from '../../lib/k8s/write-manifests';
import { buildExampleApp } from './example-app';

const example = buildExampleApp();
// The Kubernetes side of the same model (RBAC for groups, service accounts, aws-auth rows in the ConfigMap modes) as
// files for GitOps: dist/access.k8s.yaml (and dist/aws-auth.k8s.yaml in the ConfigMap modes), beside tsc's dist/{lib,bin,authenticator} folders.
writeAccessManifests(example.model, join(__dirname, '..', '..', 'dist'));
example.app.synth();
