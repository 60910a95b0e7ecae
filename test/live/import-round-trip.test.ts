/**
 * `eks-access import` → synth → `eks-access diff` against the same snapshot reports no drift; the generated module
 * type-checks against the library's API, and where live holds what the model refuses (a `system:` group on an access
 * entry, an aws-auth role row with a path, a ClusterRole with no rules) a NOTE says so. Then one live change per area
 * is reported exactly. The snapshot here is written by hand (its format is what `snapshot` writes; reading a real
 * cluster is test/live/snapshot.test.ts and test/e2e/live.test.ts).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { LiveSnapshot } from '../../lib/live/snapshot/format';
import { runEksAccess } from '../analysis/run-cli';
import { synthImported, typeErrors } from './synth-imported';

const ACCT = '111122223333';
const WORK = resolve(__dirname, '..', '..', 'test-artifacts', 'live-import');
const LIB = resolve(__dirname, '..', '..', 'lib', 'index');
/** The typings the package publishes (`npm test` builds them first). */
const PUBLISHED_TYPES = resolve(__dirname, '..', '..', 'dist', 'lib', 'index.d.ts');
const EKS = 'arn:aws:eks::aws:cluster-access-policy';

const snapshot: LiveSnapshot = {
  apiVersion: 'cdk-eks-access.io/v1alpha1', kind: 'LiveSnapshot', takenAt: '2026-11-29T10:00:00.000Z',
  cluster: { name: 'prod', region: 'us-east-1', authenticationMode: 'API_AND_CONFIG_MAP' },
  accessEntries: [
    { principalArn: `arn:aws:iam::${ACCT}:role/teams/dev`, type: 'STANDARD', username: `arn:aws:sts::${ACCT}:assumed-role/dev/{{SessionName}}`, kubernetesGroups: ['dev-team'],
      accessPolicies: [{ policyArn: `${EKS}/AmazonEKSEditPolicy`, scope: { type: 'namespace', namespaces: ['dev', 'team-*'] } }] },
    { principalArn: `arn:aws:iam::${ACCT}:user/alice`, type: 'STANDARD', username: 'alice', kubernetesGroups: [],
      accessPolicies: [{ policyArn: `${EKS}/AmazonEKSClusterAdminPolicy`, scope: { type: 'cluster', namespaces: [] } }] },
    { principalArn: `arn:aws:iam::${ACCT}:role/nodes`, type: 'EC2_LINUX', username: 'system:node:{{EC2PrivateDNSName}}', kubernetesGroups: [], accessPolicies: [] },
    // EKS refuses system: groups today, but older entries and hand-edited snapshots may hold them; the model refuses them.
    { principalArn: `arn:aws:iam::${ACCT}:role/ops`, type: 'STANDARD', username: 'ops', kubernetesGroups: ['ops', 'system:monitoring'], accessPolicies: [] },
  ],
  iamRoles: [],
  problems: [],
};
const awsAuth = {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' },
  data: {
    mapRoles: stringify([
      { rolearn: `arn:aws:iam::${ACCT}:role/eks-nodes`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] },
      { rolearn: `arn:aws:iam::${ACCT}:role/legacy/path/admin`, username: 'legacy-admin', groups: ['system:masters'] },
    ]),
    mapUsers: stringify([{ userarn: `arn:aws:iam::${ACCT}:user/bob`, username: 'bob', groups: ['viewers'] }]),
  },
};
interface RbacObject { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown }
const rbac = (o: RbacObject): RbacObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', ...o });
const rbacObjects = [
  rbac({ kind: 'ClusterRole', metadata: { name: 'viewer', labels: { 'example.com/aggregate-to-monitoring': 'true' } }, rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] }] }),
  rbac({ kind: 'ClusterRole', metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }),
  rbac({ kind: 'ClusterRole', metadata: { name: 'placeholder' }, rules: [] }),
  rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'viewer' }, subjects: [{ kind: 'Group', name: 'viewers', apiGroup: 'rbac.authorization.k8s.io' }] }),
  rbac({ kind: 'Role', metadata: { name: 'deployer', namespace: 'dev' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'update'] }] }),
  rbac({ kind: 'RoleBinding', metadata: { name: 'deployers', namespace: 'dev' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
    subjects: [{ kind: 'Group', name: 'dev-team' }, { kind: 'ServiceAccount', name: 'ci' }, { kind: 'User', name: 'alice' }] }),
  rbac({ kind: 'RoleBinding', metadata: { name: 'dev-edit', namespace: 'dev' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: 'dev-team' }] }),
  rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'to-missing' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'made-by-helm-later' }, subjects: [{ kind: 'Group', name: 'x' }] }),
  // What AccessChart rendered for group grants before: imported back as model.addGroupGrant.
  rbac({ kind: 'ClusterRole', metadata: { name: 'eks-access:pod-viewer', labels: { 'app.kubernetes.io/managed-by': 'cdk-eks-access' } }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }] }),
  rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'eks-access:pod-viewer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'eks-access:pod-viewer' }, subjects: [{ kind: 'Group', name: 'pod-viewer', apiGroup: 'rbac.authorization.k8s.io' }] }),
  rbac({ kind: 'RoleBinding', metadata: { name: 'eks-access:dev-team:viewer', namespace: 'dev' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'viewer' }, subjects: [{ kind: 'Group', name: 'dev-team', apiGroup: 'rbac.authorization.k8s.io' }] }),
  // The platform's own objects: never imported, never drift.
  rbac({ kind: 'ClusterRole', metadata: { name: 'system:basic-user', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }, rules: [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] }] }),
  rbac({ kind: 'ClusterRole', metadata: { name: 'eks:podsecuritypolicy:privileged' }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] }] }),
];

function writeSnapshotDir(dir: string): void {
  mkdirSync(join(dir, 'kubernetes'), { recursive: true });
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(snapshot, null, 2));
  writeFileSync(join(dir, 'kubernetes', 'aws-auth.yaml'), stringify(awsAuth));
  writeFileSync(join(dir, 'kubernetes', 'rbac.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: rbacObjects }));
}

describe('import → synth → diff round trip', () => {
  const snap = join(WORK, 'snapshot');
  const accessTs = join(WORK, 'access.ts');
  let desired: string[];
  let notes: string[];

  beforeAll(async () => {
    rmSync(WORK, { recursive: true, force: true });
    writeSnapshotDir(snap);
    const r = await runEksAccess('import', '--from', snap, '--out', accessTs, '--module', LIB, '--output', 'json');
    expect(r.code).toBe(0);
    notes = (JSON.parse(r.stdout) as { notes: string[] }).notes;
    desired = synthImported(accessTs, join(WORK, 'synth'));
  }, 120_000);

  it('generates code that type-checks against the published API (dist/lib/index.d.ts as `cdk-eks-access`)', async () => {
    if (!existsSync(PUBLISHED_TYPES)) throw new Error(`${PUBLISHED_TYPES} is missing: run \`npm run build\` first (npm test does)`);
    const published = join(WORK, 'access-published.ts');
    expect((await runEksAccess('import', '--from', snap, '--out', published)).code).toBe(0);
    expect(readFileSync(published, 'utf8')).toContain('from "cdk-eks-access";');
    expect(typeErrors(published, { 'cdk-eks-access': [PUBLISHED_TYPES] })).toEqual([]);
  }, 120_000);

  it('says what the model refused and what it did instead', () => {
    const source = readFileSync(accessTs, 'utf8');
    expect(notes.find((n) => n.includes('system:monitoring'))).toMatch(/model refuses system: groups on access entries/);
    expect(notes.find((n) => n.includes('role/legacy/path/admin'))).toMatch(/has a path.*done instead: arn:aws:iam::111122223333:role\/admin/);
    expect(notes.find((n) => n.includes('placeholder'))).toMatch(/RbacChart refuses it: a ClusterRole needs rules or aggregationSelectors/);
    expect(source).toContain('// NOTE live: groups system:monitoring');
    expect(source).toContain(`model.addNodeRole("nodes", "arn:aws:iam::${ACCT}:role/nodes", { entryType: AccessEntryType.EC2_LINUX });`);
    expect(source).toContain('AccessPolicy.AMAZON_EKS_EDIT_POLICY.inNamespaces("dev", "team-*")');
    expect(source).toContain('externalClusterRoles: ["made-by-helm-later"]');
    expect(source).not.toContain('system:basic-user');
    expect(source).toContain('model.addGroupGrant({ group: "pod-viewer", rules: [{ "apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"] }] });');
    expect(source).toContain('model.addGroupGrant({ group: "dev-team", clusterRole: "viewer", namespaces: ["dev"] });');
    expect(source).toContain('new AccessChart(scope, `${id}-grants`, { model, awsAuth: false, externalClusterRoles: ["viewer"] });');
  });

  it('diff of the synthesized code against the snapshot: only what the model refused', async () => {
    const r = await runEksAccess('diff', ...desired.flatMap((d) => ['--desired', d]), '--live', snap, '--output', 'json');
    const out = JSON.parse(r.stdout) as { items: Array<{ area: string; key: string; change: string; fields: Array<{ field: string }> }>; cannotTell: string[] };
    expect(out.cannotTell).toEqual([]);
    // Exactly the two refusals drift; everything imported round-trips.
    expect(out.items.map((i) => `${i.area} ${i.key} ${i.change} ${i.fields.map((f) => f.field).join(',')}`)).toEqual([
      `access-entry arn:aws:iam::${ACCT}:role/ops changed groups`,
      'rbac ClusterRole placeholder added rules,aggregationRule',
    ]);
    expect(r.code).toBe(1);
  });

  it('without the refused items: no drift (exit 0), and a live change per area is reported exactly', async () => {
    const clean = join(WORK, 'clean');
    rmSync(clean, { recursive: true, force: true });
    cpSync(snap, clean, { recursive: true });
    const s = JSON.parse(readFileSync(join(clean, 'cluster.json'), 'utf8')) as LiveSnapshot;
    writeFileSync(join(clean, 'cluster.json'), JSON.stringify({ ...s, accessEntries: s.accessEntries.map((e, i) => (i === 3 ? { ...e, kubernetesGroups: ['ops'] } : e)) }));
    writeFileSync(join(clean, 'kubernetes', 'rbac.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: rbacObjects.filter((o) => o.metadata.name !== 'placeholder') }));
    const same = await runEksAccess('diff', ...desired.flatMap((d) => ['--desired', d]), '--live', clean);
    expect(same.stdout).toBe('no drift\n');
    expect(same.code).toBe(0);

    // Live edits: one binding gains a subject, one aws-auth row changes groups, one access entry loses a policy.
    const items = rbacObjects.filter((o) => o.metadata.name !== 'placeholder').map((o) =>
      o.metadata.name === 'viewers' ? { ...o, subjects: [{ kind: 'Group', name: 'viewers' }, { kind: 'User', name: 'mallory' }] } : o);
    writeFileSync(join(clean, 'kubernetes', 'rbac.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items }));
    writeFileSync(join(clean, 'kubernetes', 'aws-auth.yaml'), stringify({ ...awsAuth, data: { ...awsAuth.data, mapUsers: stringify([{ userarn: `arn:aws:iam::${ACCT}:user/bob`, username: 'bob', groups: ['viewers', 'admins'] }]) } }));
    const drift = await runEksAccess('diff', ...desired.flatMap((d) => ['--desired', d]), '--live', clean);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/aws-auth\s+user arn:aws:iam::111122223333:user\/bob\s+changed\s+groups\s+\[viewers\]\s+\[admins, viewers\]/);
    expect(drift.stdout).toMatch(/rbac\s+ClusterRoleBinding viewers\s+changed\s+subjects\s+\[Group:viewers\]\s+\[Group:viewers, User:mallory\]/);
    expect(drift.stdout).toContain('2 drifted item(s)');
  });

  it('cannot tell (exit 2) when the snapshot could not read a source', async () => {
    const partial = join(WORK, 'partial');
    rmSync(partial, { recursive: true, force: true });
    cpSync(snap, partial, { recursive: true });
    writeFileSync(join(partial, 'cluster.json'), JSON.stringify({ ...snapshot, problems: [{ source: 'kubernetes:roles.rbac.authorization.k8s.io', reason: 'HTTP 403: forbidden (missing RBAC permission)' }] }));
    const r = await runEksAccess('diff', ...desired.flatMap((d) => ['--desired', d]), '--live', partial);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot tell: ');
    expect(r.stderr).toContain('kubernetes:roles.rbac.authorization.k8s.io: HTTP 403');
  });
});
