/** Unit behaviour of the analysis building blocks that the conformance vectors do not pin down. */
import { materializeAggregation, labelSelectorMatches } from '../../lib/analysis/aggregation';
import { BOOTSTRAP_POLICY_SOURCE, bootstrapAuthorizer, bootstrapObjects } from '../../lib/analysis/bootstrap-policy';
import { RbacAuthorizer } from '../../lib/analysis/rbac-authorizer';
import { splitRbac } from '../../lib/analysis/rbac-from-objects';
import { covers } from '../../lib/analysis/covers';
import { accessPolicies, accessPolicyName, namespaceInScope } from '../../lib/analysis/eks-access-policies';
import { identityFromArn } from '../../lib/analysis/iam-principals';
import { ANY_ACCOUNT, TemplateContext, resolveValue } from '../../lib/analysis/inputs/cfn-intrinsics';
import { readTemplate } from '../../lib/analysis/inputs/cfn-template';
import { normalizeBinding, normalizeRole, RbacObjectError } from '../../lib/analysis/normalize';
import { RbacRole } from '../../lib/analysis/rbac-types';
import { parseRequest, RequestParseError } from '../../lib/analysis/request-parse';
import { withImplicitGroups } from '../../lib/analysis/subjects';

describe('bootstrap policy (pinned data, aggregated to a fixpoint)', () => {
  const roles = bootstrapAuthorizer().clusterRoles;
  it('comes from the pinned Kubernetes module', () => {
    expect(BOOTSTRAP_POLICY_SOURCE).toMatchObject({ module: 'k8s.io/kubernetes', version: 'v1.33.13', path: 'plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata' });
  });
  it('view ⊂ edit ⊂ admin, strictly, and admin does not cover cluster-admin', () => {
    const [view, edit, admin, clusterAdmin] = ['view', 'edit', 'admin', 'cluster-admin'].map((n) => roles.get(n)!.rules);
    expect(view.length).toBeGreaterThan(5);
    expect(covers(edit, view).covered).toBe(true);
    expect(covers(admin, edit).covered).toBe(true);
    expect(covers(view, edit).covered).toBe(false);
    expect(covers(edit, admin).covered).toBe(false);
    expect(covers(admin, clusterAdmin).covered).toBe(false);
    expect(covers(clusterAdmin, admin).covered).toBe(true);
  });
  it('edit reads secrets and view does not (docs: view "does not allow viewing secrets")', () => {
    const secretRead = [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: [], nonResourceURLs: [] }];
    expect(covers(roles.get('edit')!.rules, secretRead).covered).toBe(true);
    expect(covers(roles.get('view')!.rules, secretRead).covered).toBe(false);
  });
  it('a chain of aggregations converges (the fixpoint, not one pass)', () => {
    const role = (name: string, labels: Record<string, string>, sel?: Record<string, string>, verbs: string[] = []): RbacRole => ({
      kind: 'ClusterRole', name, namespace: '', labels,
      rules: verbs.length ? [{ verbs, apiGroups: [''], resources: ['pods'], resourceNames: [], nonResourceURLs: [] }] : [],
      ...(sel ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: sel }] } } : {}),
    });
    // top ← middle ← leaf; listed top first so one pass in order would miss the leaf's rule.
    const out = materializeAggregation([role('top', {}, { tier: 'mid' }), role('middle', { tier: 'mid' }, { tier: 'leaf' }), role('leaf', { tier: 'leaf' }, undefined, ['get'])]);
    expect(out.find((r) => r.name === 'top')!.rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [], nonResourceURLs: [] }]);
  });
  it('matchExpressions follow LabelSelector semantics', () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' })).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {})).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {})).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { b: '' })).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, { a: '' })).toBe(false);
  });
});

describe('EKS access policies', () => {
  it('map the general-purpose policies to the upstream roles and AdminView to read-everything', () => {
    const p = accessPolicies();
    expect([...p.keys()].sort()).toEqual(['AmazonEKSAdminPolicy', 'AmazonEKSAdminViewPolicy', 'AmazonEKSClusterAdminPolicy', 'AmazonEKSEditPolicy', 'AmazonEKSViewPolicy']);
    expect(p.get('AmazonEKSViewPolicy')!.rules).toEqual(bootstrapAuthorizer().clusterRoles.get('view')!.rules);
    expect(p.get('AmazonEKSClusterAdminPolicy')!.rules).toEqual(bootstrapAuthorizer().clusterRoles.get('cluster-admin')!.rules);
    const secrets = [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: [], nonResourceURLs: [] }];
    expect(covers(p.get('AmazonEKSAdminViewPolicy')!.rules, secrets).covered).toBe(true);
    expect(covers(p.get('AmazonEKSViewPolicy')!.rules, secrets).covered).toBe(false);
  });
  it('parse policy ARNs of every partition and match namespace scopes with a trailing wildcard', () => {
    expect(accessPolicyName('arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy')).toBe('AmazonEKSViewPolicy');
    expect(accessPolicyName('arn:aws:iam::aws:policy/AdministratorAccess')).toBeUndefined();
    expect(namespaceInScope('dev-a', ['dev-*'])).toBe(true);
    expect(namespaceInScope('prod', ['dev-*', 'qa'])).toBe(false);
    expect(namespaceInScope('qa', ['dev-*', 'qa'])).toBe(true);
  });
});

describe('CloudFormation intrinsics', () => {
  const ctx: TemplateContext = {
    resources: {
      Named: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'ops', Path: '/team/' } },
      Generated: { Type: 'AWS::IAM::Role', Properties: {} },
      U: { Type: 'AWS::IAM::User', Properties: { UserName: 'bob' } },
    },
    parameters: { Env: { Default: 'dev' } },
    partition: 'aws',
  };
  it('resolves role and user ARNs with their path; unknowns stay visible placeholders', () => {
    expect(resolveValue({ 'Fn::GetAtt': ['Named', 'Arn'] }, ctx)).toBe(`arn:aws:iam::${ANY_ACCOUNT}:role/team/ops`);
    expect(resolveValue({ 'Fn::GetAtt': ['Generated', 'Arn'] }, { ...ctx, account: '111122223333' })).toBe('arn:aws:iam::111122223333:role/${Generated}');
    expect(resolveValue({ 'Fn::GetAtt': 'U.Arn' }, ctx)).toBe(`arn:aws:iam::${ANY_ACCOUNT}:user/bob`);
  });
  it('joins, subs, selects and splits', () => {
    expect(resolveValue({ 'Fn::Join': ['-', ['a', { Ref: 'Env' }, { Ref: 'AWS::Partition' }]] }, ctx)).toBe('a-dev-aws');
    expect(resolveValue({ 'Fn::Sub': 'x-${Env}-${Named.Arn}' }, ctx)).toBe(`x-dev-arn:aws:iam::${ANY_ACCOUNT}:role/team/ops`);
    expect(resolveValue({ 'Fn::Sub': ['${A}/${B}', { A: 'a', B: { Ref: 'Env' } }] }, ctx)).toBe('a/dev');
    expect(resolveValue({ 'Fn::Select': [1, { 'Fn::Split': [',', 'p,q,r'] }] }, ctx)).toBe('q');
    expect(resolveValue({ 'Fn::ImportValue': 'x' }, ctx)).toBe('${Fn::ImportValue}');
  });
  it.each([['us-east-1', 'aws'], ['cn-north-1', 'aws-cn'], ['us-gov-east-1', 'aws-us-gov'], ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'], ['eu-isoe-west-1', 'aws-iso-e'], ['us-isof-south-1', 'aws-iso-f'], ['eusc-de-east-1', 'aws-eusc']])(
    'a template read for region %s builds ARNs in partition %s (the authenticator\'s partition table)', (region, partition) => {
      const template = { Resources: { Entry: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: 'c', PrincipalArn: { 'Fn::GetAtt': ['R', 'Arn'] } } }, R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r' } } } };
      const read = readTemplate(template, 'stack.template.json', { account: '111122223333', region });
      expect(read.accessEntries.map((e) => e.principalArn)).toEqual([`arn:${partition}:iam::111122223333:role/r`]);
    });
});

describe('requests and identities', () => {
  it('parses kubectl-style resources, groups, subresources, short names and URLs', () => {
    expect(parseRequest({ verb: 'get', resource: 'po', namespace: 'a' }).attributes).toEqual({ verb: 'get', apiGroup: '', resource: 'pods', subresource: '', name: '', namespace: 'a' });
    expect(parseRequest({ verb: 'update', resource: 'deployments/scale' }).attributes).toMatchObject({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'default' });
    expect(parseRequest({ verb: 'get', resource: 'widgets.example.com', name: 'w1', namespace: '' }).attributes).toMatchObject({ apiGroup: 'example.com', resource: 'widgets', name: 'w1', namespace: '' });
    expect(parseRequest({ verb: 'get', resource: '/healthz' }).attributes).toEqual({ verb: 'get', path: '/healthz' });
    const nodes = parseRequest({ verb: 'list', resource: 'nodes', namespace: 'x' });
    expect(nodes.attributes).toMatchObject({ namespace: '' });
    expect(nodes.warnings[0]).toContain("'nodes' is not namespace scoped");
    expect(parseRequest({ verb: 'get', resource: 'gizmos' }).warnings[0]).toContain("unknown resource type 'gizmos'");
    expect(() => parseRequest({ verb: 'get', resource: '/healthz', name: 'x' })).toThrow(RequestParseError);
  });
  it('adds the implicit groups authentication adds', () => {
    expect(withImplicitGroups('alice', ['dev'])).toEqual({ name: 'alice', groups: ['dev', 'system:authenticated'] });
    expect(withImplicitGroups('system:serviceaccount:ci:runner', [])).toEqual({ name: 'system:serviceaccount:ci:runner', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] });
    expect(withImplicitGroups('system:anonymous', []).groups).toEqual(['system:unauthenticated']);
  });
  it('builds the STS identity of a role (session ARN, path dropped) or a user', () => {
    expect(identityFromArn('arn:aws:iam::111122223333:role/team/dev', 's1')).toMatchObject({ arn: 'arn:aws:sts::111122223333:assumed-role/dev/s1', canonicalArn: 'arn:aws:iam::111122223333:role/dev', sessionName: 's1' });
    expect(identityFromArn('arn:aws:iam::111122223333:user/ops/bob')).toMatchObject({ arn: 'arn:aws:iam::111122223333:user/ops/bob', canonicalArn: 'arn:aws:iam::111122223333:user/ops/bob', sessionName: '' });
  });
});

describe('normalisation', () => {
  it('applies apiserver defaults and clears the namespace of cluster-scoped objects', () => {
    const b = normalizeBinding({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b', namespace: 'ignored' }, roleRef: { kind: 'ClusterRole', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's', namespace: 'n' }] });
    expect(b).toMatchObject({ namespace: '', roleRef: { apiGroup: 'rbac.authorization.k8s.io' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io' }, { apiGroup: '' }] });
    expect(normalizeRole({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c', namespace: 'x' }, rules: null }).namespace).toBe('');
  });
  it('names the object and field of a malformed rule', () => {
    expect(() => normalizeRole({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'n' }, rules: [{ verbs: 'get' }] }, 'x.yaml'))
      .toThrow(new RbacObjectError('Role n/r (x.yaml): rules[0].verbs: expected a list of strings, got "get"'));
    expect(() => normalizeBinding({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' } })).toThrow(/RoleBinding b: roleRef needs 'kind'/);
  });
});

describe('aggregation into the built-in roles from the inputs', () => {
  it('a ClusterRole labelled aggregate-to-view reaches view, edit and admin (the chain), but not the EKS View policy', () => {
    const widgetViewer = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
      metadata: { name: 'widget-viewer', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list'] }],
    };
    const bind = (role: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `u-${role}`, namespace: 'n' },
      roleRef: { kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', name: `user-of-${role}` }],
    });
    const { roles, bindings } = splitRbac([...bootstrapObjects(), ...[widgetViewer, bind('view'), bind('edit'), bind('admin')].map((object) => ({ object }))]);
    const authz = new RbacAuthorizer(roles, bindings);
    const get = { verb: 'get', apiGroup: 'example.com', resource: 'widgets', subresource: '', name: '', namespace: 'n' };
    for (const role of ['view', 'edit', 'admin']) expect(authz.authorize({ name: `user-of-${role}`, groups: [] }, get).allowed).toBe(true);
    expect(authz.authorize({ name: 'user-of-view', groups: [] }, { ...get, verb: 'delete' }).allowed).toBe(false);
    expect(accessPolicies().get('AmazonEKSViewPolicy')!.rules.some((r) => r.resources.includes('widgets'))).toBe(false);
  });
});
