/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { Testing } from 'cdk8s';
import { Group, ServiceAccount, User } from 'cdk8s-plus-28';
import { BuiltInClusterRole, RbacChart, RbacPresets, RbacSubject, RoleKind } from '../../lib/k8s';
import { validateAll } from './validate-manifest';

function chart(props = {}) {
  return new RbacChart(Testing.app(), 'rbac', props);
}
const byKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'IAMIdentityMapping']);

function assertNamespacing(objs: any[]) {
  for (const o of objs) {
    if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
    else expect(o.metadata.namespace).toMatch(/^[a-z0-9-]+$/);
  }
}

describe('RbacChart', () => {
  test('Role with subresources, resourceNames and wildcards; RoleBinding with all subject kinds', () => {
    const c = chart();
    c.addRole('PodLogs', {
      name: 'pod-logs', namespace: 'team-a',
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['app-config'], verbs: ['get', 'update'] },
        { apiGroups: ['*'], resources: ['*'], verbs: ['get'] },
      ],
    });
    c.addRoleBinding('Bind', {
      name: 'pod-logs', namespace: 'team-a', roleName: 'pod-logs',
      subjects: [RbacSubject.user('alice'), RbacSubject.group('devs'), RbacSubject.serviceAccount('ci', 'tools'), RbacSubject.user('alice')],
    });
    const objs = Testing.synth(c);
    validateAll(objs);
    assertNamespacing(objs);
    const [role] = byKind(objs, 'Role');
    expect(role.metadata).toEqual({ name: 'pod-logs', namespace: 'team-a' });
    expect(role.rules[0]).toEqual({ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] });
    expect(role.rules[1].resourceNames).toEqual(['app-config']);
    expect(role.rules[2]).toEqual({ apiGroups: ['*'], resources: ['*'], verbs: ['get'] });
    const [rb] = byKind(objs, 'RoleBinding');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-logs' });
    expect(rb.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' },
      { apiGroup: '', kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
    ]);
    expect(objs).toMatchSnapshot();
  });

  test('ClusterRole with nonResourceURLs; ClusterRoleBinding without namespace; several bindings of one role', () => {
    const c = chart();
    c.addClusterRole('Metrics', { name: 'metrics-reader', rules: [{ nonResourceUrls: ['/metrics', '/healthz/*'], verbs: ['get'] }] });
    c.addClusterRoleBinding('B1', { name: 'metrics-a', clusterRoleName: 'metrics-reader', subjects: [RbacSubject.group('a')] });
    c.addClusterRoleBinding('B2', { name: 'metrics-b', clusterRoleName: 'metrics-reader', subjects: [RbacSubject.serviceAccount('prom', 'monitoring')] });
    const objs = Testing.synth(c);
    validateAll(objs);
    assertNamespacing(objs);
    const [cr] = byKind(objs, 'ClusterRole');
    expect(cr.rules).toEqual([{ nonResourceURLs: ['/metrics', '/healthz/*'], verbs: ['get'] }]);
    const crbs = byKind(objs, 'ClusterRoleBinding');
    expect(crbs.map((b: any) => b.metadata.name)).toEqual(['metrics-a', 'metrics-b']);
    expect(crbs[1].subjects[0].namespace).toBe('monitoring');
  });

  test('aggregated ClusterRole: OR-ed selectors, no rules key', () => {
    const c = chart();
    c.addClusterRole('Agg', {
      name: 'monitoring',
      aggregationSelectors: [{ 'example.com/aggregate-to-monitoring': 'true' }, { team: 'a', tier: 'ops' }],
    });
    c.addClusterRole('Piece', { name: 'monitoring-pods', labels: { 'example.com/aggregate-to-monitoring': 'true' }, rules: RbacPresets.podViewer() });
    const objs = Testing.synth(c);
    validateAll(objs);
    const agg = objs.find((o: any) => o.metadata.name === 'monitoring');
    expect('rules' in agg).toBe(false);
    expect(agg.aggregationRule.clusterRoleSelectors).toEqual([
      { matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } },
      { matchLabels: { team: 'a', tier: 'ops' } },
    ]);
  });

  test.each([BuiltInClusterRole.VIEW, BuiltInClusterRole.EDIT, BuiltInClusterRole.ADMIN, BuiltInClusterRole.CLUSTER_ADMIN])('binds built-in role %s', (role) => {
    const c = chart();
    c.addRoleBinding('Ns', { name: `team-a-${role}`, namespace: 'team-a', roleKind: RoleKind.CLUSTER_ROLE, roleName: role, subjects: [RbacSubject.group('team-a')] });
    c.addClusterRoleBinding('Cl', { name: `all-${role}`, clusterRoleName: role, subjects: [RbacSubject.user('ops')] });
    const objs = Testing.synth(c);
    validateAll(objs);
    expect(objs.map((o: any) => o.roleRef.name)).toEqual([role, role]);
  });

  test('binding to a role that exists nowhere fails synth with the binding path', () => {
    const c = chart();
    c.addClusterRoleBinding('Dangling', { name: 'x', clusterRoleName: 'no-such-role', subjects: [RbacSubject.user('u')] });
    expect(() => Testing.synth(c)).toThrow(/rbac\/Dangling: binds ClusterRole "no-such-role"/);
    const d = chart();
    d.addRoleBinding('Other', { name: 'x', namespace: 'b', roleName: 'pod-logs', subjects: [RbacSubject.user('u')] });
    d.addRole('R', { name: 'pod-logs', namespace: 'a', rules: RbacPresets.podViewer() });
    expect(() => Testing.synth(d)).toThrow(/rbac\/Other: binds Role "b\/pod-logs"/);
  });

  test('external roles and default namespaced roles are accepted', () => {
    const c = chart({ externalClusterRoles: ['eks:podsecuritypolicy:privileged'], externalRoles: ['ops/runner'] });
    c.addClusterRoleBinding('A', { name: 'a', clusterRoleName: 'eks:podsecuritypolicy:privileged', subjects: [RbacSubject.group('g')] });
    c.addRoleBinding('B', { name: 'b', namespace: 'ops', roleName: 'runner', subjects: [RbacSubject.group('g')] });
    c.addRoleBinding('C', { name: 'c', namespace: 'kube-system', roleName: 'extension-apiserver-authentication-reader', subjects: [RbacSubject.group('g')] });
    expect(Testing.synth(c)).toHaveLength(3);
  });

  test.each([
    [{ apiGroups: [''], resources: ['pods'], verbs: [] }, /verbs must not be empty/],
    [{ resources: ['pods'], verbs: ['get'] }, /apiGroups must list/],
    [{ apiGroups: [''], verbs: ['get'] }, /resources must list/],
    [{ nonResourceUrls: ['/x'], resources: ['pods'], verbs: ['get'] }, /cannot be combined/],
    [{ nonResourceUrls: ['metrics'], verbs: ['get'] }, /must start with "\/"/],
    [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['s'], verbs: ['get', 'create'] }, /verbs create carry no object name/],
  ])('invalid cluster rule %j is rejected', (rule, message) => {
    expect(() => chart().addClusterRole('Bad', { name: 'bad', rules: [rule as any] })).toThrow(message);
  });

  test('a Role may not grant non-resource URLs; names, namespaces, duplicates and aggregation are checked', () => {
    expect(() => chart().addRole('R', { name: 'r', namespace: 'a', rules: [{ nonResourceUrls: ['/x'], verbs: ['get'] }] })).toThrow(/rbac\/R rules\[0\]: a namespaced Role cannot grant nonResourceUrls/);
    expect(() => chart().addRole('R', { name: 'a/b', namespace: 'a', rules: RbacPresets.podViewer() })).toThrow(/not a valid RBAC name/);
    expect(() => chart().addRole('R', { name: 'r', namespace: 'Team_A', rules: RbacPresets.podViewer() })).toThrow(/namespace "Team_A"/);
    const c = chart();
    c.addClusterRole('A', { name: 'same', rules: RbacPresets.readOnly() });
    expect(() => c.addClusterRole('B', { name: 'same', rules: RbacPresets.readOnly() })).toThrow(/rbac\/B: ClusterRole same is already defined/);
    expect(() => chart().addClusterRole('Agg', { name: 'agg', aggregationSelectors: [{ a: 'b' }], rules: RbacPresets.readOnly() })).toThrow(/cannot have its own rules/);
    expect(() => chart().addClusterRole('Agg', { name: 'agg', aggregationSelectors: [{}] })).toThrow(/non-empty label set/);
    expect(() => chart().addClusterRoleBinding('B', { name: 'b', clusterRoleName: 'view', subjects: [] })).toThrow(/at least one subject/);
  });

  test('cdk8s-plus subjects are adopted; a ServiceAccount without namespace needs one', () => {
    const app = Testing.app();
    const c = new RbacChart(app, 'rbac');
    const plusSa = new ServiceAccount(Testing.chart(), 'Sa', { metadata: { name: 'builder' } });
    expect(() => RbacSubject.fromCdk8sPlus(plusSa)).toThrow(/has no namespace/);
    const subjects = [
      RbacSubject.fromCdk8sPlus(User.fromName(c, 'U', 'bob')),
      RbacSubject.fromCdk8sPlus(Group.fromName(c, 'G', 'ops')),
      RbacSubject.fromCdk8sPlus(plusSa, 'ci'),
    ];
    expect(subjects.map((s) => s.toSubject())).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ops' },
      { apiGroup: '', kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
    ]);
  });
});

describe('RbacPresets', () => {
  test.each([
    ['readOnly', RbacPresets.readOnly(), false],
    ['namespaceReadOnly', RbacPresets.namespaceReadOnly(), true],
    ['podViewer', RbacPresets.podViewer(), true],
    ['podAdmin', RbacPresets.podAdmin(), true],
    ['namespaceDeveloper', RbacPresets.namespaceDeveloper(), true],
    ['developer', RbacPresets.developer(), true],
  ] as const)('%s synthesizes to a valid role', (name, rules, namespaced) => {
    const c = chart();
    if (namespaced) c.addRole('R', { name, namespace: 'team-a', rules: [...rules] });
    else c.addClusterRole('R', { name, rules: [...rules] });
    const objs = Testing.synth(c);
    validateAll(objs);
    expect(objs[0].rules.length).toBe(rules.length);
    expect(objs).toMatchSnapshot();
  });

  test('readOnly reads what view reads plus cluster inventory, only get/list/watch, never secrets or connect subresources', () => {
    const rules = RbacPresets.readOnly();
    const verbs = new Set(rules.flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    const resources = rules.flatMap((r) => r.resources ?? []);
    for (const r of ['pods', 'deployments', 'nodes', 'namespaces', 'persistentvolumes', 'storageclasses', 'customresourcedefinitions']) expect(resources).toContain(r);
    for (const r of ['*', 'secrets', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy', 'nodes/proxy', 'serviceaccounts/token']) expect(resources).not.toContain(r);
    expect(rules.some((r) => r.apiGroups?.includes('*'))).toBe(false);
    expect(RbacPresets.namespaceReadOnly().flatMap((r) => r.resources ?? [])).not.toContain('secrets');
  });

  test('developer is the walkthrough\'s aws-auth-era role exactly (docs/walkthrough.md): pods list, get, create, update', () => {
    expect(RbacPresets.developer()).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'get', 'create', 'update'] }]);
  });

  test('podViewer cannot write or exec; podAdmin can exec; developer has no RBAC or namespace rights', () => {
    const grants = (rules: any[], res: string, verb: string) => rules.some((r) => r.resources?.includes(res) && r.verbs.includes(verb));
    expect(grants(RbacPresets.podViewer(), 'pods/log', 'get')).toBe(true);
    expect(grants(RbacPresets.podViewer(), 'pods', 'delete')).toBe(false);
    expect(grants(RbacPresets.podViewer(), 'pods/exec', 'create')).toBe(false);
    expect(grants(RbacPresets.podAdmin(), 'pods/exec', 'create')).toBe(true);
    const dev = RbacPresets.namespaceDeveloper();
    expect(grants(dev, 'deployments', 'create')).toBe(true);
    expect(dev.some((r) => r.apiGroups?.includes('rbac.authorization.k8s.io') || r.resources?.includes('namespaces') || r.resources?.includes('*'))).toBe(false);
    expect(grants(dev, 'resourcequotas', 'update')).toBe(false);
    expect(dev.some((r) => r.resources?.includes('secrets'))).toBe(false);
    expect(dev.some((r) => r.resources?.some((x) => /^pods\/(exec|attach|portforward|proxy)$/.test(x)))).toBe(false);
  });
});
