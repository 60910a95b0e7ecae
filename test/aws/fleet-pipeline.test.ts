/**
 * The fleet's stages in a real `pipelines.CodePipeline` (aws-cdk-lib pipelines, synthesized, no stand-in): one wave
 * per environment, `wave.addStage(stage)` with the stages `AccessFleet.stagesFor` returns. Asserts that the pipeline
 * deploys every fleet stack with the deploy role of its own account and region (the CDK's cross-account machinery,
 * not a fan-out of ours), the identity stack before the access stacks of its stage, and the waves in order.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { AccessFleet, ClusterSelector, HubPrincipal } from '../../lib/aws';
import { AccessPolicy } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';

const HUB = '999988887777';
const NONPROD = '111122223333';
const PROD = '444455556666';

interface Action { Name: string; RunOrder: number; RoleArn?: unknown; Configuration?: { StackName?: string } }
interface PipelineStage { Name: string; Actions: Action[] }

// The fleet stages' templates, as the pipeline deploys them (its own template is aws-cdk-lib's: cfn-lint 1.x reports
// E3703 "Prefer using Fn::Sub" on its Fn::Join ARNs, not this library's to fix).
const lint = new CfnLintBatch();

/** The hub account's pipeline (stack `Pipeline`), cross-account keys on, as examples/fleet builds its own. */
function hubPipeline(app: App): pipelines.CodePipeline {
  return new pipelines.CodePipeline(new Stack(app, 'Pipeline', { env: { account: HUB, region: 'us-east-1' } }), 'Pipeline', {
    crossAccountKeys: true,
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection('example/platform', 'main', {
        connectionArn: `arn:aws:codeconnections:us-east-1:${HUB}:connection/00000000-0000-0000-0000-000000000000`,
      }),
      commands: ['npm ci', 'npx cdk synth'],
    }),
  });
}

function pipelineWithFleet() {
  const app = new App();
  const fleet = new AccessFleet(app, 'Fleet');
  fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1', labels: { env: 'dev' } });
  fleet.addCluster({ clusterName: 'staging', account: NONPROD, region: 'us-east-1', labels: { env: 'staging' } });
  fleet.addCluster({ clusterName: 'prod', account: PROD, region: 'eu-west-1', labels: { env: 'prod' } });
  fleet.addSpokeRole('platform-admin', {
    trustedPrincipals: [HubPrincipal.role(`arn:aws:iam::${HUB}:role/platform-admin`)],
    requireMfa: true,
    accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()],
  });

  const pipeline = hubPipeline(app);
  const nonprod = pipeline.addWave('NonProd');
  for (const stage of fleet.stagesFor(ClusterSelector.named('dev', 'staging'))) nonprod.addStage(stage);
  const prod = pipeline.addWave('Prod');
  for (const stage of fleet.stagesFor(ClusterSelector.labels({ env: 'prod' }))) prod.addStage(stage);
  pipeline.buildPipeline();
  const assembly = app.synth();
  for (const stage of fleet.stages) lint.add(stage.synth().directory);
  const template = assembly.getStackByName('Pipeline').template as { Resources: Record<string, { Type: string; Properties: { Stages: PipelineStage[] } }> };
  const resource = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!;
  return { fleet, stages: resource.Properties.Stages };
}

describe('an AccessFleet in a pipelines.CodePipeline', () => {
  const { stages } = pipelineWithFleet();
  const byName = new Map(stages.map((s) => [s.Name, s]));
  const nonprod = `Account-${NONPROD}-us-east-1`;
  const prod = `Account-${PROD}-eu-west-1`;

  it('has one pipeline stage per fleet stage, non-prod before prod, after the self-mutation', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', nonprod, prod]);
  });

  it('deploys each fleet stack with the CDK deploy role of its own account and region', () => {
    const deploys = (stage: string) => byName.get(stage)!.Actions.filter((a) => a.Name.endsWith('.Deploy'))
      .map((a) => [a.Configuration?.StackName, JSON.stringify(a.RoleArn).match(/iam::(\d{12}):role\/cdk-[a-z0-9]+-deploy-role-\d{12}-([a-z0-9-]+)/)?.slice(1)]);
    expect(deploys(nonprod).sort()).toEqual([
      [`${nonprod}-Access-dev`, [NONPROD, 'us-east-1']],
      [`${nonprod}-Access-staging`, [NONPROD, 'us-east-1']],
      [`${nonprod}-Identities`, [NONPROD, 'us-east-1']],
    ]);
    expect(deploys(prod).sort()).toEqual([
      [`${prod}-Access-prod`, [PROD, 'eu-west-1']],
      [`${prod}-Identities`, [PROD, 'eu-west-1']],
    ]);
  });

  it('deploys the identity stack (the spoke roles) before the access stacks of its stage', () => {
    for (const stage of [nonprod, prod]) {
      const actions = byName.get(stage)!.Actions;
      const identity = actions.find((a) => a.Name === 'Identities.Deploy')!.RunOrder;
      const access = actions.filter((a) => a.Name.startsWith('Access-') && a.Name.endsWith('.Prepare'));
      expect(access.length).toBeGreaterThan(0);
      for (const a of access) expect(a.RunOrder).toBeGreaterThan(identity);
    }
  });
});

describe('an account with clusters in two regions, in a pipeline', () => {
  it('is one pipeline stage: each stack deployed with its own region\'s deploy role, the other region\'s access stack after the identity stack', () => {
    const app = new App();
    const fleet = new AccessFleet(app, 'Fleet');
    fleet.addCluster({ clusterName: 'use1', account: NONPROD, region: 'us-east-1' });
    fleet.addCluster({ clusterName: 'euw1', account: NONPROD, region: 'eu-west-1' });
    fleet.addSpokeRole('admin', { trustedPrincipals: [HubPrincipal.role(`arn:aws:iam::${HUB}:role/admin`)], accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()] });
    const pipeline = hubPipeline(app);
    const wave = pipeline.addWave('NonProd');
    for (const stage of fleet.stagesFor(ClusterSelector.all())) wave.addStage(stage);
    pipeline.buildPipeline();
    const template = app.synth().getStackByName('Pipeline').template as { Resources: Record<string, { Type: string; Properties: { Stages: PipelineStage[] } }> };
    const stages = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!.Properties.Stages;
    const name = `Account-${NONPROD}-us-east-1`;
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', name]);
    const actions = stages[3].Actions;
    const deploys = actions.filter((a) => a.Name.endsWith('.Deploy'))
      .map((a) => [a.Name, JSON.stringify(a.RoleArn).match(/iam::(\d{12}):role\/cdk-[a-z0-9]+-deploy-role-\d{12}-([a-z0-9-]+)/)?.slice(1)]);
    expect(deploys.sort()).toEqual([
      ['Access-euw1.Deploy', [NONPROD, 'eu-west-1']], ['Access-use1.Deploy', [NONPROD, 'us-east-1']], ['Identities.Deploy', [NONPROD, 'us-east-1']],
    ]);
    const identity = actions.find((a) => a.Name === 'Identities.Deploy')!.RunOrder;
    expect(actions.find((a) => a.Name === 'Access-euw1.Prepare')!.RunOrder).toBeGreaterThan(identity);
    for (const stage of fleet.stages) lint.add(stage.synth().directory);
  });
});

afterAll(async () => {
  expect(lint.size).toBeGreaterThan(0);
  expect(await lint.run()).toEqual([]);
}, 120_000);
