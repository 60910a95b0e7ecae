/**
 * EKS Pod Identity needs the `eks-pod-identity-agent` add-on on the cluster (the agent DaemonSet hands pods their
 * credentials; the association alone gives none): `ClusterAccess` adds it where it makes associations, shares
 * aws-cdk-lib's own add-on on an `eks.Cluster`, and can be told the add-on is managed elsewhere. Service-account role
 * names include the cluster when the model knows it, so two clusters of one account do not collide.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessModel, AuthenticationMode, ServiceAccountMechanism } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { ACCOUNT, CLUSTER, newStack, synth } from './fixtures';

const lint = new CfnLintBatch();

function podIdentityModel(props: { clusterName?: string; mechanism?: ServiceAccountMechanism } = {}): AccessModel {
  const model = new AccessModel({ accountId: ACCOUNT, clusterName: props.clusterName });
  model.addServiceAccount('s3-reader', {
    namespace: 'dev', name: 's3-reader', mechanism: props.mechanism ?? ServiceAccountMechanism.POD_IDENTITY,
    policyStatements: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }],
  });
  return model;
}

function byName(stack: Stack, model: AccessModel, id = 'Access', podIdentityAgentAddon?: boolean): ClusterAccess {
  return new ClusterAccess(stack, id, {
    cluster: ClusterTarget.fromClusterName({ clusterName: CLUSTER, oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/ABC' }), model, podIdentityAgentAddon,
  });
}

describe('the eks-pod-identity-agent add-on', () => {
  test('a cluster known by name: the add-on is created and every association waits for it', () => {
    const stack = newStack();
    byName(stack, podIdentityModel({ clusterName: CLUSTER }));
    const template = synth(stack, lint);
    const addons = template.findResources('AWS::EKS::Addon');
    expect(Object.values(addons).map((a) => a.Properties)).toEqual([{ AddonName: 'eks-pod-identity-agent', ClusterName: CLUSTER }]);
    const [addonId] = Object.keys(addons);
    const associations = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'));
    expect(associations).toHaveLength(1);
    for (const a of associations) expect(a.DependsOn).toContain(addonId);
  });

  test('opted out (podIdentityAgentAddon: false): no add-on, the association stays', () => {
    const stack = newStack();
    byName(stack, podIdentityModel({ clusterName: CLUSTER }), 'Access', false);
    const template = synth(stack, lint);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
  });

  test('IRSA only: no add-on', () => {
    const stack = newStack();
    byName(stack, podIdentityModel({ clusterName: CLUSTER, mechanism: ServiceAccountMechanism.IRSA }));
    synth(stack, lint).resourceCountIs('AWS::EKS::Addon', 0);
  });

  test('two ClusterAccess on one cluster: one add-on', () => {
    const stack = newStack();
    byName(stack, podIdentityModel({ clusterName: CLUSTER }), 'A');
    const other = new AccessModel({ accountId: ACCOUNT, clusterName: CLUSTER });
    other.addServiceAccount('writer', { namespace: 'prod', name: 'writer', mechanism: ServiceAccountMechanism.POD_IDENTITY });
    byName(stack, other, 'B');
    const template = synth(stack, lint);
    template.resourceCountIs('AWS::EKS::Addon', 1);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 2);
  });

  test('an eks.Cluster: the one add-on aws-cdk-lib\'s addServiceAccount also uses', () => {
    const app = new App();
    const stack = new Stack(app, 'WithCluster', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_31, authenticationMode: eks.AuthenticationMode.API, defaultCapacity: 0,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
    });
    cluster.addServiceAccount('Other', { name: 'other', namespace: 'ops', identityType: eks.IdentityType.POD_IDENTITY });
    const model = new AccessModel({ accountId: ACCOUNT, authenticationMode: AuthenticationMode.API, clusterName: 'demo' });
    model.addServiceAccount('s3-reader', { namespace: 'dev', name: 's3-reader', mechanism: ServiceAccountMechanism.POD_IDENTITY });
    new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model });
    const template = Template.fromStack(stack);
    const addons = template.findResources('AWS::EKS::Addon');
    expect(Object.keys(addons)).toHaveLength(1);
    const [addonId] = Object.keys(addons);
    const ours = Object.entries(template.findResources('AWS::EKS::PodIdentityAssociation')).filter(([id]) => id.startsWith('Access'));
    expect(ours).toHaveLength(1);
    expect(ours[0][1].DependsOn).toContain(addonId);
  });
});

describe('service-account role names', () => {
  test('include the cluster: two clusters of one account declare dev/s3-reader without colliding', () => {
    const app = new App();
    const stacks = ['blue', 'green'].map((cluster) => {
      const stack = newStack(`Access-${cluster}`, app);
      const model = podIdentityModel({ clusterName: cluster });
      new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: cluster }), model });
      expect(model.serviceAccounts[0].roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/${cluster}-dev-s3-reader`);
      return stack;
    });
    const names = stacks.map((stack) => Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')).map((r) => r.Properties.RoleName));
    expect(names).toEqual([['blue-dev-s3-reader'], ['green-dev-s3-reader']]);
  });

  test('a model without clusterName: a warning names each default role name', () => {
    const stack = newStack();
    byName(stack, podIdentityModel());
    synth(stack, lint);
    Annotations.fromStack(stack).hasWarning('/Access/Access', Match.stringLikeRegexp(
      "^Access/Access/ServiceAccount-s3-reader: the IAM role name 'dev-s3-reader' .*another cluster of account 111122223333.*clusterName"));
  });

  test('a model for another cluster is refused, naming both', () => {
    const stack = newStack();
    expect(() => byName(stack, podIdentityModel({ clusterName: 'other' })))
      .toThrow(/^Access\/Access: the model is for cluster 'other' but ClusterAccess targets 'demo'.* \[eks-access:model-cluster\]$/);
  });
});

describe('cfn-lint', () => {
  it('passes every template synthesized above with zero findings', async () => {
    expect(lint.size).toBeGreaterThanOrEqual(5);
    expect(await lint.run()).toEqual([]);
  });
});
