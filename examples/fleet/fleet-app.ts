/**
 * The example fleet (issue 26): three clusters in two accounts — dev and staging in the non-prod account, prod in the
 * prod account — reached through hub-and-spoke roles, deployed by a CDK pipeline in the hub account with one wave per
 * environment. Accounts and regions are explicit and the clusters are known by name, so `npx cdk synth` (in this
 * folder: cdk.json) needs no AWS credentials and makes no lookups. `test/aws/example-fleet.test.ts` synthesizes it
 * both ways (in-process and through the cdk CLI) and runs cfn-lint on every template.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { AccessFleet, ClusterSelector, HubPrincipal } from '../../lib/aws';
import { AccessPolicy } from '../../lib/model';

export const HUB_ACCOUNT = '999988887777';
export const NONPROD_ACCOUNT = '111122223333';
export const PROD_ACCOUNT = '444455556666';
/** IAM Identity Center permission-set roles of the hub account (as `aws iam list-roles --path-prefix /aws-reserved/` lists them). */
export const HUB_PLATFORM_SSO_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformEngineers_1a2b3c4d5e6f7a8b`;
export const HUB_DEVELOPER_SSO_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developers_8b7a6f5e4d3c2b1a`;
/** The break-glass role of the hub account (plain IAM). */
export const HUB_BREAK_GLASS_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/break-glass`;
export const ORGANIZATION_ID = 'o-exampleorg1';

export interface ExampleFleet {
  readonly app: App;
  readonly fleet: AccessFleet;
  readonly pipelineStack: Stack;
}

export function buildExampleFleet(app = new App()): ExampleFleet {
  const fleet = new AccessFleet(app, 'Fleet');
  fleet.addCluster({ clusterName: 'dev', account: NONPROD_ACCOUNT, region: 'us-east-1', labels: { env: 'dev' } });
  fleet.addCluster({ clusterName: 'staging', account: NONPROD_ACCOUNT, region: 'us-east-1', labels: { env: 'staging' } });
  fleet.addCluster({ clusterName: 'prod', account: PROD_ACCOUNT, region: 'eu-west-1', labels: { env: 'prod' } });

  // Spoke roles: one IAM role per cluster account, trusting hub principals; the access entries name the spoke role.
  // The platform engineers sign in through IAM Identity Center, which asks for their MFA: a permission-set session
  // never carries aws:MultiFactorAuthPresent, so requireMfa there would lock them out (eks-access:fleet-spoke-mfa).
  fleet.addSpokeRole('platform-admin', {
    trustedPrincipals: [HubPrincipal.permissionSetRole(HUB_PLATFORM_SSO_ROLE)],
    accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()],
  });
  // Break glass: a plain IAM role of the hub, whose session can carry MFA, so the spoke requires it.
  fleet.addSpokeRole('break-glass', {
    trustedPrincipals: [HubPrincipal.role(HUB_BREAK_GLASS_ROLE)],
    requireMfa: true,
    accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()],
  });
  fleet.addSpokeRole('developer', {
    trustedPrincipals: [HubPrincipal.permissionSetRole(HUB_DEVELOPER_SSO_ROLE)],
    organizationId: ORGANIZATION_ID,
    accessPolicies: [AccessPolicy.AMAZON_EKS_EDIT_POLICY.inNamespaces('apps')],
  });
  // Per-cluster override: developers only view on prod.
  fleet.overrideGrant('prod', 'developer', { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.inNamespaces('apps')] });
  // By label: the auditors' hub role reads prod only.
  fleet.importRole('auditors', `arn:aws:iam::${HUB_ACCOUNT}:role/auditors`, {
    clusters: ClusterSelector.labels({ env: 'prod' }),
    accessPolicies: [AccessPolicy.AMAZON_EKS_ADMIN_VIEW_POLICY.atClusterScope()],
  });

  // The pipeline (hub account): non-prod first, then prod. dev and staging share one account and region, so one stage.
  const pipelineStack = new Stack(app, 'FleetPipeline', { env: { account: HUB_ACCOUNT, region: 'us-east-1' } });
  const pipeline = new pipelines.CodePipeline(pipelineStack, 'Pipeline', {
    crossAccountKeys: true,
    pipelineType: codepipeline.PipelineType.V2,
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection('example/platform-access', 'main', {
        connectionArn: `arn:aws:codeconnections:us-east-1:${HUB_ACCOUNT}:connection/00000000-0000-0000-0000-000000000000`,
      }),
      commands: ['npm ci', 'npx cdk synth'],
    }),
  });
  const nonprod = pipeline.addWave('NonProd');
  for (const stage of fleet.stagesFor(ClusterSelector.named('dev', 'staging'))) nonprod.addStage(stage);
  const prod = pipeline.addWave('Prod');
  for (const stage of fleet.stagesFor(ClusterSelector.labels({ env: 'prod' }))) prod.addStage(stage);
  pipeline.buildPipeline();
  return { app, fleet, pipelineStack };
}
