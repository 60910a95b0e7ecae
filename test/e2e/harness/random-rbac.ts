/**
 * Seeded random RBAC objects and access questions for the evaluator-vs-apiserver differential test.
 *
 * The vocabularies deliberately overlap (so generated rules actually match some questions) and include the corners
 * of the RBAC semantics: `*` in verbs/groups/resources, subresources and `*\/scale`, resourceNames, non-resource URLs
 * with trailing `*`, RoleBindings to ClusterRoles, ServiceAccount subjects without namespace, aggregation.
 */

/** Deterministic PRNG (mulberry32) so a failing case can be reproduced from its seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** 1..max distinct items. */
  some<T>(items: readonly T[], max: number): T[] {
    const n = 1 + this.int(Math.min(max, items.length));
    const copy = [...items];
    const out: T[] = [];
    while (out.length < n) out.push(copy.splice(this.int(copy.length), 1)[0]);
    return out;
  }
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** One access question, in SubjectAccessReview terms. */
export interface AccessCase {
  user: string;
  groups: string[];
  verb: string;
  /** Resource request fields; absent for a non-resource request. */
  resource?: { group: string; resource: string; subresource?: string; name?: string; namespace: string };
  nonResourcePath?: string;
}

export const RANDOM_NAMESPACES = ['rand-a', 'rand-b', 'rand-c'];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', 'escalate'];
/** [apiGroup, resource] pairs; subresources are combined with these. */
const RESOURCES: Array<[string, string]> = [
  ['', 'pods'],
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'nodes'],
  ['', 'namespaces'],
  ['', 'serviceaccounts'],
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['batch', 'jobs'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['authentication.k8s.io', 'userextras'],
];
const SUBRESOURCES: Record<string, string[]> = {
  pods: ['log', 'exec', 'status'],
  deployments: ['scale', 'status'],
  statefulsets: ['scale'],
  namespaces: ['status'],
  userextras: ['scopes'],
};
const RESOURCE_NAMES = ['alpha', 'beta', 'aws-auth'];
const NON_RESOURCE_URLS = ['/healthz', '/healthz/*', '/api', '/api/*', '/apis/*', '/metrics', '/logs/*', '*'];
const NON_RESOURCE_PATHS = ['/healthz', '/healthz/etcd', '/api', '/api/v1', '/apis', '/apis/apps', '/metrics', '/logs/x', '/version', '/'];
export const RANDOM_USERS = ['rand-u0', 'rand-u1', 'rand-u2', 'rand-u3'];
export const RANDOM_GROUPS = ['rand-g0', 'rand-g1', 'rand-g2'];
const SERVICE_ACCOUNTS = ['rand-sa0', 'rand-sa1'];
const AGGREGATION_LABEL = 'e2e.cdk-eks-access/aggregate-to';

function randomRule(rng: Rng, allowNonResource: boolean): PolicyRule {
  if (allowNonResource && rng.chance(0.15)) {
    return { verbs: rng.chance(0.2) ? ['*'] : rng.some(['get', 'post', 'put'], 2), nonResourceURLs: rng.some(NON_RESOURCE_URLS, 2) };
  }
  const picked = rng.some(RESOURCES, 3);
  const resources = new Set<string>();
  for (const [, res] of picked) {
    const sub = SUBRESOURCES[res];
    const roll = rng.next();
    if (roll < 0.1) resources.add('*');
    else if (roll < 0.2 && sub) resources.add(`*/${rng.pick(sub)}`);
    else if (roll < 0.4 && sub) resources.add(`${res}/${rng.pick(sub)}`);
    else resources.add(res);
  }
  const groups = rng.chance(0.15) ? ['*'] : [...new Set(picked.map(([g]) => g))];
  const rule: PolicyRule = {
    verbs: rng.chance(0.1) ? ['*'] : rng.some(VERBS, 3),
    apiGroups: groups,
    resources: [...resources],
  };
  if (rng.chance(0.3)) rule.resourceNames = rng.some(RESOURCE_NAMES, 2);
  return rule;
}

function randomSubjects(rng: Rng, bindingNamespace: string | undefined): Subject[] {
  const subjects: Subject[] = [];
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const roll = rng.next();
    if (roll < 0.4) subjects.push({ kind: 'User', name: rng.pick(RANDOM_USERS), apiGroup: 'rbac.authorization.k8s.io' });
    else if (roll < 0.8) subjects.push({ kind: 'Group', name: rng.pick(RANDOM_GROUPS), apiGroup: 'rbac.authorization.k8s.io' });
    else {
      // Inside a RoleBinding the namespace may be omitted (it defaults to the binding's); a ClusterRoleBinding needs it.
      const ns = bindingNamespace && rng.chance(0.5) ? undefined : rng.pick(RANDOM_NAMESPACES);
      subjects.push({ kind: 'ServiceAccount', name: rng.pick(SERVICE_ACCOUNTS), ...(ns ? { namespace: ns } : {}) });
    }
  }
  return subjects;
}

/**
 * A random but valid RBAC object set (ClusterRoles incl. aggregated ones, Roles, and bindings to them).
 *
 * Names carry the seed. The aggregation controller writes aggregated roles by server-side apply, which re-creates a
 * just-deleted role when a sync was already queued (deleting the labelled roles queues one). With shared names the
 * next seed's apply of that name then conflicts with the controller's ownership of `.rules`.
 */
export function randomRbac(seed: number, opts: { clusterRoles?: number; roles?: number; bindings?: number } = {}): K8sObject[] {
  const rng = new Rng(seed);
  const rbac = 'rbac.authorization.k8s.io/v1';
  const objects: K8sObject[] = RANDOM_NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  const clusterRoleNames: string[] = [];
  const roleNames: Array<[string, string]> = [];
  const clusterRoleCount = opts.clusterRoles ?? 8;
  let aggregatedCount = 0;
  for (let i = 0; i < clusterRoleCount; i++) {
    const name = `rand-${seed}-cr-${i}`;
    clusterRoleNames.push(name);
    const labels = rng.chance(0.4) ? { [AGGREGATION_LABEL]: rng.pick(['x', 'y']) } : undefined;
    // Every seed gets at least one aggregated role (the last one if chance gave none), so aggregation is always tested.
    const lastChance = i === clusterRoleCount - 1 && aggregatedCount === 0;
    if (i > 0 && (rng.chance(0.2) || lastChance)) {
      aggregatedCount++;
      // Aggregated: its rules come from the labelled roles (the controller fills them; the evaluator computes them).
      objects.push({
        apiVersion: rbac,
        kind: 'ClusterRole',
        metadata: { name, ...(labels ? { labels } : {}) },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [AGGREGATION_LABEL]: rng.pick(['x', 'y']) } }] },
      });
    } else {
      const rules = Array.from({ length: 1 + rng.int(3) }, () => randomRule(rng, true));
      objects.push({ apiVersion: rbac, kind: 'ClusterRole', metadata: { name, ...(labels ? { labels } : {}) }, rules });
    }
  }
  for (let i = 0; i < (opts.roles ?? 6); i++) {
    const ns = rng.pick(RANDOM_NAMESPACES);
    const name = `rand-${seed}-role-${i}`;
    roleNames.push([ns, name]);
    const rules = Array.from({ length: 1 + rng.int(3) }, () => randomRule(rng, false));
    objects.push({ apiVersion: rbac, kind: 'Role', metadata: { name, namespace: ns }, rules });
  }
  for (let i = 0; i < (opts.bindings ?? 14); i++) {
    const roll = rng.next();
    if (roll < 0.35) {
      objects.push({
        apiVersion: rbac,
        kind: 'ClusterRoleBinding',
        metadata: { name: `rand-${seed}-crb-${i}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: rng.pick(clusterRoleNames) },
        subjects: randomSubjects(rng, undefined),
      });
    } else if (roll < 0.7 || roleNames.length === 0) {
      const ns = rng.pick(RANDOM_NAMESPACES);
      objects.push({
        apiVersion: rbac,
        kind: 'RoleBinding',
        metadata: { name: `rand-${seed}-rb-${i}`, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: rng.pick(clusterRoleNames) },
        subjects: randomSubjects(rng, ns),
      });
    } else {
      const [ns, role] = rng.pick(roleNames);
      objects.push({
        apiVersion: rbac,
        kind: 'RoleBinding',
        metadata: { name: `rand-${seed}-rb-${i}`, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
        subjects: randomSubjects(rng, ns),
      });
    }
  }
  return objects;
}

/** Identities the random bindings talk about, as (user, groups) pairs the way authentication would present them. */
export function randomIdentities(rng: Rng): Array<{ user: string; groups: string[] }> {
  const ids: Array<{ user: string; groups: string[] }> = [];
  for (const user of RANDOM_USERS) ids.push({ user, groups: ['system:authenticated', ...rng.some(RANDOM_GROUPS, 2)] });
  for (const ns of RANDOM_NAMESPACES) {
    for (const sa of SERVICE_ACCOUNTS) {
      ids.push({
        user: `system:serviceaccount:${ns}:${sa}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      });
    }
  }
  ids.push({ user: 'rand-nobody', groups: ['system:authenticated'] });
  return ids;
}

/** `count` random questions for `identities`, over the vocabulary above plus the given extra namespaces/resources. */
export function randomCases(
  rng: Rng,
  identities: ReadonlyArray<{ user: string; groups: string[] }>,
  count: number,
  extra: { namespaces?: string[]; resources?: Array<[string, string]> } = {},
): AccessCase[] {
  const namespaces = ['', ...RANDOM_NAMESPACES, ...(extra.namespaces ?? [])];
  const resources = [...RESOURCES, ...(extra.resources ?? [])];
  const cases: AccessCase[] = [];
  for (let i = 0; i < count; i++) {
    const id = rng.pick(identities);
    if (rng.chance(0.08)) {
      cases.push({ user: id.user, groups: id.groups, verb: rng.pick(['get', 'post', 'put']), nonResourcePath: rng.pick(NON_RESOURCE_PATHS) });
      continue;
    }
    const [group, resource] = rng.pick(resources);
    const sub = SUBRESOURCES[resource];
    cases.push({
      user: id.user,
      groups: id.groups,
      verb: rng.pick(VERBS),
      resource: {
        group,
        resource,
        ...(sub && rng.chance(0.25) ? { subresource: rng.pick(sub) } : {}),
        ...(rng.chance(0.25) ? { name: rng.pick(RESOURCE_NAMES) } : {}),
        namespace: rng.pick(namespaces),
      },
    });
  }
  return cases;
}
