/**
 * Bad-input suite of the rules added for "safe by construction": username templates parsed, permissions boundaries,
 * one IAM role declared twice through its path, two ClusterAccess granting one principal, and the group warnings.
 * One test per rule, each asserting the subject / construct path and the message that says what is valid.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { usernameProblems } from '../../authenticator/mapper/eks-rules';
import { parseTemplate } from '../../authenticator/mapper/username-template';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessModel, AccessPolicy, AuthenticationMode, ValidationIssue, modelWarnings, validateModel } from '../../lib/model';

const ACCOUNT = '111122223333';
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope();
const model = (mode = AuthenticationMode.API) => new AccessModel({ accountId: ACCOUNT, authenticationMode: mode });

function only(issues: ValidationIssue[], subject: string, message: RegExp): void {
  expect(issues.map((i) => `${i.subject}: ${i.message} [${i.ruleId}]`)).toEqual([expect.stringMatching(message)]);
  expect(issues[0].subject).toBe(subject);
}

describe('username templates are parsed', () => {
  test('the grammar: literals and placeholders, with offsets', () => {
    expect(parseTemplate('dev:{{SessionName}}-x')).toEqual({ parts: [{ literal: 'dev:' }, { placeholder: 'SessionName', offset: 4 }, { literal: '-x' }], errors: [] });
  });

  test.each([
    ['dev:{{Foo}}', /unknown placeholder \{\{Foo\}\}; the authenticator renders only \{\{AccountID\}\}, \{\{SessionName\}\}, \{\{SessionNameRaw\}\}, \{\{AccessKeyID\}\}, \{\{EC2PrivateDNSName\}\}/],
    ['dev:{{SessionName', /'\{\{' at position 4 is never closed; write a placeholder as \{\{Name\}\}/],
    ['dev:SessionName}}', /'\}\}' at position 15 closes no '\{\{'/],
    ['dev:{{ SessionName }}', /unknown placeholder \{\{ SessionName \}\}/],
    ['dev:{{EC2PrivateDNSName}}', /uses \{\{EC2PrivateDNSName\}\} on a STANDARD principal; it renders only for an EC2 instance's session \(declare the role with addNodeRole/],
    ['{{SessionNameRaw}}', /uses \{\{SessionNameRaw\}\} without a ':' before it \(e\.g\. 'dev:\{\{SessionNameRaw\}\}'\)/],
    ['x{{SessionName}}', /uses \{\{SessionName\}\} without a ':' before it/],
    ['dev:{{AccessKeyID}}', /uses \{\{AccessKeyID\}\}, which access entries do not render; use \{\{SessionName\}\} or \{\{SessionNameRaw\}\}/],
  ])('%s is refused on an access entry', (username, message) => {
    const m = model();
    m.addRole('dev', { assumableBy: { accountIds: [ACCOUNT] }, username, accessPolicies: [VIEW] });
    only(validateModel(m), 'dev', message);
  });

  test('aws-auth rows (CONFIG_MAP) render every known placeholder, but still parse and refuse unknown ones', () => {
    const ok = model(AuthenticationMode.CONFIG_MAP);
    ok.addRole('dev', { assumableBy: { accountIds: [ACCOUNT] }, username: 'dev:{{AccountID}}:{{SessionName}}', kubernetesGroups: ['devs'] });
    ok.addGroupGrant({ group: 'devs', clusterRole: 'view' });
    expect(validateModel(ok)).toEqual([]);
    const bad = model(AuthenticationMode.CONFIG_MAP);
    bad.addRole('dev', { assumableBy: { accountIds: [ACCOUNT] }, username: 'dev:{{Foo}}', kubernetesGroups: ['devs'] });
    only(validateModel(bad), 'dev', /unknown placeholder \{\{Foo\}\}/);
  });

  test('valid usernames pass, in both contexts', () => {
    for (const u of ['dev:{{SessionName}}', 'dev:{{SessionNameRaw}}', 'alice', 'team:{x}']) {
      expect(usernameProblems(u, { accessEntry: true, node: false })).toEqual([]);
    }
  });
});

test('a permissions boundary that is not a managed-policy ARN is refused', () => {
  const m = model();
  m.addUser('alice', { permissionsBoundaryArn: 'Boundary', accessPolicies: [VIEW] });
  only(validateModel(m), 'alice', /permissionsBoundaryArn 'Boundary' is not a managed-policy ARN: arn:aws:iam::<12-digit account or aws>:policy\/\[<path>\/\]<name> \(e\.g\. arn:aws:iam::111122223333:policy\/Boundary\) \[eks-access:permissions-boundary-arn\]/);
  const ok = model();
  ok.addRole('r', { assumableBy: { accountIds: [ACCOUNT] }, permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/team/Boundary', accessPolicies: [VIEW] });
  expect(validateModel(ok)).toEqual([]);
  const other = model();
  other.addUser('bob', { permissionsBoundaryArn: 'arn:aws-cn:iam::aws:policy/PowerUserAccess', accessPolicies: [VIEW] });
  only(validateModel(other), 'bob', /is in partition 'aws-cn' but the model is in 'aws'/);
});

test('role/team/Admin next to role/Admin is one IAM role', () => {
  const m = model();
  m.importRole('admin', `arn:aws:iam::${ACCOUNT}:role/Admin`, { accessPolicies: [VIEW] });
  m.importRole('team-admin', `arn:aws:iam::${ACCOUNT}:role/team/Admin`, { accessPolicies: [VIEW] });
  only(validateModel(m), 'team-admin', /role arn:aws:iam::111122223333:role\/team\/Admin is the same IAM role as 'admin' \(arn:aws:iam::111122223333:role\/Admin\): role names are unique per account whatever the path, and aws-auth and the authenticator see both as arn:aws:iam::111122223333:role\/Admin; declare the role once with its real path \[eks-access:same-iam-role\]/);
});

describe('group warnings', () => {
  test('a grant for a group nobody is in, and a group nothing binds (pod-viewers vs pod-viewer)', () => {
    const m = model();
    m.addUser('bob', { kubernetesGroups: ['pod-viewers'] });
    m.addGroupGrant({ group: 'pod-viewer', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
    expect(validateModel(m)).toEqual([]); // the cluster would accept it: warnings, not errors
    expect(modelWarnings(m)).toEqual([
      { subject: 'groupGrants/pod-viewer', ruleId: 'eks-access:group-grant-without-members', message: "group grant 'pod-viewer' binds a group no principal of the model is in; did you mean 'pod-viewers'? (fine if principals mapped elsewhere use it)" },
      { subject: 'bob', ruleId: 'eks-access:group-not-bound', message: "kubernetes group 'pod-viewers' is bound by no group grant of the model, so it grants nothing unless RBAC written elsewhere binds it; did you mean 'pod-viewer'?" },
    ]);
  });

  test('ClusterAccess shows them as CDK warnings with the rule id', () => {
    const m = model();
    m.addUser('bob', { kubernetesGroups: ['pod-viewers'] });
    m.addGroupGrant({ group: 'pod-viewer', clusterRole: 'view' });
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'demo' }), model: m });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('group-not-bound'));
    expect(warnings.map((w) => w.id)).toEqual(['/S/Access']);
    expect(String(warnings[0].entry.data)).toMatch(/^S\/Access\/bob: kubernetes group 'pod-viewers' is bound by no group grant/);
  });
});

describe('two ClusterAccess on one cluster', () => {
  const withAlice = () => {
    const m = model();
    m.importUser('alice', `arn:aws:iam::${ACCOUNT}:user/alice`, { accessPolicies: [VIEW] });
    return m;
  };
  const env = { account: ACCOUNT, region: 'us-east-1' };

  test('granting the same principal is an error naming both constructs', () => {
    const app = new App();
    const cluster = ClusterTarget.fromClusterName({ clusterName: 'demo' });
    new ClusterAccess(new Stack(app, 'A', { env }), 'Access', { cluster, model: withAlice() });
    expect(() => new ClusterAccess(new Stack(app, 'B', { env }), 'Access', { cluster, model: withAlice() }))
      .toThrow(/^B\/Access: grants 'alice' \(arn:aws:iam::111122223333:user\/alice, 'alice' there\) on cluster demo, which A\/Access already grants: EKS keeps one access entry per principal and the second deployment would fail with 409 ResourceInUseException; declare each principal in one model \[eks-access:duplicate-access-entry\]/);
  });

  test('other clusters, or other regions, are fine', () => {
    const app = new App();
    new ClusterAccess(new Stack(app, 'A', { env }), 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'demo' }), model: withAlice() });
    expect(() => new ClusterAccess(new Stack(app, 'B', { env }), 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'other' }), model: withAlice() })).not.toThrow();
    expect(() => new ClusterAccess(new Stack(app, 'C', { env: { ...env, region: 'eu-west-1' } }), 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'demo' }), model: withAlice() })).not.toThrow();
  });
});
