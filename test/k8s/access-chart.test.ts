/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { Testing } from 'cdk8s';
import { exampleAccessModel } from '../../bin/example-access';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { AccessChart } from '../../lib/k8s';
import { AccessEntryType, AccessModel, AuthenticationMode } from '../../lib/model';
import { registerCrd, validateAll } from './validate-manifest';

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
});
