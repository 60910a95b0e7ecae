/**
 * A two-cluster, two-account CDK app for the fleet commands' tests: cluster `alpha` (account A, eu-west-1,
 * CONFIG_MAP: aws-auth rows and RBAC through aws-cdk-lib's manifests) and cluster `beta` (account B, us-east-1, API:
 * access entries and RBAC), each an `eks.Cluster` of its own stack with `ClusterAccess` and `EksAccessManifests`,
 * synthesized by aws-cdk-lib into a real cloud assembly. Beta's admin is a spoke role of account B that a hub user of
 * account A may assume (the trust policy is the role's, read live by snapshot; here the code only maps the role).
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { EksAccessManifests } from '../../lib/deploy';
import { AccessModel, AccessPolicy, AuthenticationMode } from '../../lib/model';

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
export const HUB_USER = `arn:aws:iam::${ACCOUNT_A}:user/hub-admin`;
export const SPOKE_ROLE = `arn:aws:iam::${ACCOUNT_B}:role/eks-spoke-admin`;

export function alphaModel(): AccessModel {
  const m = new AccessModel({ accountId: ACCOUNT_A, authenticationMode: AuthenticationMode.CONFIG_MAP });
  m.importRole('ops', `arn:aws:iam::${ACCOUNT_A}:role/ops`, { kubernetesGroups: ['ops'], username: 'ops' });
  m.importUser('auditor', `arn:aws:iam::${ACCOUNT_A}:user/auditor`, { kubernetesGroups: ['readers'], username: 'auditor' });
  m.addGroupGrant({ group: 'ops', clusterRole: 'edit' });
  m.addGroupGrant({ group: 'readers', clusterRole: 'view' });
  return m;
}

export function betaModel(): AccessModel {
  const m = new AccessModel({ accountId: ACCOUNT_B, authenticationMode: AuthenticationMode.API });
  m.importRole('spoke-admin', SPOKE_ROLE, { accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()] });
  m.importRole('dev', `arn:aws:iam::${ACCOUNT_B}:role/dev`, { kubernetesGroups: ['devs'], username: 'dev' });
  m.addGroupGrant({ group: 'devs', clusterRole: 'edit', namespaces: ['team-a'] });
  return m;
}

function clusterStack(scope: Construct, id: string, name: string, account: string, region: string, mode: eks.AuthenticationMode, model: AccessModel): void {
  const stack = new Stack(scope, id, { env: { account, region } });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    clusterName: name,
    version: eks.KubernetesVersion.V1_31,
    authenticationMode: mode,
    defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:${region}:${account}:layer:kubectl:1`),
  });
  const access = new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model });
  new EksAccessManifests(stack, 'K8s', { cluster, model, after: [access] });
}

/** Synthesizes the app into `outdir` (a cloud assembly: manifest.json and one template per stack). */
export function synthFleetApp(outdir: string): void {
  const app = new App({ outdir });
  clusterStack(app, 'AlphaAccess', 'alpha', ACCOUNT_A, 'eu-west-1', eks.AuthenticationMode.CONFIG_MAP, alphaModel());
  clusterStack(app, 'BetaAccess', 'beta', ACCOUNT_B, 'us-east-1', eks.AuthenticationMode.API, betaModel());
  app.synth();
}

/**
 * The same two clusters, each stack in a `Stage` of its account and region (as CDK Pipelines waves deploy them): the
 * templates land in nested assemblies `assembly-Prod/` and `assembly-Dev/`, each with its own manifest.json.
 */
export function synthFleetAppInStages(outdir: string): void {
  const app = new App({ outdir });
  clusterStack(new Stage(app, 'Prod', { env: { account: ACCOUNT_A, region: 'eu-west-1' } }), 'AlphaAccess', 'alpha', ACCOUNT_A, 'eu-west-1', eks.AuthenticationMode.CONFIG_MAP, alphaModel());
  clusterStack(new Stage(app, 'Dev', { env: { account: ACCOUNT_B, region: 'us-east-1' } }), 'BetaAccess', 'beta', ACCOUNT_B, 'us-east-1', eks.AuthenticationMode.API, betaModel());
  app.synth();
}
