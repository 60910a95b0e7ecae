/**
 * `ClusterTarget.fromCluster` takes clusters of both EKS construct libraries (issue 26, "What was seen" 2: an
 * `@aws-cdk/aws-eks-v2-alpha` cluster was TS2345). The calls below are written without casts, so `npm run typecheck`
 * (tsc over test/) is the type half of this test; the synth half is here: each cluster's access entries name it, its
 * authentication mode is read (v2 clusters are API-only: aws-eks-v2-alpha lib/cluster.ts writes
 * `accessConfig.authenticationMode: 'API'`) and checked against the model. Templates are linted by cfn-lint.
 */
import * as eksv2 from '@aws-cdk/aws-eks-v2-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessPolicy, AuthenticationMode } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { ACCOUNT, REGION, newModel, newStack } from './fixtures';

// The EKS construct libraries' own templates carry cfn-lint warnings that are not this library's: errors only.
const lint = new CfnLintBatch({ errorsOnly: true });
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY;

function v2Cluster(stack: Stack, id = 'Cluster'): eksv2.Cluster {
  return new eksv2.Cluster(stack, id, { version: eksv2.KubernetesVersion.V1_33 });
}

function auditorOn(stack: Stack, target: ClusterTarget, mode = AuthenticationMode.API): ClusterAccess {
  const model = newModel(mode);
  const grant = mode === AuthenticationMode.CONFIG_MAP ? { kubernetesGroups: ['viewers'] } : { accessPolicies: [VIEW.atClusterScope()] };
  model.importRole('auditor', `arn:aws:iam::${ACCOUNT}:role/auditor`, grant);
  return new ClusterAccess(stack, 'Access', { cluster: target, model });
}

function synthesize(app: App, stack: Stack): Template {
  lint.add(app.synth());
  return Template.fromStack(stack);
}

describe('an @aws-cdk/aws-eks-v2-alpha cluster', () => {
  it('is a ClusterTarget: the access entry names the v2 cluster\'s AWS::EKS::Cluster', () => {
    const app = new App();
    const stack = newStack('V2', app);
    const cluster = v2Cluster(stack);
    const target = ClusterTarget.fromCluster(cluster);
    expect(target.authenticationMode).toBe(AuthenticationMode.API);
    auditorOn(stack, target);
    const template = synthesize(app, stack);
    const [clusterId] = Object.keys(template.findResources('AWS::EKS::Cluster'));
    expect(clusterId).toBeDefined();
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: { Ref: clusterId },
      PrincipalArn: `arn:aws:iam::${ACCOUNT}:role/auditor`,
      AccessPolicies: [Match.objectLike({ PolicyArn: Match.stringLikeRegexp('AmazonEKSViewPolicy$') })],
    });
  });

  it('refuses a CONFIG_MAP model: the v2 cluster is API-only', () => {
    const stack = newStack('V2Mode');
    const target = ClusterTarget.fromCluster(v2Cluster(stack));
    expect(() => auditorOn(stack, target, AuthenticationMode.CONFIG_MAP))
      .toThrow(/^V2Mode\/Access: the model is for authentication mode CONFIG_MAP but the cluster uses API; .*\[eks-access:authentication-mode\]$/);
  });

  it('imported (fromClusterAttributes): mode unknown, entries name the cluster by name', () => {
    const app = new App();
    const stack = newStack('V2Imported', app);
    const imported = eksv2.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'legacy-v2' });
    const target = ClusterTarget.fromCluster(imported);
    expect(target.authenticationMode).toBeUndefined();
    auditorOn(stack, target);
    synthesize(app, stack).hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'legacy-v2' });
  });

  it('names a token-named v2 cluster by construct path in the duplicate-entry error', () => {
    const stack = newStack('V2Dup');
    const cluster = v2Cluster(stack);
    auditorOn(stack, ClusterTarget.fromCluster(cluster));
    const model = newModel();
    model.importRole('auditor', `arn:aws:iam::${ACCOUNT}:role/auditor`, { accessPolicies: [VIEW.atClusterScope()] });
    expect(() => new ClusterAccess(stack, 'Again', { cluster: ClusterTarget.fromCluster(cluster), model }))
      .toThrow(/on cluster V2Dup\/Cluster, which V2Dup\/Access already grants.*\[eks-access:duplicate-access-entry\]$/);
  });
});

describe('an aws-cdk-lib aws-eks cluster, through the same parameter', () => {
  it('keeps its authentication mode and synthesizes', () => {
    const app = new App();
    const stack = newStack('V1', app);
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_31,
      authenticationMode: eks.AuthenticationMode.API_AND_CONFIG_MAP,
      // An existing layer by ARN: the kubectl handler is not under test.
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:kubectl:1`),
    });
    const target = ClusterTarget.fromCluster(cluster);
    expect(target.authenticationMode).toBe(AuthenticationMode.API_AND_CONFIG_MAP);
    auditorOn(stack, target, AuthenticationMode.API_AND_CONFIG_MAP);
    synthesize(app, stack).resourceCountIs('AWS::EKS::AccessEntry', 1);
  });

  it('reads the mode of a plain AWS::EKS::Cluster L1 under another construct library\'s cluster', () => {
    // Without accessConfig, EKS creates the cluster in CONFIG_MAP mode (botocore eks service-2.json,
    // CreateAccessConfigRequest.authenticationMode), so a model in API mode is refused.
    const stack = newStack('L1');
    const v2 = v2Cluster(stack);
    (v2.node.defaultChild as eks.CfnCluster).accessConfig = undefined;
    expect(ClusterTarget.fromCluster(v2).authenticationMode).toBe(AuthenticationMode.CONFIG_MAP);
  });
});

afterAll(async () => {
  expect(lint.size).toBeGreaterThan(0);
  expect(await lint.run()).toEqual([]);
}, 120_000);
