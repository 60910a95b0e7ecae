/**
 * Recognises, among live RBAC objects, the group grants `AccessChart` renders (lib/k8s/access-chart.ts): a
 * (Cluster)Role and a (Cluster)RoleBinding both named `eks-access:<group>` binding that one Group (rules, cluster-wide
 * or in namespaces), and `eks-access:<group>:<clusterRole>` bindings of an existing ClusterRole. Such objects become
 * `model.addGroupGrant(...)` calls (AccessChart renders them back under the same names); everything else stays
 * verbatim RBAC. A part is only taken when its objects match exactly (same rules in every namespace, one Group
 * subject, nothing else binding the role).
 */
import { GRANT_NAME_PREFIX } from '../../k8s/access-chart';
import { GroupGrantProps, RbacRuleJson } from '../../model';
import { rbacRuleJsonOf } from '../../model/rbac-rule-forms';
import { LiveObject } from '../kube/client';
import { ImportedCall } from './principals';
import { literal } from './code-literal';
import { scopedNamespace } from '../diff/state';
import { isSystemName } from '../../../authenticator/mapper/eks-rules';

export interface GroupGrantImport {
  readonly calls: ImportedCall[];
  /** The objects the grants account for (left out of the verbatim RBAC). */
  readonly consumed: Set<LiveObject>;
  /** Existing ClusterRoles the grants bind (`clusterRole`). */
  readonly boundClusterRoles: string[];
}

interface Subject { kind?: string; name?: string }
const lit = literal;
const grantName = (group: string, suffix = '') => `${GRANT_NAME_PREFIX}${group.replace(/[/%]/g, '-')}${suffix}`;

function onlyGroup(b: LiveObject): string | undefined {
  const subjects = (b.subjects as Subject[] | undefined) ?? [];
  return subjects.length === 1 && subjects[0].kind === 'Group' && subjects[0].name ? subjects[0].name : undefined;
}

function rulesJson(o: LiveObject): RbacRuleJson[] {
  return ((o.rules as Array<Record<string, string[] | undefined>> | undefined) ?? []).map(rbacRuleJsonOf);
}

/** Why the model refuses a group grant (generate.ts checks it on a scratch model), or undefined. */
export type GrantCheck = (grant: GroupGrantProps) => string | undefined;

export function importGroupGrants(objects: readonly LiveObject[], check: GrantCheck = () => undefined): GroupGrantImport {
  const consumed = new Set<LiveObject>();
  const calls: ImportedCall[] = [];
  const bound = new Set<string>();
  /**
   * One `addGroupGrant` call, when the model accepts it; else a NOTE, and its objects stay with the verbatim RBAC
   * (importRbac imports them as they are or says why not), so the generated module never holds a refused call.
   */
  const grant = (props: GroupGrantProps, objs: readonly LiveObject[]): boolean => {
    const refused = check(props);
    if (refused) {
      calls.push({ code: [], notes: [`live: group grant ${JSON.stringify(props)}; the model refuses it: ${refused}. done instead: left to the RBAC import.`] });
      return false;
    }
    const fields = [`group: ${lit(props.group)}`, ...(props.rules ? [`rules: ${lit(props.rules)}`] : []), ...(props.clusterRole !== undefined ? [`clusterRole: ${lit(props.clusterRole)}`] : []),
      ...(props.namespaces?.length ? [`namespaces: ${lit(props.namespaces)}`] : [])];
    calls.push({ code: [`model.addGroupGrant({ ${fields.join(', ')} });`], notes: [] });
    for (const o of objs) consumed.add(o);
    return true;
  };
  const find = (kind: string, name: string, ns?: string) => objects.filter((o) => o.kind === kind && o.metadata.name === name && scopedNamespace(o) === ns);
  const bindings = objects.filter((o) => (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.metadata.name.startsWith(GRANT_NAME_PREFIX));
  const byGroup = new Map<string, LiveObject[]>();
  for (const b of bindings) {
    const group = onlyGroup(b);
    if (group && !isSystemName(group)) byGroup.set(group, [...(byGroup.get(group) ?? []), b]);
  }
  for (const [group, bs] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    // A group's objects are taken only when all of them read cleanly; on anything unexpected they stay verbatim RBAC
    // (importRbac then imports them or says why not).
    const before = { calls: calls.length, consumed: new Set(consumed), bound: new Set(bound) };
    try {
      grantsOfGroup(group, bs);
    } catch {
      calls.length = before.calls;
      consumed.clear();
      for (const o of before.consumed) consumed.add(o);
      bound.clear();
      for (const r of before.bound) bound.add(r);
    }
  }
  return { calls, consumed, boundClusterRoles: [...bound].sort() };

  function grantsOfGroup(group: string, bs: LiveObject[]): void {
    // Rules part: cluster-wide, or the same Role in each namespace.
    const ruleBindings = bs.filter((b) => b.metadata.name === grantName(group));
    const crb = ruleBindings.find((b) => b.kind === 'ClusterRoleBinding');
    if (crb && (crb.roleRef as { kind: string; name: string }).name === grantName(group)) {
      const [role] = find('ClusterRole', grantName(group));
      if (role && !role.aggregationRule && rulesJson(role).length > 0) grant({ group, rules: rulesJson(role) }, [crb, role]);
    } else {
      const rbs = ruleBindings.filter((b) => b.kind === 'RoleBinding' && (b.roleRef as { kind: string }).kind === 'Role');
      const roles = rbs.map((b) => find('Role', grantName(group), b.metadata.namespace)[0]);
      const same = roles.length > 0 && roles.every((r) => r && rulesJson(r).length > 0 && JSON.stringify(rulesJson(r)) === JSON.stringify(rulesJson(roles[0])));
      if (same) {
        const namespaces = rbs.map((b) => b.metadata.namespace!).sort();
        grant({ group, rules: rulesJson(roles[0]), namespaces }, [...rbs, ...roles]);
      }
    }
    // ClusterRole parts: `eks-access:<group>:<clusterRole>`, cluster-wide or in namespaces.
    const byRole = new Map<string, LiveObject[]>();
    for (const b of bs) {
      const ref = b.roleRef as { kind: string; name: string };
      if (ref.kind === 'ClusterRole' && b.metadata.name === grantName(group, `:${ref.name}`)) byRole.set(ref.name, [...(byRole.get(ref.name) ?? []), b]);
    }
    for (const [clusterRole, parts] of byRole) {
      const cluster = parts.find((b) => b.kind === 'ClusterRoleBinding');
      const namespaces = cluster ? [] : parts.map((b) => b.metadata.namespace!).sort();
      if (grant({ group, clusterRole, ...(namespaces.length ? { namespaces } : {}) }, cluster ? [cluster] : parts)) bound.add(clusterRole);
    }
  }
}
