/**
 * CDK-native principals and environment-agnostic stacks: a role or user created in the same app can be granted (by its
 * token ARN or as the construct), the model works with `accountId: stack.account`, everything a token does not hide is
 * still validated, what it hides is said once in one synth warning, and two grants to one token principal are still
 * caught. Every template synthesized here is linted by cfn-lint at the end.
 */
import { App, Aws, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessChart, AuthenticatorBackend } from '../../lib/k8s';
import { AccessPolicy, AccessModel, AuthenticationMode, authenticatorMappingRows, awsAuthRows, hasUnresolvedToken } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { App as K8sApp, Testing } from 'cdk8s';
import { ACCOUNT, CLUSTER, accessOn, newModel, newStack, synth } from './fixtures';

const lint = new CfnLintBatch();
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope();

function ciRole(stack: Stack): iam.Role {
  return new iam.Role(stack, 'CiRole', { assumedBy: new iam.AccountRootPrincipal(), path: '/ci/' });
}

function tokenWarnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-eks-access:unresolved-tokens')).map((w) => String(w.entry.data));
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

function roleGetAtt(stack: Stack, role: iam.Role): unknown {
  return { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] };
}

describe('the model recognizes CDK tokens as aws-cdk-lib does, without importing it', () => {
  it('agrees with Token.isUnresolved on tokens of every kind and on plain strings', () => {
    const stack = newStack();
    const agnostic = new Stack(new App(), 'Agnostic');
    const role = ciRole(stack);
    const values = [
      role.roleArn, role.roleName, agnostic.account, Aws.ACCOUNT_ID, Fn.join('', ['arn:aws:iam::', Aws.ACCOUNT_ID, ':role/x']),
      `arn:aws:iam::${agnostic.account}:role/x`, Lazy.string({ produce: () => 'x' }), Token.asString(Lazy.number({ produce: () => 1 })),
      'arn:aws:iam::111122223333:role/x', '${Token}', '$' + '{Token[]}', 'Token[x]', '', '-1.5e+289',
    ];
    expect(values.map((v) => [v, hasUnresolvedToken(v)])).toEqual(values.map((v) => [v, Token.isUnresolved(v)]));
  });
});

describe('a role created in the same app', () => {
  it('is granted by its token ARN: the access entry references the role, and the deferred checks are named once', () => {
    const stack = newStack();
    const role = ciRole(stack);
    const model = newModel();
    model.importRole('ci', role.roleArn, { accessPolicies: [VIEW] });
    model.addUser('alice', { accessPolicies: [VIEW] });
    const access = accessOn(stack, model);
    const template = synth(stack, lint);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: roleGetAtt(stack, role) });
    expect(stack.resolve(access.role('ci').roleArn)).toEqual(roleGetAtt(stack, role));
    const warnings = tokenWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not validated at synth time because the values are CDK tokens/);
    expect(warnings[0]).toMatch(/Access\/Access\/ci: its ARN is a token: IAM role ARN format, partition and service-linked role/);
    expect(warnings[0]).not.toMatch(/alice/);
  });

  it('is granted as the construct (grantRole / grantUser), with the same access entry', () => {
    const stack = newStack();
    const role = ciRole(stack);
    const user = new iam.User(stack, 'Deployer');
    const model = newModel();
    model.grantRole('ci', role, { accessPolicies: [VIEW] });
    model.grantUser('deployer', user, { kubernetesGroups: ['deployers'] });
    accessOn(stack, model);
    const template = synth(stack, lint);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: roleGetAtt(stack, role) });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [stack.getLogicalId(user.node.defaultChild as iam.CfnUser), 'Arn'] }, KubernetesGroups: ['deployers'],
    });
    expect(tokenWarnings(stack)).toHaveLength(1);
  });

  it('gets a path-less aws-auth row built from its name and account (CONFIG_MAP), resolved by CloudFormation', () => {
    const stack = newStack();
    const role = ciRole(stack);
    const model = newModel(AuthenticationMode.CONFIG_MAP);
    model.grantRole('ci', role, { kubernetesGroups: ['ci'] });
    accessOn(stack, model);
    const [row] = awsAuthRows(model).roles;
    expect(stack.resolve(row.roleArn)).toEqual({ 'Fn::Join': ['', ['arn:aws:iam::111122223333:role/', { Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }]] });
    expect(stack.resolve(row.username)).toEqual({ 'Fn::Join': ['', ['arn:aws:sts::111122223333:assumed-role/', { Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }, '/{{SessionName}}']] });
  });

  it("reaches the authenticator's mapping (AuthenticatorFunction's parameter) as a row CloudFormation resolves", () => {
    const stack = newStack();
    const role = ciRole(stack);
    const model = newModel();
    model.importRole('ci', role.roleArn, { kubernetesGroups: ['ci'] });
    model.grantUser('deployer', new iam.User(stack, 'Deployer'), { kubernetesGroups: ['deployers'] });
    const backend = AuthenticatorBackend.staticRows(authenticatorMappingRows(model));
    const rows = backend.config as { mapRoles: { rolearn: string; username: string; groups: string[] }[]; mapUsers: { userarn: string }[] };
    const roleRef = roleGetAtt(stack, role);
    expect(stack.resolve(rows.mapRoles)).toEqual([{ rolearn: roleRef, username: roleRef, groups: ['ci'] }]);
    expect(stack.resolve(rows.mapUsers[0].userarn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Deployer/), 'Arn'] });
  });

  it('refuses a token ARN string where aws-auth rows need its name, pointing at grantRole', () => {
    const stack = newStack();
    const model = newModel(AuthenticationMode.CONFIG_MAP);
    model.importRole('ci', ciRole(stack).roleArn, { kubernetesGroups: ['ci'] });
    expect(() => accessOn(stack, model)).toThrow(/Access\/Access\/ci: '\$\{Token\[.*\]\}' is a token ARN given as a string.*model\.grantRole\(id, role\)/);
  });

  it('is still caught when granted twice (same token, by ARN or as the construct)', () => {
    const stack = newStack();
    const role = ciRole(stack);
    const model = newModel();
    model.importRole('ci', role.roleArn, { accessPolicies: [VIEW] });
    model.grantRole('ci-again', role, { kubernetesGroups: ['ci'] });
    expect(() => accessOn(stack, model)).toThrow(/Access\/Access\/ci-again: principal \$\{Token\[.*\]\} is already declared as 'ci'/);
  });

  it('still gets every check a token does not hide (username, groups, policies, scope)', () => {
    const stack = newStack();
    const model = newModel();
    model.grantRole('ci', ciRole(stack), { username: 'system:ci', kubernetesGroups: ['system:nodes'], accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.inNamespaces()] });
    const error = errorOf(() => accessOn(stack, model));
    expect(error).toMatch(/ci: username 'system:ci' must not start with 'system:'/);
    expect(error).toMatch(/ci: kubernetes group 'system:nodes' cannot be used on an access entry/);
    expect(error).toMatch(/ci: access policy AmazonEKSViewPolicy has namespace scope but no namespaces/);
  });

  it('imported by a concrete ARN through the construct is parsed and validated like importRole', () => {
    const stack = newStack();
    const model = newModel();
    model.grantRole('sl', iam.Role.fromRoleArn(stack, 'Sl', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS`), { accessPolicies: [VIEW] });
    expect(() => accessOn(stack, model)).toThrow(/sl: service-linked role .* cannot be an access-entry principal/);
  });
});

describe('an environment-agnostic stack (account as a token)', () => {
  function agnostic(): { stack: Stack; model: AccessModel } {
    const stack = new Stack(new App(), 'Agnostic');
    return { stack, model: new AccessModel({ accountId: stack.account }) };
  }

  it('synthesizes created and imported principals with ${AWS::AccountId} ARNs and one warning naming the deferred checks', () => {
    const { stack, model } = agnostic();
    model.addUser('alice', { accessPolicies: [VIEW] });
    model.addRole('dev', { assumableBy: { principalIds: ['alice'] }, accessPolicies: [AccessPolicy.AMAZON_EKS_EDIT_POLICY.inNamespaces('dev')] });
    model.addNodeRole('nodes', `arn:aws:iam::${ACCOUNT}:role/nodes`);
    new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: CLUSTER }), model });
    const template = synth(stack, lint);
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessdevRole'), 'Arn'] },
      AccessPolicies: [{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', AccessScope: { Type: 'namespace', Namespaces: ['dev'] } }],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':user/alice']] } } })] },
    });
    const warnings = tokenWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Agnostic\/Access\/model: accountId is a token \(environment-agnostic stack\)/);
    expect(warnings[0]).toMatch(/Agnostic\/Access\/nodes: whether node role arn:aws:iam::111122223333:role\/nodes is in the cluster's account/);
  });

  it('still refuses what is knowable (a bad IAM name) and duplicate created principals', () => {
    const { stack, model } = agnostic();
    model.addUser('alice', { userName: 'bad name', accessPolicies: [VIEW] });
    model.addUser('alice2', { userName: 'bad name', accessPolicies: [VIEW] });
    const error = errorOf(() => new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: CLUSTER }), model }));
    expect(error).toMatch(/Access\/alice: IAM user name 'bad name' is invalid/);
    expect(error).toMatch(/Access\/alice2: principal arn:aws:iam::\$\{Token\[AWS\.AccountId\.\d+\]\}:user\/bad name is already declared as 'alice'/);
  });

  it('feeds the same model to the cdk8s chart (RBAC for its groups)', () => {
    const { stack, model } = agnostic();
    model.addUser('alice', { kubernetesGroups: ['viewers'] });
    model.addGroupGrant({ group: 'viewers', clusterRole: 'view' });
    new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: CLUSTER }), model });
    const manifests = Testing.synth(new AccessChart(new K8sApp(), 'access', { model }));
    expect(manifests.map((m) => m.kind)).toEqual(['ClusterRoleBinding']);
  });
});

describe('cfn-lint', () => {
  it('passes every template synthesized above with zero findings', async () => {
    expect(lint.size).toBeGreaterThan(0);
    expect(await lint.run()).toEqual([]);
  }, 120000);
});
