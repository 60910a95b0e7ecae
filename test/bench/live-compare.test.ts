/**
 * Smoke test of the live comparison's pure parts (bench/analysis/live-compare.ts); the benchmark itself, with its
 * kube-apiserver, runs only from `npm run bench:live-compare`.
 */
import {
  collectionPath, identitiesFromSubjects, resourceArg, sampleQuestions, stats, subjectAccessReview,
} from '../../bench/analysis/live-compare';

const RBAC = 'rbac.authorization.k8s.io';

describe('live-compare', () => {
  test('identities carry the groups the authenticators give, one per distinct identity', () => {
    const ids = identitiesFromSubjects([
      { kind: 'User', apiGroup: RBAC, name: 'alice' },
      { kind: 'User', apiGroup: RBAC, name: 'alice' },
      { kind: 'Group', apiGroup: RBAC, name: 'team-001:dev' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'team-002' },
      { kind: 'ServiceAccount', name: 'no-namespace' },
    ]);
    expect(ids).toEqual([
      { user: 'alice', groups: ['system:authenticated'] },
      { user: 'member-of-team-001:dev', groups: ['team-001:dev', 'system:authenticated'] },
      { user: 'system:serviceaccount:team-002:ci', groups: ['system:serviceaccounts', 'system:serviceaccounts:team-002', 'system:authenticated'] },
    ]);
  });

  test('sampling is deterministic for a seed, differs across seeds, and cluster-scoped resources have no namespace', () => {
    const ids = [{ user: 'a', groups: ['g'] }, { user: 'b', groups: [] }];
    const a = sampleQuestions(ids, ['n1', 'n2'], 200, 7);
    expect(sampleQuestions(ids, ['n1', 'n2'], 200, 7)).toEqual(a);
    expect(sampleQuestions(ids, ['n1', 'n2'], 200, 8)).not.toEqual(a);
    for (const q of a) {
      if (['clusterrolebindings', 'nodes', 'namespaces', 'customresourcedefinitions'].includes(q.resource)) expect(q.namespace).toBe('');
      else expect(['n1', 'n2']).toContain(q.namespace);
    }
    expect(() => sampleQuestions([], ['n1'], 1, 1)).toThrow(/at least one identity/);
  });

  test('the SubjectAccessReview and the kubectl resource argument name group, subresource and namespace only when set', () => {
    const q = { user: 'u', groups: ['g'], verb: 'create', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'ns' };
    expect(subjectAccessReview(q)).toEqual({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
      spec: { user: 'u', groups: ['g'], resourceAttributes: { verb: 'create', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'ns' } },
    });
    expect(resourceArg(q)).toBe('deployments.apps/scale');
    const core = { ...q, group: '', subresource: '', namespace: '' };
    expect(subjectAccessReview(core)).toEqual({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
      spec: { user: 'u', groups: ['g'], resourceAttributes: { verb: 'create', group: '', resource: 'deployments' } },
    });
    expect(resourceArg(core)).toBe('deployments');
  });

  test('collection paths: namespaced kinds need a namespace, which is escaped; other kinds are refused', () => {
    expect(collectionPath({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: {} })).toBe(`/apis/${RBAC}/v1/clusterroles`);
    expect(collectionPath({ apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { namespace: 'a/b' } })).toBe(`/apis/${RBAC}/v1/namespaces/a%2Fb/rolebindings`);
    expect(() => collectionPath({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: {} })).toThrow(/without metadata.namespace/);
    expect(() => collectionPath({ apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'x' } })).toThrow(/not an RBAC v1 kind/);
  });

  test('stats: median and p95 by rank, empty input gives NaN rather than a made-up figure', () => {
    const s = stats(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(s).toEqual({ n: 100, medianMs: 50, p95Ms: 95, meanMs: 50.5 });
    expect(Number.isNaN(stats([]).medianMs)).toBe(true);
  });
});
