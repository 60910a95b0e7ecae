/** The views derived from the model: access entries, aws-auth rows, usernames, JSON, the policy catalogue. */
import {
  AccessEntryType, AccessModel, AccessPolicy, AccessScopeType, AuthenticationMode, PrincipalKind,
  accessEntries, awsAuthRows, effectiveUsername, validateModel,
} from '../../lib/model';
import { exampleAccessModel } from '../../examples/app/example-access';

const ACCOUNT = '111122223333';
const SSO_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef`;

function mixedModel(mode: AuthenticationMode): AccessModel {
  const m = new AccessModel({ accountId: ACCOUNT, authenticationMode: mode });
  m.importRole('sso', SSO_ARN, { kubernetesGroups: ['platform'] });
  m.importUser('ops', `arn:aws:iam::${ACCOUNT}:user/team/ops`, { kubernetesGroups: ['system:masters'] });
  m.addNodeRole('nodes', `arn:aws:iam::${ACCOUNT}:role/eks/nodes`);
  if (mode !== AuthenticationMode.API) m.addAccount('partner', '444455556666', { kubernetesGroups: ['partners'] });
  return m;
}

describe('access policy catalogue', () => {
  it('has every EKS access policy, with ARNs per partition', () => {
    expect(AccessPolicy.all()).toHaveLength(33);
    expect(AccessPolicy.all().filter((p) => p.generalPurpose).map((p) => p.policyName)).toEqual([
      'AmazonEKSClusterAdminPolicy', 'AmazonEKSAdminPolicy', 'AmazonEKSEditPolicy', 'AmazonEKSViewPolicy', 'AmazonEKSAdminViewPolicy',
    ]);
    expect(AccessPolicy.AMAZON_EKS_VIEW_POLICY.arn()).toBe('arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy');
    expect(AccessPolicy.AMAZON_EKS_VIEW_POLICY.arn('aws-cn')).toBe('arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy');
    expect(AccessPolicy.AMAZON_EKS_HYBRID_POLICY.arn('aws-us-gov')).toBe('arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSHybridPolicy');
    expect(() => AccessPolicy.AMAZON_EKS_VIEW_POLICY.arn('aws-moon')).toThrow("'aws-moon' is not an AWS partition");
  });

  it('finds policies by name and ARN, accepts well-formed uncatalogued ones and refuses malformed ones', () => {
    expect(AccessPolicy.of('AmazonEMRJobPolicy')).toBe(AccessPolicy.AMAZON_EMR_JOB_POLICY);
    expect(AccessPolicy.fromArn('arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSEditPolicy')).toBe(AccessPolicy.AMAZON_EKS_EDIT_POLICY);
    // A well-formed name outside the catalogue is an escape hatch for policies AWS adds later (ClusterAccess warns).
    expect(AccessPolicy.of('AmazonEKSRootPolicy')).toMatchObject({ policyName: 'AmazonEKSRootPolicy', catalogued: false });
    expect(AccessPolicy.of('AmazonEKSRootPolicy')).toBe(AccessPolicy.of('AmazonEKSRootPolicy'));
    expect(AccessPolicy.AMAZON_EKS_VIEW_POLICY.catalogued).toBe(true);
    expect(AccessPolicy.all().map((p) => p.policyName)).not.toContain('AmazonEKSRootPolicy');
    expect(() => AccessPolicy.of('Amazon EKS/Root')).toThrow(/not an EKS access policy name \(letters and digits.*catalogued names: .*AmazonEKSViewPolicy/);
    expect(() => AccessPolicy.fromArn('arn:aws:iam::aws:policy/ReadOnlyAccess')).toThrow(/not an EKS access policy ARN/);
    expect(() => AccessPolicy.fromArn('arn:aws:eks::aws:cluster-access-policy/')).toThrow(/not an EKS access policy ARN/);
    expect(AccessPolicy.fromArn('arn:aws:eks::aws:cluster-access-policy/AmazonEKSFuturePolicy')).toMatchObject({ policyName: 'AmazonEKSFuturePolicy', catalogued: false });
  });

  it('builds ARNs in the model partition', () => {
    const m = new AccessModel({ accountId: ACCOUNT, partition: 'aws-us-gov' });
    const p = m.addUser('alice', { accessPolicies: [AccessPolicy.AMAZON_EKS_ADMIN_POLICY.inNamespaces('dev')] });
    expect(p.arn).toBe(`arn:aws-us-gov:iam::${ACCOUNT}:user/alice`);
    expect(p.accessPolicies[0].policyArn).toBe('arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy');
  });
});

describe('imported principals', () => {
  it('keeps IAM paths and recognizes IAM Identity Center roles', () => {
    const m = mixedModel(AuthenticationMode.API);
    const sso = m.principal('sso')!;
    expect(sso).toMatchObject({ arn: SSO_ARN, path: '/aws-reserved/sso.amazonaws.com/eu-west-1/', name: 'AWSReservedSSO_PlatformAdmin_0123456789abcdef', ssoPermissionSetName: 'PlatformAdmin' });
    expect(m.principal('ops')).toMatchObject({ kind: PrincipalKind.USER, path: '/team/', name: 'ops' });
  });
});

describe('per authentication mode', () => {
  it('API: access entries only (paths kept, system:masters → ClusterAdmin at cluster scope), no aws-auth', () => {
    const m = mixedModel(AuthenticationMode.API);
    expect(validateModel(m)).toEqual([]);
    expect(accessEntries(m)).toEqual([
      { principalId: 'sso', principalArn: SSO_ARN, type: 'STANDARD', username: undefined, kubernetesGroups: ['platform'], accessPolicies: [], tags: {} },
      {
        principalId: 'ops', principalArn: `arn:aws:iam::${ACCOUNT}:user/team/ops`, type: 'STANDARD', username: undefined, kubernetesGroups: [], tags: {},
        accessPolicies: [{ policyName: 'AmazonEKSClusterAdminPolicy', policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', scope: AccessScopeType.CLUSTER, namespaces: [] }],
      },
      { principalId: 'nodes', principalArn: `arn:aws:iam::${ACCOUNT}:role/eks/nodes`, type: AccessEntryType.EC2_LINUX, username: undefined, kubernetesGroups: [], accessPolicies: [], tags: {} },
    ]);
    expect(awsAuthRows(m)).toEqual({ roles: [], users: [], accounts: [] });
  });

  it('API_AND_CONFIG_MAP: access entries, aws-auth only for accounts', () => {
    const m = mixedModel(AuthenticationMode.API_AND_CONFIG_MAP);
    expect(validateModel(m)).toEqual([]);
    expect(accessEntries(m).map((e) => e.principalId)).toEqual(['sso', 'ops', 'nodes']);
    expect(awsAuthRows(m)).toEqual({ roles: [], users: [], accounts: ['444455556666'] });
  });

  it('CONFIG_MAP: aws-auth rows only, role paths stripped, node groups, system:masters kept', () => {
    const m = mixedModel(AuthenticationMode.CONFIG_MAP);
    m.importRole('admin', `arn:aws:iam::${ACCOUNT}:role/ops/admin`, { accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()] });
    expect(validateModel(m)).toEqual([]);
    expect(accessEntries(m)).toEqual([]);
    expect(awsAuthRows(m)).toEqual({
      roles: [
        { roleArn: `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_PlatformAdmin_0123456789abcdef`, username: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/{{SessionName}}`, groups: ['platform'] },
        { roleArn: `arn:aws:iam::${ACCOUNT}:role/nodes`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] },
        { roleArn: `arn:aws:iam::${ACCOUNT}:role/admin`, username: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/{{SessionName}}`, groups: ['system:masters'] },
      ],
      users: [{ userArn: `arn:aws:iam::${ACCOUNT}:user/team/ops`, username: `arn:aws:iam::${ACCOUNT}:user/team/ops`, groups: ['system:masters'] }],
      accounts: ['444455556666'],
    });
  });

  it('leaves principals that only assume a role out of entries and rows', () => {
    const m = exampleAccessModel();
    expect(accessEntries(m).map((e) => e.principalId)).not.toContain('read-only-user');
    expect(accessEntries(m).map((e) => e.principalId)).toEqual(['read-only', 'testuser', 'pod-viewer-user', 'pod-admin-user', 'developer']);
  });
});

describe('node rows in CONFIG_MAP mode', () => {
  it('carry the groups EKS writes for Linux, Windows and Fargate nodes', () => {
    const m = new AccessModel({ accountId: ACCOUNT, authenticationMode: AuthenticationMode.CONFIG_MAP });
    m.addNodeRole('linux', `arn:aws:iam::${ACCOUNT}:role/linux`);
    m.addNodeRole('windows', `arn:aws:iam::${ACCOUNT}:role/windows`, { entryType: AccessEntryType.EC2_WINDOWS });
    m.addNodeRole('fargate', `arn:aws:iam::${ACCOUNT}:role/pods/fargate`, { entryType: AccessEntryType.FARGATE_LINUX });
    expect(awsAuthRows(m).roles).toEqual([
      { roleArn: `arn:aws:iam::${ACCOUNT}:role/linux`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] },
      { roleArn: `arn:aws:iam::${ACCOUNT}:role/windows`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows'] },
      { roleArn: `arn:aws:iam::${ACCOUNT}:role/fargate`, username: 'system:node:{{SessionName}}', groups: ['system:bootstrappers', 'system:nodes', 'system:node-proxier'] },
    ]);
  });
});

describe('effective username', () => {
  it('follows the EKS defaults', () => {
    const m = mixedModel(AuthenticationMode.API);
    const fargate = m.addNodeRole('fargate', `arn:aws:iam::${ACCOUNT}:role/fargate`, { entryType: AccessEntryType.FARGATE_LINUX });
    expect(effectiveUsername(m.principal('ops')!, 'aws')).toBe(`arn:aws:iam::${ACCOUNT}:user/team/ops`);
    expect(effectiveUsername(m.principal('nodes')!, 'aws')).toBe('system:node:{{EC2PrivateDNSName}}');
    expect(effectiveUsername(fargate, 'aws')).toBe('system:node:{{SessionName}}');
  });
});

describe('JSON form', () => {
  it('round-trips and is plain JSON', () => {
    const m = exampleAccessModel();
    const json = JSON.parse(JSON.stringify(m.toJson()));
    expect(AccessModel.fromJson(json).toJson()).toEqual(m.toJson());
    expect(json.version).toBe(1);
    expect(json.principals.find((p: { id: string }) => p.id === 'developer').role.trust).toEqual({
      principalIds: [], principalArns: [], accountIds: [ACCOUNT], requireMfa: true, externalIds: [], allowSourceIdentity: true, allowSessionTags: true,
    });
  });

  it('refuses an unknown version', () => {
    expect(() => AccessModel.fromJson({ ...exampleAccessModel().toJson(), version: 2 })).toThrow('access model version 2 is not supported (expected 1)');
  });
});

describe('example model', () => {
  it.each([AuthenticationMode.API, AuthenticationMode.API_AND_CONFIG_MAP, AuthenticationMode.CONFIG_MAP])('is valid in %s mode', (mode) => {
    expect(validateModel(exampleAccessModel(mode))).toEqual([]);
  });

  it('gives the read-only and developer roles the same rights through groups in CONFIG_MAP mode', () => {
    const m = exampleAccessModel(AuthenticationMode.CONFIG_MAP);
    const rows = awsAuthRows(m);
    expect(rows.roles.map((r) => [r.roleArn, r.groups])).toEqual([
      [`arn:aws:iam::${ACCOUNT}:role/demo-read-only`, ['read-only']],
      [`arn:aws:iam::${ACCOUNT}:role/demo-developer`, ['developer']],
    ]);
    expect(m.groupGrants.filter((g) => g.clusterRole).map((g) => [g.group, g.clusterRole, g.namespaces])).toEqual([
      ['read-only', 'view', []], ['developer', 'edit', ['dev']],
    ]);
  });
});
