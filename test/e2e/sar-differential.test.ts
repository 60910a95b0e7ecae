/**
 * Differential check: the offline evaluator (lib/analysis) against the real kube-apiserver's RBAC authorizer
 * (SubjectAccessReview) on generated RBAC and generated questions. Any disagreement is a bug in the evaluator.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeRule } from '../../lib/analysis/normalize';
import { AuthenticationMode } from '../../lib/model';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { exampleManifests, namespacesOf } from './harness/example';
import { eksAccess } from '../../harness/eks-access-process';
import { offlineAllowed, offlineAuthorizer } from './harness/evaluator';
import { waitUntil } from '../../harness/net';
import { AccessCase, K8sObject, randomCases, randomIdentities, randomRbac, Rng } from './harness/random-rbac';
import { subjectAccessReviews } from './harness/sar';

/** Fixed seeds keep CI reproducible; E2E_RBAC_SEEDS=1,2,3 explores others. */
const SEEDS = (process.env.E2E_RBAC_SEEDS ?? '11,29').split(',').map(Number);
const CASES_PER_SEED = 800;
/** Identities the bootstrap policy itself names, so its bindings are exercised too. */
const BOOTSTRAP_IDENTITIES = [
  { user: 'system:kube-scheduler', groups: ['system:authenticated'] },
  { user: 'system:kube-controller-manager', groups: ['system:authenticated'] },
  { user: 'system:anonymous', groups: ['system:unauthenticated'] },
  { user: 'system:serviceaccount:kube-system:kube-dns', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
  { user: 'ops', groups: ['system:masters', 'system:authenticated'] },
  { user: 'monitor', groups: ['system:monitoring', 'system:authenticated'] },
];
const EXTRA_NAMESPACES = ['default', 'kube-system', 'kube-public'];
const EXTRA_RESOURCES: Array<[string, string]> = [
  ['coordination.k8s.io', 'leases'],
  ['', 'services'],
  ['', 'endpoints'],
  ['authorization.k8s.io', 'selfsubjectaccessreviews'],
  ['certificates.k8s.io', 'certificatesigningrequests'],
];

let cp: ControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => {
  await cp?.stop();
});

/** Asks the live apiserver (SubjectAccessReview) and the offline evaluator every case; lists where they differ. */
async function compareWithApiserver(
  cp: ControlPlane, authorizer: ReturnType<typeof offlineAuthorizer>, cases: readonly AccessCase[],
): Promise<{ live: boolean[]; disagreements: string[] }> {
  const live = await subjectAccessReviews(cp.api, [...cases]);
  const disagreements = cases
    .map((c, i) => ({ c, live: live[i], offline: offlineAllowed(authorizer, c) }))
    .filter((d) => d.live !== d.offline)
    .map((d) => `apiserver=${d.live} evaluator=${d.offline} ${describeCase(d.c)}`);
  return { live, disagreements };
}

function describeCase(c: AccessCase): string {
  const r = c.resource;
  const what = r
    ? `${c.verb} ${r.group ? `${r.group}/` : ''}${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.name ? ` ${r.name}` : ''} in ${r.namespace || '(cluster)'}`
    : `${c.verb} ${c.nonResourcePath}`;
  return `user=${c.user} groups=${c.groups.join(',')}: ${what}`;
}

/** Waits until the aggregation controller has given every aggregated ClusterRole the rules the evaluator computed. */
async function awaitAggregation(objects: K8sObject[], authorizer: ReturnType<typeof offlineAuthorizer>): Promise<void> {
  const aggregated = objects.filter((o) => o.kind === 'ClusterRole' && o.aggregationRule).map((o) => o.metadata.name);
  let mismatch = '';
  await waitUntil(
    'aggregated ClusterRoles to match the evaluator',
    async () => {
      for (const name of aggregated) {
        const live = JSON.parse((await cp.kubectl(['get', 'clusterrole', name, '-o', 'json'])).stdout).rules ?? [];
        const expected = authorizer.clusterRoles.get(name)?.rules ?? [];
        const a = JSON.stringify(live.map((r: unknown) => normalizeRule(r)));
        const b = JSON.stringify(expected);
        if (a !== b) {
          mismatch = `${name}: apiserver ${a} vs evaluator ${b}`;
          return false;
        }
      }
      return true;
    },
    { timeoutMs: 30000, describe: () => mismatch },
  );
}

describe.each(SEEDS)('random RBAC, seed %i', (seed) => {
  const objects = randomRbac(seed, { clusterRoles: 12, roles: 10, bindings: 28 });
  const rng = new Rng(seed * 7919);
  const identities = [...randomIdentities(rng), ...BOOTSTRAP_IDENTITIES];
  const cases = randomCases(rng, identities, CASES_PER_SEED, { namespaces: EXTRA_NAMESPACES, resources: EXTRA_RESOURCES });
  const authorizer = offlineAuthorizer(objects);

  beforeAll(async () => {
    await cp.apply({ objects });
  });
  afterAll(async () => {
    // Remove this seed's RBAC so the next seed starts from the bootstrap policy only (the controller may re-create an
    // aggregated role it had queued, without labels or bindings: inert, and the next seed uses other names).
    const file = join(cp.dir, `rbac-seed-${seed}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.filter((o) => o.kind !== 'Namespace') }));
    await cp.kubectl(['delete', '-f', file, '--wait=false']);
  });

  test('aggregation computed offline equals the aggregation controller result', async () => {
    expect(objects.filter((o) => o.aggregationRule).length).toBeGreaterThan(0);
    await awaitAggregation(objects, authorizer);
  });

  test(`${CASES_PER_SEED} SubjectAccessReviews agree with the offline evaluator`, async () => {
    await awaitAggregation(objects, authorizer);
    const { live, disagreements } = await compareWithApiserver(cp, authorizer, cases);
    expect(disagreements).toEqual([]);
    // The generated questions must exercise both answers, or the comparison proves little.
    expect(live.filter(Boolean).length).toBeGreaterThan(CASES_PER_SEED / 10);
    expect(live.filter((x) => !x).length).toBeGreaterThan(CASES_PER_SEED / 10);
  });
});

describe('the example app RBAC', () => {
  // The CONFIG_MAP variant: the app's RBAC plus the read-only and developer groups bound to `view` and `edit` (dev).
  const manifests = exampleManifests(AuthenticationMode.CONFIG_MAP) as unknown as K8sObject[];
  const authorizer = offlineAuthorizer(manifests);
  const rng = new Rng(4242);
  const identities = [
    { user: 'pod-viewer-user', groups: ['pod-viewer', 'system:authenticated'] },
    { user: 'pod-admin-user', groups: ['pod-admin', 'system:authenticated'] },
    { user: 'both', groups: ['pod-viewer', 'pod-admin', 'system:authenticated'] },
    { user: 'arn:aws:iam::111122223333:user/testuser', groups: ['system:masters', 'system:authenticated'] },
    { user: 'arn:aws:sts::111122223333:assumed-role/demo-read-only/auditor', groups: ['read-only', 'system:authenticated'] },
    { user: 'developer:alice', groups: ['developer', 'system:authenticated'] },
    { user: 'system:serviceaccount:dev:s3-reader', groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'] },
    { user: 'nobody', groups: ['system:authenticated'] },
  ];
  const cases = randomCases(rng, identities, 600, { namespaces: ['dev', ...EXTRA_NAMESPACES], resources: EXTRA_RESOURCES });

  beforeAll(async () => {
    await cp.apply({ objects: namespacesOf(exampleManifests(AuthenticationMode.CONFIG_MAP)) });
    await cp.apply({ objects: manifests });
  });

  test('600 SubjectAccessReviews agree with the offline evaluator', async () => {
    const { live, disagreements } = await compareWithApiserver(cp, authorizer, cases);
    expect(disagreements).toEqual([]);
    expect(live.filter(Boolean).length).toBeGreaterThan(60);
  });

  test('`eks-access can-i --from <manifests>` answers like `kubectl auth can-i --as` on the live cluster', async () => {
    const file = join(cp.dir, 'example-manifests.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
    // The CLI is a process per question; a sample of the cases keeps this step short.
    const sample = cases.filter((c) => !c.resource?.subresource && !c.user.startsWith('system:')).slice(0, 40);
    const askBoth = async (c: AccessCase): Promise<string | undefined> => {
      const ns = c.resource?.namespace ? ['-n', c.resource.namespace] : ['-A'];
      const type = c.resource ? (c.resource.group ? `${c.resource.resource}.${c.resource.group}` : c.resource.resource) : '';
      const name = c.resource?.name;
      // kubectl names the object as TYPE/NAME; eks-access takes NAME as a third argument (RESOURCE/SUB is a subresource).
      const kubectlTarget = c.resource ? [c.verb, name ? `${type}/${name}` : type, ...ns] : [c.verb, c.nonResourcePath ?? ''];
      const ourTarget = c.resource ? [c.verb, type, ...(name ? [name] : []), ...ns] : [c.verb, c.nonResourcePath ?? ''];
      const as = ['--as', c.user, ...c.groups.filter((g) => g !== 'system:authenticated').flatMap((g) => ['--as-group', g])];
      const [offline, live] = await Promise.all([
        eksAccess(['can-i', ...ourTarget, ...as, '--from', file]),
        cp.kubectl(['auth', 'can-i', ...kubectlTarget, ...as]),
      ]);
      const answer = (r: { stdout: string }) => r.stdout.trim().split('\n').pop() ?? '';
      if (!/^(yes|no)$/.test(answer(live)) || !/^(yes|no)$/.test(answer(offline))) {
        return `${describeCase(c)}: no yes/no answer: kubectl ${live.stderr.trim()} | eks-access ${offline.stderr.trim()}`;
      }
      return answer(offline) === answer(live) && offline.code === live.code
        ? undefined
        : `kubectl=${answer(live)} eks-access=${answer(offline)} ${describeCase(c)}`;
    };
    const results: Array<string | undefined> = [];
    for (let i = 0; i < sample.length; i += 4) results.push(...(await Promise.all(sample.slice(i, i + 4).map(askBoth))));
    expect(results.filter(Boolean)).toEqual([]);
    expect(sample.length).toBe(40);
  });
});
