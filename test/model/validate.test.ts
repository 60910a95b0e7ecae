/** Bad-input suite: one test per validation rule, each asserting the subject and the message that says what is valid. */
import {
  AccessEntryType, AccessModel, AccessPolicy, AccessScopeType, AuthenticationMode, ServiceAccountMechanism,
  SystemMastersHandling, ValidationIssue, ValidationNoteKind, validateModel, validationNotes,
} from '../../lib/model';

const ACCOUNT = '111122223333';
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY;

function model(mode = AuthenticationMode.API, systemMasters?: SystemMastersHandling): AccessModel {
  return new AccessModel({ accountId: ACCOUNT, authenticationMode: mode, systemMasters });
}

function issuesOf(m: AccessModel): ValidationIssue[] {
  return validateModel(m);
}

function expectOnly(m: AccessModel, subject: string, message: RegExp): void {
  const issues = issuesOf(m);
  expect(issues).toHaveLength(1);
  expect(issues[0].subject).toBe(subject);
  expect(issues[0].message).toMatch(message);
}

describe('a valid model', () => {
  it('has no issues', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    expect(issuesOf(m)).toEqual([]);
  });
});

describe('model settings', () => {
  it('rejects an account id that is not 12 digits', () => {
    const m = new AccessModel({ accountId: '1234' });
    m.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'model', /accountId '1234' is not a 12-digit AWS account id/);
  });

  it('rejects ids that are not construct-safe', () => {
    const m = model();
    m.addUser('9lives', { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, '9lives', /must start with a letter and contain only letters, digits and '-'/);
  });

  it('rejects an id used twice', () => {
    const m = model();
    m.addUser('alice', { userName: 'a1', accessPolicies: [VIEW.atClusterScope()] });
    m.addUser('alice', { userName: 'a2', accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'alice', /id 'alice' is used twice/);
  });
});

describe('EKS username rules', () => {
  it.each(['system:admin', 'eks:x', 'aws:x', 'amazon:x', 'iam:x'])('rejects the reserved prefix of %s', (username) => {
    const m = model();
    m.addUser('alice', { username, accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'alice', new RegExp(`username '${username}' must not start with '${username.split(':')[0]}:'`));
  });

  it('requires a ":" before {{SessionName}}', () => {
    const m = model();
    m.importRole('dev', `arn:aws:iam::${ACCOUNT}:role/dev`, { username: '{{SessionName}}', accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'dev', /uses \{\{SessionName\}\} without a ':' before it \(e\.g\. 'dev:\{\{SessionName\}\}'\)/);
  });

  it('rejects an empty username', () => {
    const m = model();
    m.addUser('alice', { username: ' ', accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'alice', /username must not be empty; omit it to get the EKS default/);
  });
});

describe('Kubernetes groups', () => {
  it('rejects system: groups on access entries', () => {
    const m = model();
    m.addUser('alice', { kubernetesGroups: ['system:nodes'] });
    expectOnly(m, 'alice', /'system:nodes' cannot be used on an access entry: EKS rejects groups starting with 'system:'/);
  });

  it('refuses system:masters when configured to', () => {
    const m = model(AuthenticationMode.API, SystemMastersHandling.REFUSE);
    m.addUser('alice', { kubernetesGroups: ['system:masters'] });
    expectOnly(m, 'alice', /'system:masters' is refused.*AMAZON_EKS_CLUSTER_ADMIN_POLICY\.atClusterScope\(\)/);
  });

  it('rejects whitespace in a group name', () => {
    const m = model();
    m.addUser('alice', { kubernetesGroups: ['pod viewers'] });
    expectOnly(m, 'alice', /kubernetes group 'pod viewers' must be non-empty and contain no whitespace/);
  });

  it('rejects a group listed twice', () => {
    const m = model();
    m.addUser('alice', { kubernetesGroups: ['dev', 'dev'] });
    expectOnly(m, 'alice', /kubernetes group 'dev' is listed twice/);
  });
});

describe('node entry types', () => {
  it.each([AccessEntryType.EC2_LINUX, AccessEntryType.EC2_WINDOWS, AccessEntryType.FARGATE_LINUX, AccessEntryType.HYBRID_LINUX, AccessEntryType.HYPERPOD_LINUX])(
    '%s takes no access policies', (entryType) => {
      const m = model();
      m.addNodeRole('nodes', `arn:aws:iam::${ACCOUNT}:role/nodes`, { entryType, accessPolicies: [VIEW.atClusterScope()] });
      expectOnly(m, 'nodes', new RegExp(`access entry type ${entryType} takes no access policies, not AmazonEKSViewPolicy`));
    });

  it('EC2 (Auto Mode) takes only AmazonEKSAutoNodePolicy', () => {
    const m = model();
    m.addNodeRole('auto', `arn:aws:iam::${ACCOUNT}:role/auto`, { entryType: AccessEntryType.EC2, accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'auto', /access entry type EC2 takes only AmazonEKSAutoNodePolicy, not AmazonEKSViewPolicy/);
    const ok = model();
    ok.addNodeRole('auto', `arn:aws:iam::${ACCOUNT}:role/auto`, { entryType: AccessEntryType.EC2, accessPolicies: [AccessPolicy.AMAZON_EKS_AUTO_NODE_POLICY.atClusterScope()] });
    expect(issuesOf(ok)).toEqual([]);
  });

  it('node types take no groups or username (JSON input)', () => {
    const json = model().toJson();
    const m = AccessModel.fromJson({
      ...json,
      principals: [{
        id: 'nodes', kind: 'ROLE' as never, origin: 'IMPORTED' as never, arn: `arn:aws:iam::${ACCOUNT}:role/nodes`, accountId: ACCOUNT,
        name: 'nodes', path: '/', entryType: AccessEntryType.EC2_LINUX, username: 'node', kubernetesGroups: ['x'], accessPolicies: [], tags: {},
      }],
    });
    const messages = issuesOf(m).map((i) => i.message);
    expect(messages).toEqual([
      'access entry type EC2_LINUX takes no username; EKS sets system:node:... itself',
      'access entry type EC2_LINUX takes no kubernetesGroups; EKS grants node permissions itself',
    ]);
  });

  it('rejects a cross-account node role', () => {
    const m = model();
    m.addNodeRole('nodes', 'arn:aws:iam::444455556666:role/nodes');
    expectOnly(m, 'nodes', /cross-account principal arn:aws:iam::444455556666:role\/nodes can only have access entry type STANDARD, not EC2_LINUX/);
  });
});

describe('access policy scope', () => {
  it('namespace scope needs namespaces', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [VIEW.inNamespaces()] });
    expectOnly(m, 'alice', /AmazonEKSViewPolicy has namespace scope but no namespaces; list them or use cluster scope/);
  });

  it('cluster scope takes no namespaces', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [{ policy: VIEW, scope: AccessScopeType.CLUSTER, namespaces: ['dev'] }] });
    expectOnly(m, 'alice', /AmazonEKSViewPolicy has cluster scope but namespaces dev; use namespace scope or drop the namespaces/);
  });

  it('namespaces must be DNS labels (a trailing * is allowed)', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [VIEW.inNamespaces('dev-*', 'Bad_NS')] });
    expectOnly(m, 'alice', /namespace 'Bad_NS' of AmazonEKSViewPolicy is not a DNS-1123 label \(optionally ending in '\*'\)/);
  });

  it('each policy once per entry', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [VIEW.inNamespaces('a'), VIEW.inNamespaces('b')] });
    expectOnly(m, 'alice', /AmazonEKSViewPolicy is associated twice; EKS allows each policy once per entry/);
  });

  it('rejects a malformed policy name from JSON, listing valid names', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    const json = m.toJson();
    const bad = AccessModel.fromJson({ ...json, principals: [{ ...json.principals[0], accessPolicies: [{ ...json.principals[0].accessPolicies[0], policyName: 'Amazon EKS Viewer' }] }] });
    expectOnly(bad, 'alice', /'Amazon EKS Viewer' is not an EKS access policy name .*catalogued names: AmazonEKSClusterAdminPolicy, /);
  });

  it('accepts a well-formed policy outside the catalogue with a note naming it, not an error', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [AccessPolicy.of('AmazonEKSViewerPolicy').atClusterScope()] });
    expect(issuesOf(m)).toEqual([]);
    expect(validationNotes(m)).toEqual([{
      kind: ValidationNoteKind.UNCATALOGUED_ACCESS_POLICY, subject: 'alice', ruleId: 'cdk-eks-access:uncatalogued-access-policy',
      message: expect.stringMatching(/^access policy AmazonEKSViewerPolicy is not in this version's catalogue; .*arn:aws:eks::aws:cluster-access-policy\/AmazonEKSViewerPolicy/),
    }]);
  });

  it('rejects an invalid scope from JSON', () => {
    const m = model();
    m.addUser('alice', { accessPolicies: [{ policy: VIEW, scope: 'region' as AccessScopeType }] });
    expectOnly(m, 'alice', /access scope 'region' of AmazonEKSViewPolicy is invalid; use 'cluster' or 'namespace'/);
  });

  it('access policies other than ClusterAdmin need access entries (not CONFIG_MAP)', () => {
    const m = model(AuthenticationMode.CONFIG_MAP);
    m.addUser('alice', { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'alice', /AmazonEKSViewPolicy needs access entries \(authentication mode API or API_AND_CONFIG_MAP\)/);
  });
});

describe('principals', () => {
  it('rejects a duplicate principal ARN (case-insensitive)', () => {
    const m = model();
    m.importRole('a', `arn:aws:iam::${ACCOUNT}:role/Admin`, { accessPolicies: [VIEW.atClusterScope()] });
    m.importRole('b', `arn:aws:iam::${ACCOUNT}:role/admin`, { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'b', /is already declared as 'a'; EKS allows one access entry per principal, merge the grants into 'a'/);
  });

  it('rejects service-linked roles', () => {
    const m = model();
    m.importRole('slr', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS`, { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'slr', /service-linked role .* cannot be an access-entry principal \(EKS rejects roles under \/aws-service-role\/\)/);
  });

  it('rejects STS session ARNs and malformed ARNs', () => {
    const m = model();
    m.importRole('sess', `arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice`, { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'sess', /is not an IAM role ARN \(arn:<partition>:iam::<12-digit account>:role\/\[<path>\/\]<name>\); STS session ARNs are not accepted/);
  });

  it('rejects a user ARN imported as a role', () => {
    const m = model();
    m.importRole('u', `arn:aws:iam::${ACCOUNT}:user/alice`, { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'u', /is not an IAM role ARN/);
  });

  it('rejects a principal from another partition', () => {
    const m = model();
    m.importRole('cn', `arn:aws-cn:iam::${ACCOUNT}:role/dev`, { accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'cn', /is in partition 'aws-cn' but the model is in 'aws'/);
  });

  it('rejects invalid IAM names and paths of created principals', () => {
    const m = model();
    m.addUser('alice', { userName: 'has space', path: 'no-slash', accessPolicies: [VIEW.atClusterScope()] });
    expect(issuesOf(m).map((i) => i.message)).toEqual([
      "IAM user name 'has space' is invalid: 1-64 characters of letters, digits and +=,.@_-",
      "IAM path 'no-slash' is invalid: '/' or '/segment/.../' of printable ASCII, at most 512 characters",
    ]);
  });

  it('rejects a principal granted nothing', () => {
    const m = model();
    m.addUser('idle');
    expectOnly(m, 'idle', /principal is granted nothing: give it kubernetesGroups or accessPolicies, or name it in a role's assumableBy\.principalIds/);
  });

  it('rejects account principals in API mode', () => {
    const m = model();
    m.addAccount('partner', '444455556666', { kubernetesGroups: ['partners'] });
    expectOnly(m, 'partner', /account principals \(aws-auth mapAccounts\) need authentication mode CONFIG_MAP or API_AND_CONFIG_MAP, not API/);
  });

  it('rejects a malformed account id', () => {
    const m = model(AuthenticationMode.CONFIG_MAP);
    m.addAccount('partner', '4444', { kubernetesGroups: ['partners'] });
    expectOnly(m, 'partner', /account '4444' is not a 12-digit AWS account id/);
  });

  it('enforces the 3,000 access entries quota', () => {
    const m = model();
    for (let i = 0; i <= 3000; i++) m.importRole(`r${i}`, `arn:aws:iam::${ACCOUNT}:role/r${i}`, { kubernetesGroups: ['g'] });
    expectOnly(m, 'model', /3001 access entries exceed the EKS quota of 3000 per cluster \(not adjustable\)/);
  });
});

describe('role trust', () => {
  it('needs somebody in assumableBy', () => {
    const m = model();
    m.addRole('r', { assumableBy: {}, accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'r', /role has nobody in assumableBy; name principalIds, principalArns, accountIds or organizationId/);
  });

  it('rejects unknown principal ids, listing the known ones', () => {
    const m = model();
    m.addRole('r', { assumableBy: { principalIds: ['bob'] }, accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'r', /assumableBy\.principalIds names 'bob', which is not a principal of this model \(known: r\)/);
  });

  it('rejects an account named as a principal id', () => {
    const m = model(AuthenticationMode.API_AND_CONFIG_MAP);
    m.addAccount('acct', '444455556666', { kubernetesGroups: ['x'] });
    m.addRole('r', { assumableBy: { principalIds: ['acct'] }, accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'r', /names account 'acct'; use assumableBy\.accountIds for accounts/);
  });

  it('rejects a role trusting itself', () => {
    const m = model();
    m.addRole('r', { assumableBy: { principalIds: ['r'] }, accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'r', /role cannot be assumable by itself/);
  });

  it('rejects bad ARNs, account ids, organization ids and external ids', () => {
    const m = model();
    m.addRole('r', {
      assumableBy: { principalArns: ['arn:aws:s3:::bucket'], accountIds: ['12'], organizationId: 'org-1', externalIds: ['x'] },
      accessPolicies: [VIEW.atClusterScope()],
    });
    expect(issuesOf(m).map((i) => i.message)).toEqual([
      "assumableBy.principalArns has 'arn:aws:s3:::bucket', which is not an IAM user or role ARN",
      "assumableBy.accountIds has '12', which is not a 12-digit account id",
      "organizationId 'org-1' is not an AWS Organizations id (o-[a-z0-9]{10,32})",
      "externalId 'x' is invalid: 2-1224 characters of letters, digits and +=,.@:/-",
    ]);
  });

  it('bounds the max session duration', () => {
    const m = model();
    m.addRole('r', { assumableBy: { accountIds: [ACCOUNT] }, maxSessionDurationSeconds: 60, accessPolicies: [VIEW.atClusterScope()] });
    expectOnly(m, 'r', /maxSessionDurationSeconds 60 is out of range: an integer from 3600 to 43200/);
  });
});

describe('group grants and service accounts', () => {
  it('a group grant needs a clusterRole or rules', () => {
    const m = model();
    m.addGroupGrant({ group: 'dev' });
    expectOnly(m, 'groupGrants/dev', /group grant needs a clusterRole to bind or rules/);
  });

  it('rejects RBAC for system groups', () => {
    const m = model();
    m.addGroupGrant({ group: 'system:authenticated', clusterRole: 'view' });
    expectOnly(m, 'groupGrants/system:authenticated', /is a Kubernetes system group; grant RBAC to a group of your own/);
  });

  it('rejects bad namespaces of a group grant', () => {
    const m = model();
    m.addGroupGrant({ group: 'dev', clusterRole: 'edit', namespaces: ['Dev'] });
    expectOnly(m, 'groupGrants/dev', /namespace 'Dev' is not a DNS-1123 label/);
  });

  it('rejects bad service-account names and duplicates', () => {
    const m = model();
    m.addServiceAccount('a', { namespace: 'Apps', name: 'x', mechanism: ServiceAccountMechanism.IRSA });
    m.addServiceAccount('b', { namespace: 'apps', name: 'Bad', mechanism: ServiceAccountMechanism.IRSA });
    m.addServiceAccount('c', { namespace: 'apps', name: 'ok', mechanism: ServiceAccountMechanism.POD_IDENTITY, roleName: 'r r' });
    m.addServiceAccount('d', { namespace: 'apps', name: 'ok', mechanism: ServiceAccountMechanism.IRSA });
    expect(issuesOf(m)).toEqual([
      { subject: 'serviceAccounts/a', ruleId: 'eks-access:service-account-namespace', message: "namespace 'Apps' is not a DNS-1123 label" },
      { subject: 'serviceAccounts/b', ruleId: 'eks-access:service-account-name', message: "service account name 'Bad' is not a DNS-1123 subdomain" },
      { subject: 'serviceAccounts/c', ruleId: 'eks-access:service-account-role-name', message: "IAM role name 'r r' is invalid: 1-64 characters of letters, digits and +=,.@_-" },
      { subject: 'serviceAccounts/d', ruleId: 'eks-access:duplicate-service-account', message: 'service account apps/ok is declared twice' },
    ]);
  });

  it('rejects malformed inline policy statements of a service account, naming the statement', () => {
    const m = model();
    m.addServiceAccount('s', {
      namespace: 'apps', name: 's', mechanism: ServiceAccountMechanism.IRSA,
      policyStatements: [
        { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] },
        { actions: [], resources: [] },
        { actions: ['GetObject', 's3:*'], resources: ['bucket', '*'] },
      ],
    });
    expect(issuesOf(m)).toEqual([
      { subject: 'serviceAccounts/s', ruleId: 'eks-access:iam-statement', message: 'policyStatements[1]: needs at least one action' },
      { subject: 'serviceAccounts/s', ruleId: 'eks-access:iam-statement', message: "policyStatements[1]: needs at least one resource (an ARN or '*')" },
      { subject: 'serviceAccounts/s', ruleId: 'eks-access:iam-statement', message: "policyStatements[2]: action 'GetObject' is not 'service:Action' (e.g. 's3:GetObject') or '*'" },
      { subject: 'serviceAccounts/s', ruleId: 'eks-access:iam-statement', message: "policyStatements[2]: resource 'bucket' is not an ARN (arn:partition:service:region:account:resource) or '*'" },
    ]);
  });
});
