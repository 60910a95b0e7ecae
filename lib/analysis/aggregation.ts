/**
 * ClusterRole aggregation as the `clusterrole-aggregation-controller` computes it
 * (https://github.com/kubernetes/kubernetes/tree/003e8629/pkg/controller/clusterroleaggregation): for each
 * selector in order, the matching ClusterRoles sorted by name (the role itself skipped) contribute their rules, a rule
 * already present being skipped; the result replaces the role's own rules. Chains are run to a fixpoint, which is what
 * the controller converges to after its requeues.
 */
import { LabelSelector, PolicyRule, RbacRole } from './rbac-types';

/** `metav1.LabelSelectorAsSelector` semantics: matchLabels AND matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const labelsOk = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const exprsOk = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false; // An invalid operator makes the selector fail to parse upstream: it selects nothing.
    }
  });
  return labelsOk && exprsOk;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `equality.Semantic.DeepEqual` on normalised rules (order within each list matters, nil == empty). */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return (
    sameList(a.verbs, b.verbs) &&
    sameList(a.apiGroups, b.apiGroups) &&
    sameList(a.resources, b.resources) &&
    sameList(a.resourceNames, b.resourceNames) &&
    sameList(a.nonResourceURLs, b.nonResourceURLs)
  );
}

/** One controller sync of `role` against the current set of ClusterRoles (`syncClusterRole`). */
export function aggregateOnce(role: RbacRole, clusterRoles: readonly RbacRole[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const members = clusterRoles
      .filter((c) => c.name !== role.name && labelSelectorMatches(selector, c.labels))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const member of members) {
      for (const rule of member.rules) {
        if (!rules.some((r) => rulesEqual(r, rule))) rules.push(rule);
      }
    }
  }
  return rules;
}

/** Returns the ClusterRoles with every aggregated role's rules materialised (transitive closure). */
export function materializeAggregation(clusterRoles: readonly RbacRole[]): RbacRole[] {
  let current = clusterRoles.slice();
  // Each pass can only add rules flowing one more level down a chain, so passes ≤ number of roles + 1.
  for (let pass = 0; pass <= clusterRoles.length; pass++) {
    let changed = false;
    current = current.map((role) => {
      if (!role.aggregationRule) return role;
      const rules = aggregateOnce(role, current);
      const same = rules.length === role.rules.length && rules.every((r, i) => rulesEqual(r, role.rules[i]));
      if (same) return role;
      changed = true;
      return { ...role, rules };
    });
    if (!changed) break;
  }
  return current;
}
