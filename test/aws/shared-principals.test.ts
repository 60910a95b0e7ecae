/**
 * One model, several clusters (issue 26): principals the model creates exist once per app however many
 * `ClusterAccess` constructs grant them; a principal granted differently on two clusters is a synth warning; errors
 * name a token cluster by its construct path. Every template synthesized here is linted by cfn-lint at the end.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessPolicy, AuthenticationMode } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { ACCOUNT, REGION, newModel, newStack } from './fixtures';

// aws-cdk-lib's eks.Cluster templates carry cfn-lint warnings that are not this library's: errors only for them.
const lint = new CfnLintBatch({ errorsOnly: true });
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY;

function eksCluster(stack: Stack, id = 'Cluster'): eks.Cluster {
  return new eks.Cluster(stack, id, {
    version: eks.KubernetesVersion.V1_31,
    authenticationMode: eks.AuthenticationMode.API,
    // An existing layer by ARN: the kubectl handler is not under test.
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, `${id}Kubectl`, `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:kubectl:1`),
  });
}

/** The model of the issue: a created user and a created role that trusts it, both granted on the cluster. */
function auditorModel() {
  const model = newModel();
  model.addUser('auditor', { accessPolicies: [VIEW.atClusterScope()] });
  model.addRole('deployer', { assumableBy: { principalIds: ['auditor'] }, accessPolicies: [VIEW.atClusterScope()] });
  return model;
}

function templatesOf(app: App): Template[] {
  const assembly = app.synth();
  lint.add(assembly);
  return assembly.stacks.map((s) => Template.fromJSON(s.template as Record<string, unknown>));
}

function resourcesOf(templates: Template[], type: string): Array<{ Properties: Record<string, unknown> }> {
  return templates.flatMap((t) => Object.values(t.findResources(type)) as Array<{ Properties: Record<string, unknown> }>);
}

function expectCreatedOnce(templates: Template[]): void {
  const users = resourcesOf(templates, 'AWS::IAM::User');
  const roles = resourcesOf(templates, 'AWS::IAM::Role').filter((r) => r.Properties.RoleName === 'deployer');
  expect(users.map((u) => u.Properties.UserName)).toEqual(['auditor']);
  expect(roles).toHaveLength(1);
  expect(resourcesOf(templates, 'AWS::EKS::AccessEntry')).toHaveLength(4);
}

describe('one model, two ClusterAccess constructs', () => {
  it('in one stack (an imported cluster and an eks.Cluster): each principal is created once, both entries name it', () => {
    const app = new App();
    const stack = newStack('Both', app);
    const model = auditorModel();
    new ClusterAccess(stack, 'Imported', { cluster: ClusterTarget.fromClusterName({ clusterName: 'legacy' }), model });
    const second = new ClusterAccess(stack, 'Owned', { cluster: ClusterTarget.fromCluster(eksCluster(stack)), model });
    const templates = templatesOf(app);
    expectCreatedOnce(templates);
    const [userId] = Object.keys(templates[0].findResources('AWS::IAM::User'));
    const entries = resourcesOf(templates, 'AWS::EKS::AccessEntry');
    expect(entries.filter((e) => JSON.stringify(e.Properties.PrincipalArn) === JSON.stringify({ 'Fn::GetAtt': [userId, 'Arn'] }))).toHaveLength(2);
    // The second cluster's DescribeCluster permission is attached to the one user (kubeconfig for both clusters).
    templates[0].hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'eks:DescribeCluster', Resource: Match.anyValue() })] },
      Users: [{ Ref: userId }],
    });
    expect(second.user('auditor').node.path).toBe('Both/Imported/auditor/User');
  });

  it('in two stacks: the first ClusterAccess creates them, the second references them across stacks', () => {
    const app = new App();
    const model = auditorModel();
    const a = newStack('ClusterA', app);
    const b = newStack('ClusterB', app);
    new ClusterAccess(a, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'legacy' }), model });
    new ClusterAccess(b, 'Access', { cluster: ClusterTarget.fromCluster(eksCluster(b)), model });
    const templates = templatesOf(app);
    expectCreatedOnce(templates);
    expect(Template.fromStack(b).findResources('AWS::IAM::User')).toEqual({});
    Template.fromStack(b).hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: { 'Fn::ImportValue': Match.stringLikeRegexp('auditor') } });
  });

  it('in an identity stack given as identityScope: principals live there, both cluster stacks reference them', () => {
    const app = new App();
    const model = auditorModel();
    const identities = new Construct(newStack('Identities', app), 'People');
    const a = newStack('ClusterA', app);
    const b = newStack('ClusterB', app);
    new ClusterAccess(a, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'legacy' }), model, identityScope: identities });
    new ClusterAccess(b, 'Access', { cluster: ClusterTarget.fromCluster(eksCluster(b)), model, identityScope: identities });
    const templates = templatesOf(app);
    expectCreatedOnce(templates);
    const identityTemplate = Template.fromStack(Stack.of(identities));
    identityTemplate.resourceCountIs('AWS::IAM::User', 1);
    identityTemplate.resourceCountIs('AWS::EKS::AccessEntry', 0);
    for (const s of [a, b]) {
      Template.fromStack(s).resourceCountIs('AWS::EKS::AccessEntry', 2);
      expect(Template.fromStack(s).findResources('AWS::IAM::User')).toEqual({});
    }
  });

  it('in another region: the identity is referenced by the ARN built from its name, not by a cross-stack reference', () => {
    const app = new App();
    const model = auditorModel();
    const identities = new Construct(newStack('Identities', app), 'People');
    const west = new Stack(app, 'West', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new ClusterAccess(west, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'eu' }), model, identityScope: identities });
    const templates = templatesOf(app);
    expect(resourcesOf(templates, 'AWS::IAM::User')).toHaveLength(1);
    expect(resourcesOf(templates, 'AWS::EKS::AccessEntry')).toHaveLength(2);
    Template.fromStack(west).hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: `arn:aws:iam::${ACCOUNT}:user/auditor` });
    expect(west.dependencies).toContain(Stack.of(identities));
  });

  it('across stages (pipeline waves): by ARN, with this cluster\'s DescribeCluster attached to the user by name', () => {
    const app = new App();
    const model = auditorModel();
    const env = { account: ACCOUNT, region: REGION };
    const identities = new Construct(new Stack(new Stage(app, 'Identity', { env }), 'Identities'), 'People');
    const prod = new Stack(new Stage(app, 'Prod', { env }), 'Access');
    new ClusterAccess(prod, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'prod' }), model, identityScope: identities });
    const templates = [Template.fromStack(Stack.of(identities)), Template.fromStack(prod)];
    for (const stage of [Stage.of(identities)!, Stage.of(prod)!]) lint.add(stage.synth());
    expect(resourcesOf(templates, 'AWS::IAM::User')).toHaveLength(1);
    Template.fromStack(prod).hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: `arn:aws:iam::${ACCOUNT}:role/deployer` });
    Template.fromStack(prod).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'eks:DescribeCluster', Effect: 'Allow', Resource: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod` }] },
      Users: ['auditor'],
    });
    expect(prod.dependencies).toEqual([]);
  });

  it('refuses a second model creating the same IAM name with other settings, naming both constructs', () => {
    const app = new App();
    const stack = newStack('Two', app);
    const one = newModel();
    one.addUser('auditor', { accessPolicies: [VIEW.atClusterScope()] });
    const two = newModel();
    two.addUser('auditor', { accessPolicies: [VIEW.atClusterScope()], permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` });
    new ClusterAccess(stack, 'Dev', { cluster: ClusterTarget.fromClusterName({ clusterName: 'dev' }), model: one });
    expect(() => new ClusterAccess(stack, 'Prod', { cluster: ClusterTarget.fromClusterName({ clusterName: 'prod' }), model: two }))
      .toThrow(/^Two\/Prod\/auditor: creates arn:aws:iam::111122223333:user\/auditor with other settings than Two\/Dev .*\[eks-access:principal-definition-conflict\]$/s);
  });

  it('refuses an identityScope in another account than the model\'s', () => {
    const app = new App();
    const elsewhere = new Construct(new Stack(app, 'Elsewhere', { env: { account: '444455556666', region: REGION } }), 'People');
    expect(() => new ClusterAccess(newStack('Access', app), 'Access', {
      cluster: ClusterTarget.fromClusterName({ clusterName: 'dev' }), model: auditorModel(), identityScope: elsewhere,
    })).toThrow(/^Access\/Access: identityScope Elsewhere\/People deploys to account 444455556666 .*\[eks-access:model-account\]$/s);
  });

  it('lets a second model with the same settings share the created user', () => {
    const app = new App();
    const stack = newStack('Same', app);
    for (const id of ['Dev', 'Prod']) {
      const m = newModel();
      m.addUser('auditor', { accessPolicies: [VIEW.atClusterScope()] });
      new ClusterAccess(stack, id, { cluster: ClusterTarget.fromClusterName({ clusterName: id.toLowerCase() }), model: m });
    }
    const template = templatesOf(app)[0];
    template.resourceCountIs('AWS::IAM::User', 1);
    template.resourceCountIs('AWS::EKS::AccessEntry', 2);
  });

  it('throws the duplicate-entry error naming an eks.Cluster by construct path, not by its token name', () => {
    const app = new App();
    const stack = newStack('Dup', app);
    const cluster = eksCluster(stack);
    const model = auditorModel();
    new ClusterAccess(stack, 'First', { cluster: ClusterTarget.fromCluster(cluster), model });
    let message = '';
    try {
      new ClusterAccess(stack, 'Second', { cluster: ClusterTarget.fromCluster(cluster), model });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('eks-access:duplicate-access-entry');
    expect(message).toContain('cluster Dup/Cluster');
    expect(message).not.toContain('${Token');
  });
});

describe('a principal granted differently on two clusters', () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/oncall`;

  function twoClusters(second: { username?: string; kubernetesGroups?: string[] }) {
    const app = new App();
    const stack = newStack('Fleet', app);
    const one = newModel();
    one.importRole('oncall', ROLE, { username: 'oncall', kubernetesGroups: ['viewers'] });
    const two = newModel();
    two.importRole('oncall', ROLE, { username: second.username ?? 'oncall', kubernetesGroups: second.kubernetesGroups ?? ['viewers'] });
    new ClusterAccess(stack, 'Dev', { cluster: ClusterTarget.fromClusterName({ clusterName: 'dev' }), model: one });
    new ClusterAccess(stack, 'Prod', { cluster: ClusterTarget.fromClusterName({ clusterName: 'prod' }), model: two });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-eks-access:principal-conflict'));
  }

  it('warns, naming both construct paths, when the username differs', () => {
    const warnings = twoClusters({ username: 'oncall-prod' });
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    expect(text).toContain('Fleet/Dev');
    expect(text).toContain('Fleet/Prod');
    expect(text).toContain(ROLE);
    expect(text).toContain('oncall-prod');
  });

  it('warns when the kubernetes groups differ', () => {
    const warnings = twoClusters({ kubernetesGroups: ['admins'] });
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('admins');
  });

  it('does not warn when the grants agree', () => {
    expect(twoClusters({})).toHaveLength(0);
  });

  it('compares aws-auth rows in CONFIG_MAP mode too', () => {
    const app = new App();
    const stack = newStack('Cm', app);
    for (const [id, groups] of [['Dev', ['viewers']], ['Prod', ['editors']]] as const) {
      const m = newModel(AuthenticationMode.CONFIG_MAP);
      m.importRole('oncall', ROLE, { username: 'oncall', kubernetesGroups: [...groups] });
      new ClusterAccess(stack, id, { cluster: ClusterTarget.fromClusterName({ clusterName: id.toLowerCase() }), model: m });
    }
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('principal-conflict'))).toHaveLength(1);
  });
});

afterAll(async () => {
  expect(await lint.run()).toEqual([]);
}, 120_000);
