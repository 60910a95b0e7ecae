/**
 * Smoke test of the live comparison's pure parts (bench/analysis/live-compare.ts); the benchmark itself, with its
 * kube-apiserver, runs only from `npm run bench:live-compare`.
 */
import {
  collectionPath, identitiesFromSubjects, kubectlCanIArgs, processComparison, resourceArg, sampleQuestions, stats, subjectAccessReview,
} from '../../bench/analysis/live-compare';

const RBAC = 'rbac.authorization.k8s.io';

describe('live-compare', () => {
  test('identities carry the groups the authenticators give, one per distinct identity', () => {
    const ids = identitiesFromSubjects([
      { subject: { kind: 'User', apiGroup: RBAC, name: 'alice' }, namespace: 'team-001' },
      { subject: { kind: 'User', apiGroup: RBAC, name: 'alice' }, namespace: '' },
      { subject: { kind: 'User', apiGroup: RBAC, name: 'alice' }, namespace: 'team-001' },
      { subject: { kind: 'Group', apiGroup: RBAC, name: 'team-001:dev' }, namespace: 'team-001' },
      { subject: { kind: 'ServiceAccount', name: 'ci', namespace: 'team-002' }, namespace: 'team-003' },
      { subject: { kind: 'ServiceAccount', name: 'no-namespace' }, namespace: 'team-003' },
    ]);
    expect(ids).toEqual([
      { user: 'alice', groups: ['system:authenticated'], boundIn: ['team-001', ''] },
      { user: 'member-of-team-001:dev', groups: ['team-001:dev', 'system:authenticated'], boundIn: ['team-001'] },
      { user: 'system:serviceaccount:team-002:ci', groups: ['system:serviceaccounts', 'system:serviceaccounts:team-002', 'system:authenticated'], boundIn: ['team-003'] },
    ]);
  });

  test('questions lean towards the namespaces an identity is bound in', () => {
    const namespaces = Array.from({ length: 50 }, (_, i) => `n${i}`);
    const qs = sampleQuestions([{ user: 'a', groups: [], boundIn: ['n7', ''] }], namespaces, 400, 3).filter((q) => q.namespace !== '');
    const own = qs.filter((q) => q.namespace === 'n7').length / qs.length;
    expect(own).toBeGreaterThan(0.6);
    expect(own).toBeLessThan(0.9);
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
    // kubectl would read `deployments.apps/scale` as the deployment named scale.
    expect(kubectlCanIArgs(q)).toEqual(['create', 'deployments.apps', '--subresource=scale']);
    const core = { ...q, group: '', subresource: '', namespace: '' };
    expect(subjectAccessReview(core)).toEqual({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
      spec: { user: 'u', groups: ['g'], resourceAttributes: { verb: 'create', group: '', resource: 'deployments' } },
    });
    expect(resourceArg(core)).toBe('deployments');
    expect(kubectlCanIArgs(core)).toEqual(['create', 'deployments']);
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

  test('the process comparison follows the figures (slower or faster, by how much, the snapshot read) rather than a fixed claim', () => {
    const method = { seed: 1, questions: 1, processQuestions: 1, rbacObjects: 1, namespaces: 1, identities: 1, apiserver: 'x', snapshotFiles: { 'cluster.json': 2 ** 20, 'kubernetes/rbac.json': 2 ** 19 } };
    const perQuestion = (ours: number, kubectl: number) => ({
      'kubectl auth can-i --as (process)': { n: 40, medianMs: kubectl, p95Ms: kubectl, meanMs: kubectl },
      'ours: eks-access can-i (process, reads the snapshot)': { n: 40, medianMs: ours, p95Ms: ours, meanMs: ours },
    });
    const slower = processComparison({ method, perQuestion: perQuestion(200, 50) });
    expect(slower).toMatch(/is 4\.0× slower than `kubectl auth can-i` \(50 ms\)/);
    expect(slower).toContain('1.50 MiB: cluster.json 1024 KiB, kubernetes/rbac.json 512 KiB');
    expect(processComparison({ method, perQuestion: perQuestion(25, 50) })).toMatch(/is 2\.0× faster than/);
    expect(processComparison({ method, perQuestion: { 'kubectl auth can-i --as (process)': 'not run: x' } })).toMatch(/was not compared/);
  });
});
