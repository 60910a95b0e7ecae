/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { Testing } from 'cdk8s';
import { exampleAccessModel } from '../../examples/app/example-access';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { AccessChart } from '../../lib/k8s';
import { AccessEntryType, AccessModel, AccessPolicy, AuthenticationMode } from '../../lib/model';
import { authenticatorMappingRows } from '../../lib/model';
import { registerCrd, validateAll } from './validate-manifest';
import { CHART_WARNING_METADATA } from '../../lib/k8s/chart-warnings';

function synth(model: AccessModel, props: Partial<ConstructorParameters<typeof AccessChart>[2]> = {}) {
  const chart = new AccessChart(Testing.app(), 'access', { model, ...props });
  const objs = Testing.synth(chart);
  const crd = objs.find((o: any) => o.kind === 'CustomResourceDefinition');
  if (crd) registerCrd(crd);
  validateAll(objs);
  return objs;
}
const names = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind).map((o) => (o.metadata.namespace ? `${o.metadata.namespace}/` : '') + o.metadata.name);

describe('AccessChart (rendered from the access model)', () => {
  test('API mode (the example app): RBAC for the group grants, service accounts, no aws-auth', () => {
    const objs = synth(exampleAccessModel());
    expect(names(objs, 'ClusterRole')).toEqual(['eks-access:pod-viewer', 'eks-access:pod-admin']);
    expect(names(objs, 'ClusterRoleBinding')).toEqual(['eks-access:pod-viewer', 'eks-access:pod-admin']);
    const crb = objs.find((o: any) => o.kind === 'ClusterRoleBinding');
    expect(crb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'pod-viewer' }]);
    expect(names(objs, 'ConfigMap')).toEqual([]);
    const sas = objs.filter((o: any) => o.kind === 'ServiceAccount');
    expect(sas.map((s: any) => [s.metadata.namespace, s.metadata.name, s.metadata.annotations?.['eks.amazonaws.com/role-arn']])).toEqual([
      ['dev', 's3-reader', 'arn:aws:iam::111122223333:role/demo-dev-s3-reader'],
      ['dev', 'table-writer', undefined],
    ]);
    for (const o of objs) expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk-eks-access');
    expect(objs).toMatchSnapshot();
  });

  test('CONFIG_MAP mode: aws-auth holds every principal (paths stripped), node rows with their OS groups', () => {
    const model = exampleAccessModel(AuthenticationMode.CONFIG_MAP);
    model.addNodeRole('linux-nodes', 'arn:aws:iam::111122223333:role/nodes/linux-ng');
    model.addNodeRole('win-nodes', 'arn:aws:iam::111122223333:role/win-ng', { entryType: AccessEntryType.EC2_WINDOWS });
    const objs = synth(model);
    const [cm] = objs.filter((o: any) => o.kind === 'ConfigMap');
    expect(cm.metadata).toMatchObject({ name: 'aws-auth', namespace: 'kube-system' });
    const rows = parseAwsAuth(cm.data);
    expect(rows.errors).toEqual([]);
    expect(cm.data.mapRoles).not.toMatch(/role\/(eks|nodes)\//);
    const linux = rows.roles.find((r) => r.roleArn!.endsWith('/linux-ng'))!;
    expect(linux.groups).toEqual(['system:bootstrappers', 'system:nodes']);
    const win = rows.roles.find((r) => r.roleArn!.endsWith('/win-ng'))!;
    expect(win.groups).toEqual(['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows']);
    const testuser = rows.users.find((u) => u.userArn.endsWith('user/testuser'))!;
    expect(testuser.groups).toContain('system:masters');
  });

  test('namespaced grants and built-in role bindings; IAMIdentityMapping objects with their CRD', () => {
    const model = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.API_AND_CONFIG_MAP });
    model.importRole('dev', 'arn:aws:iam::111122223333:role/teams/dev', { kubernetesGroups: ['devs'] });
    model.addGroupGrant({ group: 'devs', namespaces: ['team-a', 'team-b'], clusterRole: 'edit', rules: [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }] });
    model.addGroupGrant({ group: 'auditors', clusterRole: 'view' });
    const objs = synth(model, { iamIdentityMappings: true });
    expect(names(objs, 'Role')).toEqual(['team-a/eks-access:devs', 'team-b/eks-access:devs']);
    expect(names(objs, 'RoleBinding')).toEqual(['team-a/eks-access:devs', 'team-b/eks-access:devs', 'team-a/eks-access:devs:edit', 'team-b/eks-access:devs:edit']);
    expect(names(objs, 'ClusterRoleBinding')).toEqual(['eks-access:auditors:view']);
    expect(names(objs, 'ConfigMap')).toEqual([]); // API_AND_CONFIG_MAP: no account rows → nothing for aws-auth
    const [mapping] = objs.filter((o: any) => o.kind === 'IAMIdentityMapping');
    expect(mapping.spec).toEqual({ arn: 'arn:aws:iam::111122223333:role/dev', username: 'arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}', groups: ['devs'] });
  });

  test('a grant binding a ClusterRole that does not exist fails synth; aws-auth in API mode is refused', () => {
    const model = new AccessModel({ accountId: '111122223333' });
    model.addGroupGrant({ group: 'x', clusterRole: 'made-up' });
    expect(() => Testing.synth(new AccessChart(Testing.app(), 'access', { model }))).toThrow(/access\/Grant0-Bind-made-up: binds ClusterRole "made-up"/);
    expect(() => new AccessChart(Testing.app(), 'access', { model: new AccessModel({ accountId: '111122223333' }), awsAuth: true })).toThrow(/authentication mode is API/);
    const withAccount = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.CONFIG_MAP });
    withAccount.addAccount('partner', '444455556666', { kubernetesGroups: ['partners'] });
    expect(() => new AccessChart(Testing.app(), 'access', { model: withAccount, iamIdentityMappings: true })).toThrow(/access: IAMIdentityMapping cannot express account-wide mappings \(accounts 444455556666\)/);
  });

  describe('access policies for the self-managed authenticator (no EKS authorizer)', () => {
    const model = () => {
      const m = new AccessModel({ accountId: '111122223333' });
      m.importRole('payments-admin', 'arn:aws:iam::111122223333:role/payments-admin', { accessPolicies: [AccessPolicy.AMAZON_EKS_ADMIN_POLICY.inNamespaces('payments', 'refunds')] });
      m.importRole('auditor', 'arn:aws:iam::111122223333:role/auditor', { accessPolicies: [AccessPolicy.AMAZON_EKS_ADMIN_VIEW_POLICY.atClusterScope()] });
      m.importRole('root', 'arn:aws:iam::111122223333:role/root', { accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope(), AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
      m.importRole('viewer', 'arn:aws:iam::111122223333:role/viewer', { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
      return m;
    };

    test('each policy grant is a group in the mapping and a binding to the role EKS uses for the policy', () => {
      const rows = authenticatorMappingRows(model());
      const groups = Object.fromEntries(rows.roles.map((r) => [r.roleArn!.split('/').pop(), r.groups]));
      expect(groups).toEqual({
        'payments-admin': ['eks-access:policy:AmazonEKSAdminPolicy:payments', 'eks-access:policy:AmazonEKSAdminPolicy:refunds'],
        'auditor': ['eks-access:policy:AmazonEKSAdminViewPolicy'],
        'root': ['eks-access:policy:AmazonEKSClusterAdminPolicy', 'eks-access:policy:AmazonEKSViewPolicy'], // not system:masters
        'viewer': ['eks-access:policy:AmazonEKSViewPolicy'],
      });
      const objs = synth(model(), { selfManagedAuthenticator: true });
      const roleRefs = (kind: string) => objs.filter((o: any) => o.kind === kind)
        .map((o: any) => [o.metadata.namespace, o.roleRef.name, o.subjects.map((x: any) => x.name).join()]);
      expect(roleRefs('ClusterRoleBinding')).toEqual([
        [undefined, 'eks-access:policy:AmazonEKSAdminViewPolicy', 'eks-access:policy:AmazonEKSAdminViewPolicy'],
        [undefined, 'cluster-admin', 'eks-access:policy:AmazonEKSClusterAdminPolicy'],
        [undefined, 'view', 'eks-access:policy:AmazonEKSViewPolicy'], // one binding for the two principals
      ]);
      expect(roleRefs('RoleBinding')).toEqual([
        ['payments', 'admin', 'eks-access:policy:AmazonEKSAdminPolicy:payments'],
        ['refunds', 'admin', 'eks-access:policy:AmazonEKSAdminPolicy:refunds'],
      ]);
      // AmazonEKSAdminViewPolicy has no upstream role: ours, read-only on everything (Secrets included, as EKS documents).
      const [adminView] = objs.filter((o: any) => o.kind === 'ClusterRole');
      expect(adminView).toMatchObject({ metadata: { name: 'eks-access:policy:AmazonEKSAdminViewPolicy' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }] });
    });

    test('not rendered for EKS (its authorizer evaluates the policies); on by default with IAMIdentityMappings', () => {
      expect(synth(model()).filter((o: any) => o.kind.endsWith('Binding'))).toEqual([]);
      expect(synth(model(), { iamIdentityMappings: true }).filter((o: any) => o.kind === 'RoleBinding')).toHaveLength(2);
    });

    test('a policy without RBAC equivalent or a wildcard namespace fails synth naming the chart, principal and policy', () => {
      const hyperpod = new AccessModel({ accountId: '111122223333' });
      hyperpod.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { accessPolicies: [AccessPolicy.AMAZON_EKS_SECRET_READER_POLICY.inNamespaces('apps')] });
      expect(() => synth(hyperpod, { selfManagedAuthenticator: true })).toThrow(/^access: principal "ops": access policy AmazonEKSSecretReaderPolicy has no Kubernetes RBAC equivalent/);
      const wildcard = new AccessModel({ accountId: '111122223333' });
      wildcard.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { accessPolicies: [AccessPolicy.AMAZON_EKS_EDIT_POLICY.inNamespaces('team-*')] });
      expect(() => synth(wildcard, { iamIdentityMappings: true })).toThrow(/^access: principal "ops": access policy AmazonEKSEditPolicy in namespaces "team-\*": RBAC cannot bind a wildcard namespace/);
    });
  });
});

describe('AccessChart: system:masters in kubernetesGroups', () => {
  const warningsOf = (chart: AccessChart) => chart.node.findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === CHART_WARNING_METADATA).map((m) => m.data as { id: string; message: string }))
    .filter((w) => w.id === 'cdk-eks-access:system-masters');

  it('warns at the chart, naming the principal and the explicit access policy (as ClusterAccess does)', () => {
    const model = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.CONFIG_MAP });
    model.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { kubernetesGroups: ['system:masters'] });
    const chart = new AccessChart(Testing.app(), 'Access', { model });
    const warnings = warningsOf(chart);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/^Access: ops: kubernetes group system:masters makes this principal cluster admin \(the group system:masters in aws-auth/);
    expect(warnings[0].message).toContain('AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()');
  });

  it('says nothing for the explicit access policy', () => {
    const model = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.CONFIG_MAP });
    model.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()] });
    expect(warningsOf(new AccessChart(Testing.app(), 'Access', { model }))).toEqual([]);
  });
});
