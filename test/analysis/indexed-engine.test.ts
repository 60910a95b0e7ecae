/**
 * Differential test of the indexed engine: on random RBAC (wildcards, `*\/sub`, resourceNames, missing roles, bad
 * roleRef kinds, ServiceAccount subjects with and without namespace, repeated subjects), the per-(subject, namespace)
 * rule sets must answer exactly what the upstream walk (`VisitRulesFor` per request) answers — allowed, the grant
 * (binding, rule, subject), the reason and the errors — and the mask-built matrix exactly what one `decide` call per
 * resource × verb answers, access policies included.
 */
import fc from 'fast-check';
import { AccessAnalysis, AnalysedPrincipal } from '../../lib/analysis/access-analysis';
import { accessMatrix, accessMatrixPerVerb, ResourceRef } from '../../lib/analysis/matrix';
import { RbacAuthorizer } from '../../lib/analysis/rbac-authorizer';
import { ANY_NAMESPACE } from '../../lib/analysis/risks';
import { PolicyRule, RbacBinding, RbacRole, ResourceAttributes, Subject, UserInfo } from '../../lib/analysis/rbac-types';

const NAMESPACES = ['', 'ns1', 'ns2', 'ns3'];
const VERBS = ['get', 'list', 'create', 'delete', 'deletecollection', 'escalate', '*'];
const GROUPS = ['', 'apps', 'x.example.com', '*'];
const RESOURCES = ['pods', 'pods/exec', 'pods/', 'deployments', 'deployments/scale', 'secrets', '*', '*/scale', 'widgets/status'];
const ROLE_NAMES = ['r0', 'r1', 'r2', 'missing'];

const sub = <T>(xs: readonly T[]) => fc.subarray([...xs]);
const rule: fc.Arbitrary<PolicyRule> = fc.record({
  verbs: sub(VERBS), apiGroups: sub(GROUPS), resources: sub(RESOURCES), resourceNames: sub(['a', 'b']), nonResourceURLs: sub(['/healthz', '/api/*']),
});
const subject: fc.Arbitrary<Subject> = fc.oneof(
  fc.record({ kind: fc.constant('User'), name: fc.constantFrom('u0', 'u1', 'system:serviceaccount:ns1:s0') }),
  fc.record({ kind: fc.constant('Group'), name: fc.constantFrom('g0', 'g1', 'system:authenticated') }),
  fc.record({ kind: fc.constant('ServiceAccount'), name: fc.constantFrom('s0', 's1'), namespace: fc.constantFrom('', 'ns1', 'ns2') }),
  fc.record({ kind: fc.constant('Robot'), name: fc.constant('u0') }),
);
const role: fc.Arbitrary<RbacRole> = fc.record({
  kind: fc.constantFrom('Role' as const, 'ClusterRole' as const), name: fc.constantFrom(...ROLE_NAMES.slice(0, 3)),
  namespace: fc.constantFrom('ns1', 'ns2'), rules: fc.array(rule, { maxLength: 4 }),
}).map((r) => ({ ...r, namespace: r.kind === 'ClusterRole' ? '' : r.namespace, labels: {} }));
const binding: fc.Arbitrary<RbacBinding> = fc.record({
  kind: fc.constantFrom('RoleBinding' as const, 'ClusterRoleBinding' as const), name: fc.constantFrom('b0', 'b1', 'b2', 'b3'),
  namespace: fc.constantFrom('ns1', 'ns2', 'ns3'), subjects: fc.array(subject, { maxLength: 4 }),
  roleRef: fc.record({ kind: fc.constantFrom('Role', 'ClusterRole', 'Other'), name: fc.constantFrom(...ROLE_NAMES) }),
}).map((b) => ({ ...b, namespace: b.kind === 'ClusterRoleBinding' ? '' : b.namespace }));
const user: fc.Arbitrary<UserInfo> = fc.record({
  name: fc.constantFrom('u0', 'u1', 'system:serviceaccount:ns1:s0', 'system:serviceaccount:ns2:s1'), groups: sub(['g0', 'g1', 'system:authenticated']),
});
const request: fc.Arbitrary<ResourceAttributes> = fc.record({
  verb: fc.constantFrom('get', 'list', 'create', 'delete', 'escalate'), apiGroup: fc.constantFrom('', 'apps', 'x.example.com'),
  resource: fc.constantFrom('pods', 'deployments', 'secrets', 'widgets'), subresource: fc.constantFrom('', 'exec', 'scale', 'status'),
  name: fc.constantFrom('', 'a', 'c'), namespace: fc.constantFrom(...NAMESPACES),
});
const world = fc.record({ roles: fc.array(role, { maxLength: 8 }), bindings: fc.array(binding, { maxLength: 10 }) });

it('answers every request as the per-request upstream walk does (grant, reason and errors)', () => {
  fc.assert(fc.property(world, fc.array(fc.tuple(user, request), { minLength: 1, maxLength: 20 }), ({ roles, bindings }, questions) => {
    const authz = new RbacAuthorizer(roles, bindings);
    for (const [u, r] of questions) expect(authz.authorize(u, r)).toEqual(authz.authorizeUnindexed(u, r));
  }), { numRuns: 400, seed: 24 });
});

it('builds the same matrix from rule masks as from one decide call per resource × verb, access policies included', () => {
  const resources: ResourceRef[] = [
    ...['pods', 'pods/exec', 'pods/', 'deployments/scale', 'secrets', 'widgets/status', 'nodes'].map((resource) => ({ apiGroup: '', resource })),
    { apiGroup: 'apps', resource: 'deployments' }, { apiGroup: 'x.example.com', resource: 'widgets/status' },
  ];
  const policies = fc.array(fc.record({
    policyArn: fc.constantFrom('arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', 'arn:aws:iam::1:policy/not-an-access-policy'),
    scope: fc.oneof(fc.constant({ type: 'cluster', namespaces: [] as string[] }), fc.record({ type: fc.constant('namespace'), namespaces: sub(['ns1', 'ns*', 'other']) })),
  }), { maxLength: 2 });
  fc.assert(fc.property(world, user, fc.option(policies), fc.constantFrom(...NAMESPACES), ({ roles, bindings }, u, assoc, ns) => {
    const objects = [...roles.map((r) => ({ object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) }, rules: r.rules } })),
      ...bindings.map((b) => ({ object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: b.kind, metadata: { name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...b.roleRef }, subjects: b.subjects } }))];
    const analysis = new AccessAnalysis({ objects, accessEntries: [], warnings: [], files: [] }, { includeBootstrap: false });
    const principal: AnalysedPrincipal = {
      display: 'p', user: u,
      ...(assoc ? { accessEntry: { principalArn: 'arn:aws:iam::1:role/p', type: 'STANDARD', kubernetesGroups: [], accessPolicies: assoc, origin: 'test' } } : {}),
    };
    expect(accessMatrix(analysis, principal, ns, resources)).toEqual(accessMatrixPerVerb(analysis, principal, ns, resources));
    // risks and report skip a namespace without grants of its own: there every answer must be the cluster-wide one.
    if (ns !== '' && !analysis.hasNamespaceGrants(principal, ns)) {
      expect(accessMatrixPerVerb(analysis, principal, ns, resources)).toEqual(accessMatrixPerVerb(analysis, principal, ANY_NAMESPACE, resources));
    }
  }), { numRuns: 300, seed: 24 });
});
