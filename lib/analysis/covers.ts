/**
 * Rule-set coverage, a port of `k8s.io/component-helpers/auth/rbac/validation/policy_comparator.go`: the test the
 * apiserver uses for privilege-escalation prevention. `covers(owner, servant)` answers "does `owner` hold at least
 * every permission of `servant`?" and lists the uncovered atoms. Useful for "is this role really read-only" checks.
 */
import { PolicyRule } from './rbac-types';

const atom = (fields: Partial<PolicyRule>): PolicyRule => ({
  verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...fields,
});

/** One rule per group × resource × verb (× resourceName), and per nonResourceURL × verb (`BreakdownRule`). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups) {
    for (const resource of rule.resources) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames.length > 0) {
          for (const name of rule.resourceNames) out.push(atom({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] }));
        } else {
          out.push(atom({ apiGroups: [group], resources: [resource], verbs: [verb] }));
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs) {
    for (const verb of rule.verbs) out.push(atom({ nonResourceURLs: [url], verbs: [verb] }));
  }
  return out;
}

const hasAll = (set: readonly string[], wanted: readonly string[]): boolean => wanted.every((w) => set.includes(w));

function resourceCoversAll(owner: readonly string[], wanted: readonly string[]): boolean {
  if (owner.includes('*') || hasAll(owner, wanted)) return true;
  return wanted.every((path) => {
    if (owner.includes(path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && owner.includes(`*/${path.slice(slash + 1)}`);
  });
}

export function nonResourceURLCovers(ownerPath: string, subPath: string): boolean {
  return ownerPath === subPath || (ownerPath.endsWith('*') && subPath.startsWith(ownerPath.replace(/\*+$/, '')));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs);
  const groups = owner.apiGroups.includes('*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = sub.nonResourceURLs.every((p) => owner.nonResourceURLs.some((o) => nonResourceURLCovers(o, p)));
  const names = sub.resourceNames.length === 0
    ? owner.resourceNames.length === 0
    : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return verbs && groups && resources && names && urls;
}

export interface CoversResult {
  readonly covered: boolean;
  /** The servant's atoms no owner rule covers. */
  readonly uncovered: PolicyRule[];
}

export function covers(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): CoversResult {
  const uncovered = servantRules.flatMap(breakdownRule).filter((a) => !ownerRules.some((o) => ruleCovers(o, a)));
  return { covered: uncovered.length === 0, uncovered };
}
