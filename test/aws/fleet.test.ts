/**
 * `AccessFleet` (issue 26): clusters declared once with account, region, mode and labels; grants to all clusters, by
 * label, by name, with per-cluster overrides; one `Stage` per account and region holding an identity stack per account
 * and an access stack per cluster; hub-and-spoke roles whose trust names the hub principals. Every template
 * synthesized here goes through cfn-lint at the end.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AccessFleet, ClusterSelector, HubPrincipal } from '../../lib/aws';
import { AccessPolicy, AuthenticationMode } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { ruleErrorOf } from '../helpers/rule-error';

const lint = new CfnLintBatch();
const HUB = '999988887777';
const NONPROD = '111122223333';
const PROD = '444455556666';
const HUB_ADMIN = `arn:aws:iam::${HUB}:role/platform-admin`;
const HUB_SSO = `arn:aws:iam::${HUB}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformEngineers_0123456789abcdef`;
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY;
const EDIT = AccessPolicy.AMAZON_EKS_EDIT_POLICY;
const ADMIN = AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY;
const policyArn = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;

/** The fleet: dev and staging in one account, prod in another; a spoke role everywhere, more on non-prod. */
function threeClusterFleet(app = new App()) {
  const fleet = new AccessFleet(app, 'Fleet');
  fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1', labels: { env: 'dev' } });
  fleet.addCluster({ clusterName: 'staging', account: NONPROD, region: 'us-east-1', labels: { env: 'staging' } });
  fleet.addCluster({ clusterName: 'prod', account: PROD, region: 'eu-west-1', labels: { env: 'prod' } });
  fleet.addSpokeRole('platform-admin', {
    trustedPrincipals: [HubPrincipal.role(HUB_ADMIN)],
    requireMfa: true,
    externalIds: ['fleet-2026'],
    organizationId: 'o-abcdef1234',
    accessPolicies: [ADMIN.atClusterScope()],
  });
  fleet.importRole('developers', `arn:aws:iam::${HUB}:role/developers`, { accessPolicies: [EDIT.inNamespaces('apps')] });
  fleet.overrideGrant('prod', 'developers', { accessPolicies: [VIEW.inNamespaces('apps')] });
  fleet.importRole('auditors', `arn:aws:iam::${HUB}:role/auditors`, {
    clusters: ClusterSelector.labels({ env: 'prod' }), accessPolicies: [VIEW.atClusterScope()],
  });
  fleet.importUser('ci', `arn:aws:iam::${NONPROD}:user/ci`, { clusters: ClusterSelector.named('dev'), accessPolicies: [EDIT.atClusterScope()] });
  return fleet;
}

function templateOf(stage: Stage, stackId: string): Template {
  const assembly = stage.synth();
  lint.add(assembly.directory);
  return Template.fromJSON(assembly.getStackByName(`${stage.stageName}-${stackId}`).template as Record<string, unknown>);
}

function entries(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::EKS::AccessEntry')).map((r) => (r as { Properties: Record<string, unknown> }).Properties);
}

describe('a three-cluster, two-account fleet', () => {
  const fleet = threeClusterFleet();
  const [nonprod, prod] = fleet.stages;

  it('renders one Stage per account and region, each with its identity stack and one access stack per cluster', () => {
    expect(fleet.stages.map((s) => [s.stageName, s.account, s.region])).toEqual([
      [`Account-${NONPROD}-us-east-1`, NONPROD, 'us-east-1'],
      [`Account-${PROD}-eu-west-1`, PROD, 'eu-west-1'],
    ]);
    const stacksOf = (s: Stage) => s.synth().stacks.map((x) => x.stackName).sort();
    expect(stacksOf(nonprod)).toEqual([`${nonprod.stageName}-Access-dev`, `${nonprod.stageName}-Access-staging`, `${nonprod.stageName}-Identities`]);
    expect(stacksOf(prod)).toEqual([`${prod.stageName}-Access-prod`, `${prod.stageName}-Identities`]);
    expect(fleet.stageOf('staging')).toBe(nonprod);
    expect(fleet.stagesFor(ClusterSelector.labels({ env: 'prod' }))).toEqual([prod]);
  });

  it('creates the spoke role once per account, trusting the hub principals with MFA, ExternalId and the organization', () => {
    for (const [stage, account] of [[nonprod, NONPROD], [prod, PROD]] as const) {
      const identities = templateOf(stage, 'Identities');
      identities.resourceCountIs('AWS::IAM::Role', 1);
      const [role] = Object.values(identities.findResources('AWS::IAM::Role')) as Array<{ Properties: Record<string, unknown> }>;
      expect(role.Properties.RoleName).toBe('platform-admin');
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: HUB_ADMIN },
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'sts:ExternalId': 'fleet-2026' } },
          },
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'sts:ExternalId': 'fleet-2026', 'aws:PrincipalOrgID': 'o-abcdef1234' } },
          },
        ],
      });
      // No access entry in the identity stack: entries are per cluster.
      identities.resourceCountIs('AWS::EKS::AccessEntry', 0);
      expect(fleet.identityStackOf(account).node.path).toBe(`Fleet/${stage.node.id}/Identities`);
    }
  });

  it('names the spoke role in each cluster\'s access entry (a cross-stack reference to the identity stack of its account)', () => {
    for (const [stage, cluster] of [[nonprod, 'dev'], [nonprod, 'staging'], [prod, 'prod']] as const) {
      const spoke = entries(templateOf(stage, `Access-${cluster}`)).filter((e) => JSON.stringify(e.PrincipalArn).includes('ImportValue'));
      expect(spoke).toHaveLength(1);
      expect(spoke[0]).toMatchObject({ ClusterName: cluster, AccessPolicies: [{ PolicyArn: policyArn('AmazonEKSClusterAdminPolicy'), AccessScope: { Type: 'cluster' } }] });
      expect(JSON.stringify(spoke[0].PrincipalArn)).toMatch(/Identities:ExportsOutputFnGetAttplatformadmin/);
    }
  });

  it('applies grants to all clusters, by label and by name, and the per-cluster override', () => {
    const principals = (stage: Stage, cluster: string) => entries(templateOf(stage, `Access-${cluster}`))
      .filter((e) => typeof e.PrincipalArn === 'string')
      .map((e) => [e.PrincipalArn, (e.AccessPolicies as Array<{ PolicyArn: string }>).map((p) => p.PolicyArn.split('/').pop())])
      .sort();
    expect(principals(nonprod, 'dev')).toEqual([
      [`arn:aws:iam::${NONPROD}:user/ci`, ['AmazonEKSEditPolicy']],
      [`arn:aws:iam::${HUB}:role/developers`, ['AmazonEKSEditPolicy']],
    ]);
    expect(principals(nonprod, 'staging')).toEqual([[`arn:aws:iam::${HUB}:role/developers`, ['AmazonEKSEditPolicy']]]);
    expect(principals(prod, 'prod')).toEqual([
      [`arn:aws:iam::${HUB}:role/auditors`, ['AmazonEKSViewPolicy']],
      [`arn:aws:iam::${HUB}:role/developers`, ['AmazonEKSViewPolicy']],
    ]);
    expect(fleet.modelOf('prod').principal('developers')!.accessPolicies.map((p) => [p.policyName, p.scope, p.namespaces]))
      .toEqual([['AmazonEKSViewPolicy', 'namespace', ['apps']]]);
  });

  it('orders each access stack after its account\'s identity stack inside the stage', () => {
    const assembly = nonprod.synth();
    const identities = assembly.getStackByName(`${nonprod.stageName}-Identities`);
    for (const cluster of ['dev', 'staging']) {
      expect(assembly.getStackByName(`${nonprod.stageName}-Access-${cluster}`).dependencies.map((d) => d.id)).toContain(identities.id);
    }
  });
});

describe('a spoke role on a CONFIG_MAP cluster', () => {
  it('is the aws-auth row (mapRoles) of the cluster', () => {
    const fleet = new AccessFleet(new App(), 'Fleet');
    fleet.addCluster({ clusterName: 'legacy', account: NONPROD, region: 'us-east-1', authenticationMode: AuthenticationMode.CONFIG_MAP });
    fleet.addSpokeRole('oncall', { trustedPrincipals: [HubPrincipal.account(HUB)], kubernetesGroups: ['oncall'], username: 'oncall:{{SessionName}}' });
    const access = fleet.clusterAccessOf('legacy');
    expect(access.accessEntries).toEqual([]);
    expect(access.awsAuthRows.roles).toEqual([expect.objectContaining({ roleArn: `arn:aws:iam::${NONPROD}:role/oncall`, username: 'oncall:{{SessionName}}', groups: ['oncall'] })]);
    const identities = templateOf(fleet.stageOf('legacy'), 'Identities');
    identities.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'oncall',
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HUB}:root` } }] },
    });
  });
});

describe('a fleet that only grants existing principals', () => {
  it('has no identity stack (an empty template cannot be deployed), only the access stacks', () => {
    const fleet = new AccessFleet(new App(), 'Fleet');
    fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1' });
    fleet.importRole('developers', `arn:aws:iam::${HUB}:role/developers`, { accessPolicies: [EDIT.inNamespaces('apps')] });
    const [stage] = fleet.stages;
    expect(stage.synth().stacks.map((s) => s.stackName)).toEqual([`${stage.stageName}-Access-dev`]);
    expect(() => fleet.identityStackOf(NONPROD)).toThrow(/no identity stack for account '111122223333'.*\[eks-access:fleet-cluster\]$/);
    templateOf(stage, 'Access-dev').resourceCountIs('AWS::EKS::AccessEntry', 1);
  });
});

describe('one account in two regions', () => {
  it('puts both regions in the account\'s one stage: the identity stack once (first region), the other region\'s access stack after it', () => {
    const fleet = new AccessFleet(new App(), 'Fleet');
    fleet.addCluster({ clusterName: 'use1', account: NONPROD, region: 'us-east-1' });
    fleet.addCluster({ clusterName: 'euw1', account: NONPROD, region: 'eu-west-1' });
    fleet.addSpokeRole('admin', { trustedPrincipals: [HubPrincipal.role(HUB_ADMIN)], accessPolicies: [ADMIN.atClusterScope()] });
    expect(fleet.stages).toHaveLength(1);
    const [stage] = fleet.stages;
    expect(fleet.stagesFor(ClusterSelector.named('euw1'))).toEqual([stage]);
    const stacks = stage.synth().stacks;
    expect(stacks.map((s) => [s.stackName.replace(`${stage.stageName}-`, ''), s.environment.region]).sort()).toEqual([
      ['Access-euw1', 'eu-west-1'], ['Access-use1', 'us-east-1'], ['Identities', 'us-east-1'],
    ]);
    // The order is the CDK's: the eu-west-1 access stack depends on the identity stack (what the pipeline orders by).
    const euw1 = stacks.find((s) => s.stackName.endsWith('Access-euw1'))!;
    expect(euw1.dependencies.map((d) => d.id)).toContain(stacks.find((s) => s.stackName.endsWith('Identities'))!.id);
    // Across regions the spoke role is named by its ARN, built from its name (exports are regional).
    templateOf(stage, 'Access-euw1').hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: `arn:aws:iam::${NONPROD}:role/admin` });
    // No warning left to heed: nothing to deploy by hand in another wave.
    expect(Annotations.fromStack(fleet.clusterAccessOf('euw1').node.scope as never).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('fleet errors name the call or construct and what would be valid', () => {
  it('refuses a cluster added twice', () => {
    const fleet = new AccessFleet(new App(), 'Fleet');
    fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1' });
    const e = ruleErrorOf(() => fleet.addCluster({ clusterName: 'dev', account: PROD, region: 'us-east-1' }));
    expect(e.ruleId).toBe('eks-access:fleet-cluster');
    expect(e.message).toMatch(/^Fleet\/dev: cluster 'dev' is already in the fleet \(111122223333\/us-east-1\)/);
  });

  it('refuses a bad account, region or cluster name', () => {
    const fleet = new AccessFleet(new App(), 'Fleet');
    expect(() => fleet.addCluster({ clusterName: 'dev', account: '1234', region: 'us-east-1' })).toThrow(/account '1234' is not a 12-digit AWS account id/);
    expect(() => fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'Virginia' })).toThrow(/region 'Virginia' is not an AWS region name/);
    expect(() => fleet.addCluster({ clusterName: '-x', account: NONPROD, region: 'us-east-1' })).toThrow(/'-x' is not an EKS cluster name/);
  });

  it('refuses a named selector or override for a cluster or principal not in the fleet, when it renders', () => {
    const fleet = new AccessFleet(new App(), 'Fleet');
    fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1' });
    fleet.importRole('a', HUB_ADMIN, { clusters: ClusterSelector.named('dve'), accessPolicies: [VIEW.atClusterScope()] });
    expect(() => fleet.render()).toThrow(/^Fleet\.ClusterSelector\.named: no cluster 'dve' in the fleet \(clusters: dev\) \[eks-access:fleet-cluster\]$/);
    const other = new AccessFleet(new App(), 'Other');
    other.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1' });
    other.importRole('a', HUB_ADMIN, { accessPolicies: [VIEW.atClusterScope()] });
    other.overrideGrant('dev', 'b', { accessPolicies: [EDIT.atClusterScope()] });
    expect(() => other.render()).toThrow(/overrideGrant names principal 'b', which no grant of the fleet gives on cluster dev \[eks-access:fleet-grant\]$/);
    const third = new AccessFleet(new App(), 'Third');
    third.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1' });
    third.importRole('a', HUB_ADMIN, { accessPolicies: [VIEW.atClusterScope()] });
    third.overrideGrant('prd', 'a', { accessPolicies: [EDIT.atClusterScope()] });
    expect(() => third.render()).toThrow(/^Third\.overrideGrant: no cluster 'prd' in the fleet \(clusters: dev\) \[eks-access:fleet-cluster\]$/);
  });

  it('refuses declarations after the fleet is rendered, and a principal id granted twice', () => {
    const fleet = threeClusterFleet();
    expect(() => fleet.importRole('developers', HUB_ADMIN)).toThrow(/principal id 'developers' is already granted in the fleet.*\[eks-access:fleet-grant\]$/);
    void fleet.stages;
    expect(() => fleet.addCluster({ clusterName: 'qa', account: NONPROD, region: 'us-east-1' }))
      .toThrow(/^Fleet\.addCluster: the fleet is already rendered .*\[eks-access:fleet-rendered\]$/);
  });

  it('refuses hub principals that are not what they say', () => {
    expect(ruleErrorOf(() => HubPrincipal.permissionSetRole(HUB_ADMIN)).message)
      .toMatch(/^HubPrincipal\.permissionSetRole: '.*role\/platform-admin' is not an IAM Identity Center permission-set role ARN .*\[eks-access:hub-principal\]$/);
    expect(() => HubPrincipal.role(`arn:aws:iam::${HUB}:user/bob`)).toThrow(/is not an IAM role ARN/);
    expect(() => HubPrincipal.account('42')).toThrow(/'42' is not a 12-digit AWS account id/);
    expect(() => ClusterSelector.labels({})).toThrow(/needs at least one label/);
  });

  it('refuses requireMfa on a spoke role trusting an IAM Identity Center permission-set role (its sessions never carry MFA), by either factory', () => {
    const fleet = new AccessFleet(new App(), 'Fleet');
    fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1' });
    for (const hub of [HubPrincipal.permissionSetRole(HUB_SSO), HubPrincipal.role(HUB_SSO)]) {
      const e = ruleErrorOf(() => fleet.addSpokeRole('admins', { trustedPrincipals: [HubPrincipal.role(HUB_ADMIN), hub], requireMfa: true }));
      expect(e.message).toMatch(new RegExp(`^Fleet/admins: requireMfa cannot be met by the IAM Identity Center permission-set role\\(s\\) it trusts \\(${HUB_SSO.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`));
      expect(e.message).toMatch(/Require MFA at the Identity Center sign-in instead .* \[eks-access:fleet-spoke-mfa\]$/);
    }
    // The same principals without requireMfa, and requireMfa on hub IAM roles and accounts, are fine.
    const accessPolicies = [ADMIN.atClusterScope()];
    fleet.addSpokeRole('sso-admins', { trustedPrincipals: [HubPrincipal.permissionSetRole(HUB_SSO)], accessPolicies });
    fleet.addSpokeRole('break-glass', { trustedPrincipals: [HubPrincipal.role(HUB_ADMIN), HubPrincipal.account(HUB)], requireMfa: true, accessPolicies });
    expect(fleet.modelOf('dev').principal('break-glass')).toBeDefined();
  });

  it('refuses an AccessFleet inside a stack (it makes stages)', () => {
    const app = new App();
    expect(() => new AccessFleet(new Stack(app, 'S'), 'Fleet')).toThrow(/^S\/Fleet: is inside stack S: .*create it in an App or a Stage \[eks-access:fleet-cluster\]$/);
  });
});

afterAll(async () => {
  expect(lint.size).toBeGreaterThan(0);
  expect(await lint.run()).toEqual([]);
}, 120_000);
