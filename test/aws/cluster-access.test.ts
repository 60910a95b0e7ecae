/**
 * ClusterAccess on synthesized templates (aws-cdk-lib/assertions): principals, trust, access entries, modes,
 * service accounts, cluster targets. Every template synthesized here is linted by cfn-lint at the end.
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import {
  AccessEntryType, AccessPolicy, AuthenticationMode, PolicyEffect, ServiceAccountMechanism,
} from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { ruleErrorOf } from '../helpers/rule-error';
import { ACCOUNT, CLUSTER, accessOn, newModel, newStack, synth } from './fixtures';

const lint = new CfnLintBatch();
// aws-cdk-lib's own eks.Cluster templates carry cfn-lint warnings (hard-coded test AZs, redundant DependsOn) that are
// not this library's: they are held to zero errors, everything else to zero findings.
const lintErrorsOnly = new CfnLintBatch({ errorsOnly: true });
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY;
const DESCRIBE_CLUSTER = {
  Action: 'eks:DescribeCluster',
  Effect: 'Allow',
  Resource: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/${CLUSTER}`,
};

describe('created IAM users', () => {
  const stack = newStack();
  const model = newModel();
  model.addUser('alice', {
    path: '/team/',
    permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
    iamGroups: ['developers'],
    createAccessKey: true,
    username: 'alice',
    kubernetesGroups: ['pod-viewer'],
    tags: { team: 'platform' },
  });
  const access = accessOn(stack, model);
  const template = synth(stack, lint);

  it('creates the user with path, boundary and groups', () => {
    template.hasResourceProperties('AWS::IAM::User', {
      UserName: 'alice',
      Path: '/team/',
      PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
      Groups: ['developers'],
    });
  });

  it('gives it only eks:DescribeCluster on this cluster', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [DESCRIBE_CLUSTER] },
      Users: [{ Ref: Match.stringLikeRegexp('^AccessaliceUser') }],
    });
  });

  it('keeps the access-key secret in Secrets Manager only, never in outputs', () => {
    template.resourceCountIs('AWS::IAM::AccessKey', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessaliceAccessKey'), 'SecretAccessKey'] }])] },
    });
    const json = JSON.stringify(template.toJSON());
    expect(template.toJSON().Outputs ?? {}).toEqual({});
    // The attribute is read exactly once: as the secret's value.
    expect(json.match(/"SecretAccessKey"/g)).toHaveLength(1);
    expect(access.accessKeySecret('alice')).toBeDefined();
  });

  it('creates the access entry with username, groups and tags, principal ARN from the user', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: CLUSTER,
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessaliceUser'), 'Arn'] },
      Type: 'STANDARD',
      Username: 'alice',
      KubernetesGroups: ['pod-viewer'],
      Tags: [{ Key: 'team', Value: 'platform' }],
    });
  });
});

describe('created assumable roles', () => {
  const stack = newStack();
  const model = newModel();
  model.addUser('bob');
  model.addRole('ops', {
    path: '/eks/',
    assumableBy: {
      principalIds: ['bob'],
      principalArns: ['arn:aws:iam::444455556666:role/ci'],
      accountIds: ['777788889999'],
      organizationId: 'o-abcdefghij',
      requireMfa: true,
      externalIds: ['ticket-42'],
      allowSourceIdentity: true,
      allowSessionTags: true,
    },
    maxSessionDurationSeconds: 7200,
    accessPolicies: [VIEW.atClusterScope(), AccessPolicy.AMAZON_EKS_EDIT_POLICY.inNamespaces('dev', 'team-*')],
  });
  const access = accessOn(stack, model);
  const template = synth(stack, lint);
  const conditions = { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'sts:ExternalId': 'ticket-42' } };
  const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'];

  it('writes a trust policy naming users, roles, accounts and the organization with MFA and ExternalId', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ops',
      Path: '/eks/',
      MaxSessionDuration: 7200,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: actions, Effect: 'Allow', Condition: conditions,
            Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/bob`, 'arn:aws:iam::444455556666:role/ci', 'arn:aws:iam::777788889999:root'] },
          },
          {
            Action: actions, Effect: 'Allow', Principal: { AWS: '*' },
            Condition: { Bool: conditions.Bool, StringEquals: { 'sts:ExternalId': 'ticket-42', 'aws:PrincipalOrgID': 'o-abcdefghij' } },
          },
        ],
      },
      Policies: [{ PolicyName: 'ClusterAccess', PolicyDocument: { Statement: [DESCRIBE_CLUSTER] } }],
    });
  });

  it('lets the trusted user assume the role, and creates the role after the user', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: `arn:aws:iam::${ACCOUNT}:role/eks/ops` }] },
    });
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    const userId = Object.keys(template.findResources('AWS::IAM::User'))[0];
    expect(template.toJSON().Resources[roleId].DependsOn).toContain(userId);
  });

  it('does not give the trust-only user an access entry', () => {
    template.resourceCountIs('AWS::EKS::AccessEntry', 1);
    expect(() => access.accessEntry('bob')).toThrow(/Access: principal 'bob' has no access entry/);
  });

  it('associates policies at cluster and namespace scope', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessopsRole'), 'Arn'] },
      AccessPolicies: [
        { PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', AccessScope: { Type: 'cluster' } },
        { PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', AccessScope: { Type: 'namespace', Namespaces: ['dev', 'team-*'] } },
      ],
    });
  });
});

describe('imported principals', () => {
  const stack = newStack();
  const model = newModel();
  const sso = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`;
  model.importRole('sso-admin', sso, { kubernetesGroups: ['system:masters'] });
  model.importUser('ci', `arn:aws:iam::${ACCOUNT}:user/ci/deployer`, { accessPolicies: [VIEW.inNamespaces('ci')] });
  model.importRole('partner', 'arn:aws:iam::444455556666:role/partner', { accessPolicies: [VIEW.atClusterScope()] });
  const access = accessOn(stack, model);
  const template = synth(stack, lint);

  it('creates no IAM resources and keeps ARN paths on the entries', () => {
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.resourceCountIs('AWS::IAM::User', 0);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: `arn:aws:iam::${ACCOUNT}:user/ci/deployer` });
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: 'arn:aws:iam::444455556666:role/partner', Type: 'STANDARD' });
    expect(access.role('sso-admin').roleArn).toBe(sso);
  });

  it('translates system:masters of the SSO role into AmazonEKSClusterAdminPolicy', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: sso,
      KubernetesGroups: Match.absent(),
      AccessPolicies: [{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', AccessScope: { Type: 'cluster' } }],
    });
  });
});

describe('access entry types', () => {
  const stack = newStack();
  const model = newModel();
  const types = [AccessEntryType.EC2_LINUX, AccessEntryType.EC2_WINDOWS, AccessEntryType.FARGATE_LINUX, AccessEntryType.HYBRID_LINUX, AccessEntryType.HYPERPOD_LINUX];
  types.forEach((entryType) => model.addNodeRole(`node-${entryType.toLowerCase().replace('_', '-')}`, `arn:aws:iam::${ACCOUNT}:role/${entryType}`, { entryType }));
  model.addNodeRole('auto', `arn:aws:iam::${ACCOUNT}:role/auto`, { entryType: AccessEntryType.EC2, accessPolicies: [AccessPolicy.AMAZON_EKS_AUTO_NODE_POLICY.atClusterScope()] });
  accessOn(stack, model);
  const template = synth(stack, lint);

  it.each(types)('creates a %s entry without username, groups or policies', (type) => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: `arn:aws:iam::${ACCOUNT}:role/${type}`, Type: type, Username: Match.absent(), KubernetesGroups: Match.absent(), AccessPolicies: Match.absent(),
    });
  });

  it('creates an EC2 (Auto Mode) entry with AmazonEKSAutoNodePolicy', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      Type: 'EC2',
      AccessPolicies: [{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy', AccessScope: { Type: 'cluster' } }],
    });
  });
});

describe('authentication modes', () => {
  function build(mode: AuthenticationMode) {
    const stack = newStack();
    const model = newModel(mode);
    model.addUser('admin', { accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()] });
    model.addNodeRole('nodes', `arn:aws:iam::${ACCOUNT}:role/nodes`);
    if (mode !== AuthenticationMode.API) model.addAccount('partner', '444455556666', { kubernetesGroups: ['partners'] });
    const access = accessOn(stack, model);
    return { access, template: synth(stack, lint) };
  }

  it('CONFIG_MAP: IAM principals, no access entries, aws-auth rows for the chart', () => {
    const { access, template } = build(AuthenticationMode.CONFIG_MAP);
    template.resourceCountIs('AWS::EKS::AccessEntry', 0);
    template.resourceCountIs('AWS::IAM::User', 1);
    // kubeconfig still needs eks:DescribeCluster, whatever the mode.
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [DESCRIBE_CLUSTER] } });
    expect(access.awsAuthRows.users).toEqual([{ userArn: `arn:aws:iam::${ACCOUNT}:user/admin`, username: `arn:aws:iam::${ACCOUNT}:user/admin`, groups: ['system:masters'] }]);
    expect(access.awsAuthRows.roles.map((r) => r.roleArn)).toEqual([`arn:aws:iam::${ACCOUNT}:role/nodes`]);
    expect(access.awsAuthRows.accounts).toEqual(['444455556666']);
  });

  it('API_AND_CONFIG_MAP: access entries, aws-auth only for accounts', () => {
    const { access, template } = build(AuthenticationMode.API_AND_CONFIG_MAP);
    template.resourceCountIs('AWS::EKS::AccessEntry', 2);
    expect(access.awsAuthRows).toEqual({ roles: [], users: [], accounts: ['444455556666'] });
  });

  it('API: access entries, no aws-auth rows', () => {
    const { access, template } = build(AuthenticationMode.API);
    template.resourceCountIs('AWS::EKS::AccessEntry', 2);
    expect(access.awsAuthRows).toEqual({ roles: [], users: [], accounts: [] });
  });
});

describe('service accounts', () => {
  const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/ABCDEF';
  const stack = newStack();
  const model = newModel();
  model.addServiceAccount('reader', { namespace: 'apps', name: 'reader', mechanism: ServiceAccountMechanism.IRSA, managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] });
  model.addServiceAccount('writer', {
    namespace: 'apps', name: 'writer', mechanism: ServiceAccountMechanism.POD_IDENTITY, roleName: 'writer-role',
    policyStatements: [
      { actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/demo`] },
      { effect: PolicyEffect.DENY, actions: ['dynamodb:*'], resources: ['*'], conditions: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } } },
    ],
  });
  const access = accessOn(stack, model, { oidcIssuer: issuer });
  const template = synth(stack, lint);

  it('IRSA: trust in the OIDC provider restricted by sub and aud', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'apps-reader',
      ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:oidc-provider/${issuer}`]] } },
          Condition: { StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:apps:reader', [`${issuer}:aud`]: 'sts.amazonaws.com' } },
        }],
      },
    });
    expect(access.serviceAccountRole('reader')).toBeDefined();
  });

  it('Pod Identity: trust in pods.eks.amazonaws.com and a PodIdentityAssociation', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'writer-role',
      AssumeRolePolicyDocument: { Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } }] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'writer-role',
      Policies: [{
        PolicyName: 'ServiceAccount',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/demo` },
            { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } } },
          ],
        },
      }],
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: CLUSTER, Namespace: 'apps', ServiceAccount: 'writer',
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessServiceAccountwriterRole'), 'Arn'] },
    });
  });

  it('refuses IRSA without an OIDC issuer, naming the construct path', () => {
    const s = newStack('NoOidc');
    const m = newModel();
    m.addServiceAccount('reader', { namespace: 'apps', name: 'reader', mechanism: ServiceAccountMechanism.IRSA });
    expect(() => accessOn(s, m)).toThrow(/^NoOidc\/Access: IRSA service accounts need the cluster's OIDC issuer: pass ClusterTarget\.fromClusterName\(\{ oidcIssuer \}\)/);
  });
});

describe('cluster targets', () => {
  it('works in a stack other than the cluster\'s, on a cluster imported by attributes', () => {
    // The cluster belongs to another stack or tool; this stack only knows its name and OIDC provider.
    const accessStack = newStack('AccessStack', new App());
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(accessStack, 'Oidc', `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/XYZ`);
    const imported = eks.Cluster.fromClusterAttributes(accessStack, 'Imported', { clusterName: 'prod', openIdConnectProvider: provider });
    const model = newModel();
    model.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    model.addServiceAccount('reader', { namespace: 'apps', name: 'reader', mechanism: ServiceAccountMechanism.IRSA });
    new ClusterAccess(accessStack, 'Access', { cluster: ClusterTarget.fromCluster(imported), model });
    const template = synth(accessStack, lint);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'prod' });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/XYZ` },
        Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/XYZ:sub': 'system:serviceaccount:apps:reader', 'oidc.eks.us-east-1.amazonaws.com/id/XYZ:aud': 'sts.amazonaws.com' } },
      })] },
    });
  });

  it('works on an aws-cdk-lib eks.Cluster of the same app (cluster name and OIDC issuer as tokens)', () => {
    const app = new App();
    const stack = newStack('WithCluster', app);
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_31,
      authenticationMode: eks.AuthenticationMode.API,
      // An existing layer by ARN: the kubectl handler is not under test, only the cluster's attributes are.
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
    });
    const model = newModel();
    model.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    model.addServiceAccount('reader', { namespace: 'apps', name: 'reader', mechanism: ServiceAccountMechanism.IRSA });
    new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model });
    const template = synth(stack, lintErrorsOnly);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: { Ref: Match.stringLikeRegexp('^Cluster') } });
    // The OIDC condition keys are only known at deploy time: they go through CfnJson.
    template.resourceCountIs('Custom::AWSCDKCfnJson', 1);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 1);
  });

  it('refuses a model whose authentication mode differs from the cluster\'s', () => {
    const stack = newStack('Mismatch');
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_31,
      authenticationMode: eks.AuthenticationMode.API_AND_CONFIG_MAP,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
    });
    const model = newModel(AuthenticationMode.API);
    model.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    expect(() => new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model }))
      .toThrow('Mismatch/Access: the model is for authentication mode API but the cluster uses API_AND_CONFIG_MAP; build the model with authenticationMode: AuthenticationMode.API_AND_CONFIG_MAP');
  });

  it('knows an eks.Cluster without authenticationMode is CONFIG_MAP (the aws-cdk-lib default)', () => {
    const stack = newStack('DefaultMode');
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_31,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
    });
    const model = newModel(AuthenticationMode.API);
    model.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    expect(() => new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model }))
      .toThrow('DefaultMode/Access: the model is for authentication mode API but the cluster uses CONFIG_MAP');
  });

  it('refuses a model for another account than the stack\'s', () => {
    const stack = new Stack(new App(), 'Other', { env: { account: '999999999999', region: 'us-east-1' } });
    const model = newModel();
    model.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    expect(() => accessOn(stack, model)).toThrow('Other/Access: the model is for account 111122223333 but the stack deploys to 999999999999');
  });

  it('reports every model problem with the construct path of its subject', () => {
    const stack = newStack('Bad');
    const model = newModel();
    model.addUser('alice', { username: 'system:alice', kubernetesGroups: ['system:nodes'] });
    expect(() => accessOn(stack, model)).toThrow([
      'Bad/Access: invalid access model:',
      "  Bad/Access/alice: username 'system:alice' must not start with 'system:' (reserved prefixes: system:, eks:, aws:, amazon:, iam:) [eks-access:username]",
      "  Bad/Access/alice: kubernetes group 'system:nodes' cannot be used on an access entry: EKS rejects groups starting with 'system:'; use a group of your own and bind it with addGroupGrant",
    ].join('\n'));
  });
});

describe('cfn-lint', () => {
  it('passes every template synthesized above with zero findings', async () => {
    expect(lint.size).toBeGreaterThanOrEqual(9);
    expect(await lint.run()).toEqual([]);
  });

  it('passes the templates with an aws-cdk-lib eks.Cluster with zero errors', async () => {
    expect(lintErrorsOnly.size).toBeGreaterThanOrEqual(1);
    expect(await lintErrorsOnly.run()).toEqual([]);
  });
});

describe('ClusterTarget.fromClusterName: bad input at the call (rule eks-access:cluster-target)', () => {
  it('refuses a bare string from untyped code, naming the attributes it expects', () => {
    const untyped = ClusterTarget.fromClusterName as unknown as (attrs: unknown) => ClusterTarget;
    const e = ruleErrorOf(() => untyped('prod'));
    expect(e.ruleId).toBe('eks-access:cluster-target');
    expect(e.message).toBe("ClusterTarget.fromClusterName: expects attributes { clusterName: '<EKS cluster name>' }, got a string [eks-access:cluster-target]");
    expect(ruleErrorOf(() => untyped({})).message).toContain('clusterName: expected an EKS cluster name (a string), got undefined');
  });

  it('refuses a literal that is no EKS cluster name, accepts tokens and valid names', () => {
    for (const bad of ['', 'has space', '-leading-dash', 'a'.repeat(101), 'dotted.name']) {
      expect(ruleErrorOf(() => ClusterTarget.fromClusterName({ clusterName: bad })).message).toMatch(/is not an EKS cluster name .*\[eks-access:cluster-target\]$/);
    }
    const stack = new Stack(new App(), 'Names');
    const token = new CfnParameter(stack, 'ClusterName').valueAsString;
    expect(ClusterTarget.fromClusterName({ clusterName: token }).clusterName).toBe(token);
    expect(ClusterTarget.fromClusterName({ clusterName: `P_1-${'x'.repeat(96)}` }).clusterName).toHaveLength(100);
  });

  it('shows a refused name with its control characters and bidi overrides escaped, cut to 120 characters', () => {
    const message = ruleErrorOf(() => ClusterTarget.fromClusterName({ clusterName: 'prod\n[eks-access:ok]\u001b[2J\u202e' })).message;
    expect(message).toContain("'prod\\x0a[eks-access:ok]\\x1b[2J\\u202e' is not an EKS cluster name");
    for (const raw of ['\n', '\u001b', '\u202e']) expect(message).not.toContain(raw);
    expect(ruleErrorOf(() => ClusterTarget.fromClusterName({ clusterName: 'é'.repeat(500) })).message).toContain(`'${'é'.repeat(120)}…' is not`);
  });
});
