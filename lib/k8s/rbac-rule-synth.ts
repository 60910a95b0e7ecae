/**
 * RBAC policy rules (the type is the model's `RbacRule`, lib/model/rbac-rule-forms.ts) with the validation the API server applies
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/rbac/validation/validation.go), done at synth time so
 * a bad rule fails `cdk synth` with the construct path instead of failing `kubectl apply` later. cdk8s-plus-28's rules
 * cannot carry several resources, resourceNames on custom resources, or validation
 * (https://github.com/cdk8s-team/cdk8s-plus/blob/k8s-28/main/src/role.ts;
 * https://github.com/cdk8s-team/cdk8s-plus/issues/1518), hence this type.
 */
import { k8s } from 'cdk8s-plus-28';
import type { RbacRule } from '../model/rbac-rule-forms';

/**
 * Verbs whose requests never carry an object name, so a rule with `resourceNames` never matches them
 * (pkg/apis/rbac/helpers.go). list/watch are not among them: a request with the field selector `metadata.name=X`
 * carries the name X (apiserver RequestInfo), which is how a single object is watched with least privilege.
 */
const NAMELESS_VERBS = new Set(['create', 'deletecollection']);

/**
 * Returns the problems of a rule (empty when valid). `where` names the rule in messages, `namespaced` is true for a
 * Role (which may not use non-resource URLs).
 */
export function ruleProblems(rule: RbacRule, where: string, namespaced: boolean): string[] {
  const out: string[] = [];
  const has = (v?: string[]) => v !== undefined && v.length > 0;
  if (!has(rule.verbs)) out.push(`${where}: verbs must not be empty (e.g. ["get", "list", "watch"])`);
  if (rule.verbs?.some((v) => v.trim() === '')) out.push(`${where}: verbs must not contain empty strings`);
  if (has(rule.nonResourceUrls)) {
    if (namespaced) out.push(`${where}: a namespaced Role cannot grant nonResourceUrls; use a ClusterRole`);
    if (has(rule.apiGroups) || has(rule.resources) || has(rule.resourceNames)) {
      out.push(`${where}: nonResourceUrls cannot be combined with apiGroups, resources or resourceNames`);
    }
    for (const u of rule.nonResourceUrls!) {
      if (!u.startsWith('/') && u !== '*') out.push(`${where}: non-resource URL "${u}" must start with "/" (or be "*")`);
      if (u.includes('*') && u !== '*' && !u.endsWith('*')) out.push(`${where}: non-resource URL "${u}" may only end with "*"`);
    }
    return out;
  }
  if (!has(rule.apiGroups)) out.push(`${where}: apiGroups must list at least one group ("" is the core group, "*" all)`);
  if (!has(rule.resources)) out.push(`${where}: resources must list at least one resource (e.g. "pods", "pods/log", "*")`);
  if (has(rule.resourceNames)) {
    const nameless = rule.verbs.filter((v) => NAMELESS_VERBS.has(v));
    if (nameless.length > 0) {
      out.push(`${where}: verbs ${nameless.join(', ')} carry no object name, so resourceNames cannot restrict them; put them in a rule without resourceNames`);
    }
  }
  return out;
}

/**
 * The L1 form; keys that are empty are left out (an empty `resourceNames`, which cdk8s-plus-28 always emits for a
 * ClusterRole rule, would be noise).
 */
export function toPolicyRule(rule: RbacRule): k8s.PolicyRule {
  const nonEmpty = (v?: string[]) => (v && v.length > 0 ? [...v] : undefined);
  return {
    verbs: [...rule.verbs],
    apiGroups: nonEmpty(rule.apiGroups),
    resources: nonEmpty(rule.resources),
    resourceNames: nonEmpty(rule.resourceNames),
    nonResourceUrLs: nonEmpty(rule.nonResourceUrls),
  };
}
