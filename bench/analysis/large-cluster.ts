/**
 * A "large cluster" fixture for the analysis commands, generated (deterministic for a seed) rather than committed:
 * a snapshot folder in the format `eks-access snapshot --out DIR` writes (lib/live/snapshot/format.ts), read back with
 * `--from DIR`. Shapes follow what real clusters hold: access entries with access policies at cluster and namespace
 * scope, aws-auth `mapRoles`/`mapUsers` rows with `{{SessionName}}` templates, IAMIdentityMapping objects (the
 * self-managed authenticator's CRD backend), and RBAC objects as operators and Helm charts install them — ClusterRoles
 * that aggregate into the built-in `view`/`edit`/`admin` and into their own aggregated roles, wildcard rules,
 * `resourceNames`, subresources (`/status`, `/scale`, `pods/exec`, `*\/scale`), and bindings to users, groups and
 * service accounts. The Kubernetes bootstrap policy is added by the analysis itself (lib/data/bootstrap-policy.json).
 *
 * `node dist/bench/analysis/large-cluster.js OUT_DIR [--seed N] [--principals N] [--namespaces N] [--rbac N]`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { KUBERNETES_DIR, LiveSnapshot, SNAPSHOT_API_VERSION, SNAPSHOT_FILE, SNAPSHOT_KIND, SNAPSHOT_KUBE_FILES } from '../../lib/live/snapshot/format';
import { prng } from '../lib/prng';

export interface FixtureSize {
  /** IAM principals over access entries, aws-auth rows and IAMIdentityMappings. @default 3000 */
  readonly principals?: number;
  /** @default 100 */
  readonly namespaces?: number;
  /** RBAC objects besides the bootstrap policy. @default 2000 */
  readonly rbacObjects?: number;
  /** @default 24 */
  readonly seed?: number;
}

export interface FixtureSummary {
  readonly dir: string;
  readonly accessEntries: number;
  readonly awsAuthRows: number;
  readonly identityMappings: number;
  readonly namespaces: string[];
  readonly rbacObjects: number;
  readonly seed: number;
  /** Principal ARNs to ask about (one of each mapping kind). */
  readonly samplePrincipals: string[];
}

const ACCOUNT = '111122223333';
const POLICY = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const pad = (n: number, w = 4) => String(n).padStart(w, '0');

type Obj = Record<string, unknown>;

export function generateLargeCluster(dir: string, size: FixtureSize = {}): FixtureSummary {
  const seed = size.seed ?? 24;
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const nPrincipals = size.principals ?? 3000;
  const nRbac = size.rbacObjects ?? 2000;
  const namespaces = Array.from({ length: size.namespaces ?? 100 }, (_, i) => `team-${pad(i, 3)}`);
  const teamGroup = (ns: string, kind: 'dev' | 'view' | 'admin') => `${ns}:${kind}`;

  // --- RBAC objects -------------------------------------------------------------------------------------------
  const rbac: Obj[] = [];
  const meta = (name: string, namespace?: string, labels?: Record<string, string>) => ({ name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) });
  const clusterRole = (name: string, rules: Obj[], labels?: Record<string, string>, aggregate?: Record<string, string>[]) => rbac.push({
    apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: meta(name, undefined, labels),
    ...(aggregate ? { aggregationRule: { clusterRoleSelectors: aggregate.map((m) => ({ matchLabels: m })) } } : {}), rules,
  });
  const role = (name: string, namespace: string, rules: Obj[]) => rbac.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: meta(name, namespace), rules });
  const subjectOf = (s: { kind: string; name: string; namespace?: string }) => (s.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', name: s.name, namespace: s.namespace } : { kind: s.kind, apiGroup: RBAC_GROUP, name: s.name });
  const binding = (name: string, namespace: string | undefined, roleRef: { kind: string; name: string }, subjects: { kind: string; name: string; namespace?: string }[]) => rbac.push({
    apiVersion: `${RBAC_GROUP}/v1`, kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding', metadata: meta(name, namespace),
    roleRef: { apiGroup: RBAC_GROUP, ...roleRef }, subjects: subjects.map(subjectOf),
  });

  // Operator CRDs: group × kinds, each with status/scale subresources; long names as real clusters have them.
  const crdGroups = Array.from({ length: 40 }, (_, i) => `${pick(['data', 'net', 'ops', 'ml', 'sec'])}${i}.platform.example.com`);
  const crdKinds = ['widgets', 'gadgets', 'pipelines', 'backupschedules', 'certificaterequests', 'validatingpolicyreports'];
  // 40 aggregated ClusterRoles (one per operator), each fed by 3 labelled component roles; the components also
  // aggregate into the built-in view/edit/admin, as operator charts do.
  for (const [i, group] of crdGroups.entries()) {
    const label = `platform.example.com/aggregate-to-op${i}`;
    clusterRole(`op${i}-aggregate`, [], undefined, [{ [label]: 'true' }]);
    const resources = crdKinds.filter(() => chance(0.6));
    if (!resources.length) resources.push(crdKinds[i % crdKinds.length]);
    clusterRole(`op${i}-view`, [{ apiGroups: [group], resources, verbs: ['get', 'list', 'watch'] }], { [label]: 'true', 'rbac.authorization.k8s.io/aggregate-to-view': 'true' });
    clusterRole(`op${i}-edit`, [{ apiGroups: [group], resources, verbs: ['create', 'update', 'patch', 'delete'] }, { apiGroups: [group], resources: resources.map((r) => `${r}/scale`), verbs: ['update', 'patch'] }], { [label]: 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
    clusterRole(`op${i}-status`, [{ apiGroups: [group], resources: resources.map((r) => `${r}/status`), verbs: ['get', 'update', 'patch'] }], { [label]: 'true' });
  }
  // 60 controller ClusterRoles with wildcards (as operators grant themselves), resourceNames and `*/scale`.
  for (let i = 0; i < 60; i++) {
    const group = pick(crdGroups);
    const rules: Obj[] = [{ apiGroups: [group], resources: ['*'], verbs: ['*'] }];
    if (chance(0.3)) rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] });
    if (chance(0.2)) rules.push({ apiGroups: ['*'], resources: ['*/scale'], verbs: ['get', 'update'] });
    if (chance(0.2)) rules.push({ apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingadmissionpolicies', 'validatingadmissionpolicies/status', 'validatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update', 'patch'] });
    if (chance(0.15)) rules.push({ apiGroups: [''], resources: ['configmaps'], resourceNames: [`op-lock-${i}`, 'aws-auth'], verbs: ['get', 'update'] });
    if (chance(0.1)) rules.push({ nonResourceURLs: ['/metrics', '/debug/*'], verbs: ['get'] });
    if (chance(0.05)) rules.push({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] });
    clusterRole(`controller-${pad(i, 3)}`, rules);
  }
  // Per-namespace Roles: app roles with resourceNames, pod exec/log, and read-only roles.
  const roleNames: Array<[string, string]> = [];
  const namespacedRoles = Math.round(nRbac * 0.25);
  for (let i = 0; i < namespacedRoles; i++) {
    const ns = namespaces[i % namespaces.length];
    const name = `${pick(['app', 'deployer', 'debug', 'reader', 'secret-reader'])}-${pad(i)}`;
    const rules: Obj[] = [];
    if (name.startsWith('app')) rules.push({ apiGroups: ['', 'apps'], resources: ['pods', 'services', 'deployments', 'configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] });
    if (name.startsWith('deployer')) rules.push({ apiGroups: ['apps'], resources: ['deployments', 'deployments/scale', 'statefulsets'], verbs: ['*'] });
    if (name.startsWith('debug')) rules.push({ apiGroups: [''], resources: ['pods/exec', 'pods/log', 'pods/portforward'], verbs: ['get', 'create'] });
    if (name.startsWith('reader')) rules.push({ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] });
    if (name.startsWith('secret-reader')) rules.push({ apiGroups: [''], resources: ['secrets'], resourceNames: [`${ns}-db`, `${ns}-tls`], verbs: ['get'] });
    role(name, ns, rules);
    roleNames.push([ns, name]);
  }

  // --- Principals ----------------------------------------------------------------------------------------------
  const nEntries = Math.round(nPrincipals * 0.4);
  const nMapRoles = Math.round(nPrincipals * 0.3);
  const nMapUsers = Math.round(nPrincipals * 0.1);
  const nCrd = nPrincipals - nEntries - nMapRoles - nMapUsers;
  const users: string[] = []; // Kubernetes user names that bindings may name.
  const accessEntries: LiveSnapshot['accessEntries'] = [];
  for (let i = 0; i < nEntries; i++) {
    const ns = pick(namespaces);
    const arn = `arn:aws:iam::${ACCOUNT}:role/${pick(['team', 'ci', 'oncall'])}/ae-${pad(i)}`;
    const accessPolicies = [];
    const r = rnd();
    if (r < 0.01) accessPolicies.push({ policyArn: POLICY('AmazonEKSClusterAdminPolicy'), scope: { type: 'cluster', namespaces: [] } });
    else if (r < 0.15) accessPolicies.push({ policyArn: POLICY('AmazonEKSViewPolicy'), scope: { type: 'cluster', namespaces: [] } });
    else if (r < 0.55) accessPolicies.push({ policyArn: POLICY(pick(['AmazonEKSEditPolicy', 'AmazonEKSAdminPolicy', 'AmazonEKSViewPolicy'])), scope: { type: 'namespace', namespaces: [ns, ...(chance(0.3) ? [pick(namespaces)] : []), ...(chance(0.05) ? ['team-01*'] : [])] } });
    const username = chance(0.5) ? `ae-${pad(i)}` : undefined;
    if (username) users.push(username);
    accessEntries.push({ principalArn: arn, type: 'STANDARD', ...(username ? { username } : {}), kubernetesGroups: chance(0.6) ? [teamGroup(ns, pick(['dev', 'view'] as const))] : [], accessPolicies });
  }
  // A few node entries, which RBAC analysis leaves to the Node authorizer.
  for (let i = 0; i < 5; i++) accessEntries.push({ principalArn: `arn:aws:iam::${ACCOUNT}:role/node-${i}`, type: 'EC2_LINUX', kubernetesGroups: [], accessPolicies: [] });

  const mapRoles = Array.from({ length: nMapRoles }, (_, i) => {
    const ns = pick(namespaces);
    const username = chance(0.3) ? `legacy-${pad(i)}` : `legacy-${pad(i)}:{{SessionName}}`;
    if (!username.includes('{{')) users.push(username);
    const groups = i < 3 ? ['system:masters'] : [teamGroup(ns, pick(['dev', 'view', 'admin'] as const)), ...(chance(0.1) ? ['platform:oncall'] : [])];
    return { rolearn: `arn:aws:iam::${ACCOUNT}:role/legacy-${pad(i)}`, username, groups };
  });
  const mapUsers = Array.from({ length: nMapUsers }, (_, i) => {
    const name = `person-${pad(i)}`;
    users.push(name);
    return { userarn: `arn:aws:iam::${ACCOUNT}:user/${name}`, username: name, groups: [teamGroup(pick(namespaces), pick(['dev', 'view'] as const))] };
  });
  const awsAuth = {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' },
    data: { mapRoles: stringify(mapRoles), mapUsers: stringify(mapUsers) },
  };
  const identityMappings = Array.from({ length: nCrd }, (_, i) => {
    const ns = pick(namespaces);
    const name = `iam-${pad(i)}`;
    users.push(name);
    return {
      apiVersion: 'iamauthenticator.k8s.aws/v1alpha1', kind: 'IAMIdentityMapping', metadata: { name },
      spec: { arn: `arn:aws:iam::${ACCOUNT}:role/iim-${pad(i)}`, username: name, groups: [teamGroup(ns, pick(['dev', 'view'] as const))] },
    };
  });

  // --- Bindings, up to the requested count of RBAC objects ----------------------------------------------------
  let b = 0;
  const bName = (prefix: string) => `${prefix}-${pad(b++)}`;
  // Every namespace: its teams' groups on the built-in edit/view/admin, and a service account on a controller role.
  for (const ns of namespaces) {
    binding(bName('team-dev'), ns, { kind: 'ClusterRole', name: 'edit' }, [{ kind: 'Group', name: teamGroup(ns, 'dev') }]);
    binding(bName('team-view'), ns, { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: teamGroup(ns, 'view') }]);
    binding(bName('team-admin'), ns, { kind: 'ClusterRole', name: 'admin' }, [{ kind: 'Group', name: teamGroup(ns, 'admin') }]);
  }
  // Cluster-wide: platform groups, operator service accounts, a few users, one broad binding, one missing role.
  binding(bName('oncall-view'), undefined, { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'platform:oncall' }]);
  binding(bName('all-authenticated'), undefined, { kind: 'ClusterRole', name: 'op0-view' }, [{ kind: 'Group', name: 'system:authenticated' }]);
  binding(bName('gone'), undefined, { kind: 'ClusterRole', name: 'removed-operator' }, [{ kind: 'Group', name: 'platform:oncall' }]);
  for (let i = 0; i < 40; i++) {
    binding(bName('operator'), undefined, { kind: 'ClusterRole', name: `controller-${pad(i, 3)}` }, [{ kind: 'ServiceAccount', name: `op${i}-controller`, namespace: pick(namespaces) }]);
    binding(bName('op-agg'), undefined, { kind: 'ClusterRole', name: `op${i}-aggregate` }, [{ kind: 'User', name: pick(users) }, { kind: 'Group', name: teamGroup(pick(namespaces), 'admin') }]);
  }
  while (rbac.length < nRbac) {
    const r = rnd();
    if (r < 0.45) {
      const [ns, name] = pick(roleNames);
      const subjects: { kind: string; name: string; namespace?: string }[] = [chance(0.5) ? { kind: 'User', name: pick(users) } : { kind: 'Group', name: teamGroup(ns, pick(['dev', 'view'] as const)) }];
      if (chance(0.3)) subjects.push({ kind: 'ServiceAccount', name: `sa-${pad(Math.floor(rnd() * 500))}`, namespace: ns });
      binding(bName('app'), ns, { kind: 'Role', name }, subjects);
    } else if (r < 0.8) {
      const ns = pick(namespaces);
      binding(bName('ns-user'), ns, { kind: 'ClusterRole', name: pick(['view', 'edit', 'admin', `op${Math.floor(rnd() * 40)}-aggregate`, `controller-${pad(Math.floor(rnd() * 60), 3)}`]) }, [{ kind: 'User', name: pick(users) }]);
    } else if (r < 0.97) {
      // A ServiceAccount subject without namespace means the binding's namespace.
      const ns = pick(namespaces);
      binding(bName('sa'), ns, { kind: 'ClusterRole', name: pick(['view', 'edit', `controller-${pad(Math.floor(rnd() * 60), 3)}`]) }, [{ kind: 'ServiceAccount', name: `sa-${pad(Math.floor(rnd() * 500))}` }]);
    } else {
      binding(bName('cluster-user'), undefined, { kind: 'ClusterRole', name: pick(['view', `op${Math.floor(rnd() * 40)}-view`]) }, [{ kind: 'User', name: pick(users) }]);
    }
  }

  const snapshot: LiveSnapshot = {
    apiVersion: SNAPSHOT_API_VERSION, kind: SNAPSHOT_KIND,
    cluster: { name: 'large', region: 'eu-west-1', authenticationMode: 'API_AND_CONFIG_MAP' },
    takenAt: '2026-01-01T00:00:00.000Z',
    accessEntries, iamRoles: [], problems: [],
  };
  const kubeDir = path.join(dir, KUBERNETES_DIR);
  mkdirSync(kubeDir, { recursive: true });
  writeFileSync(path.join(dir, SNAPSHOT_FILE), `${JSON.stringify(snapshot, null, 2)}\n`);
  // The files `snapshot` writes (lib/analysis/inputs/snapshot-format.ts): aws-auth as YAML, the Lists as JSON.
  writeFileSync(path.join(kubeDir, SNAPSHOT_KUBE_FILES.awsAuth), stringify(awsAuth));
  writeFileSync(path.join(kubeDir, SNAPSHOT_KUBE_FILES.rbac), `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: rbac }, null, 2)}\n`);
  writeFileSync(path.join(kubeDir, SNAPSHOT_KUBE_FILES.iamIdentityMappings), `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: identityMappings }, null, 2)}\n`);
  return {
    dir, accessEntries: nEntries, awsAuthRows: nMapRoles + nMapUsers, identityMappings: nCrd, namespaces, rbacObjects: rbac.length, seed,
    samplePrincipals: [accessEntries[1].principalArn, mapRoles[5].rolearn, mapUsers[0].userarn, identityMappings[0].spec.arn],
  };
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string' }, principals: { type: 'string' }, namespaces: { type: 'string' }, rbac: { type: 'string' } } });
  if (positionals.length !== 1) {
    process.stderr.write('usage: large-cluster OUT_DIR [--seed N] [--principals N] [--namespaces N] [--rbac N]\n');
    process.exit(2);
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const s = generateLargeCluster(positionals[0], { seed: num(values.seed), principals: num(values.principals), namespaces: num(values.namespaces), rbacObjects: num(values.rbac) });
  process.stdout.write(`${JSON.stringify({ ...s, namespaces: s.namespaces.length }, null, 2)}\n`);
}
