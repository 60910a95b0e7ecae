/**
 * The RBAC rule, written once: Kubernetes' `PolicyRule` (k8s.io/api rbac/v1 types.go,
 * https://github.com/kubernetes/api/blob/v0.31.0/rbac/v1/types.go) in the three spellings this library needs, and the
 * converters between them, so no other module maps one rule shape onto another:
 * - `RbacRule`: what constructs and charts take (lib/k8s), camelCase for jsii (`nonResourceUrls`);
 * - `RbacRuleJson`: the model's file form (`GroupGrantJson.rules`), spelled as Kubernetes spells it;
 * - `PolicyRule`: the analysis' normalised form (lib/analysis), every list present, as the apiserver treats an absent
 *   list and `[]` alike.
 */

/** The API group of RBAC objects. */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
/** `apiVersion` of the RBAC objects the charts write and the snapshot reads. */
export const RBAC_API_VERSION = `${RBAC_API_GROUP}/v1`;

/** One RBAC PolicyRule. Either resource fields (apiGroups + resources) or nonResourceUrls, never both. */
export interface RbacRule {
  /** Verbs, e.g. `get`, `list`, `watch`, or `*`. Must not be empty. */
  readonly verbs: string[];
  /** API groups; `''` is the core group, `*` all groups. @default - none (then nonResourceUrls is required) */
  readonly apiGroups?: string[];
  /** Resources, incl. subresources (`pods/log`) and `*`. @default - none */
  readonly resources?: string[];
  /** Restricts the rule to these object names. @default - all names */
  readonly resourceNames?: string[];
  /** Non-resource URLs such as `/healthz` or `/metrics/*`; only in ClusterRoles. @default - none */
  readonly nonResourceUrls?: string[];
  /**
   * Accept verbs outside the Kubernetes verb set (RESOURCE_VERBS / NON_RESOURCE_VERBS), for an aggregated API server
   * or authorization webhook that defines its own. @default false - unknown verbs (typos such as `lsit`) fail synthesis
   */
  readonly allowCustomVerbs?: boolean;
}

/** An RBAC rule, as Kubernetes spells it. */
export interface RbacRuleJson {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  /** @default - all names */
  readonly resourceNames?: string[];
  /** @default - none */
  readonly nonResourceURLs?: string[];
  /** Accept verbs outside the Kubernetes verb set (see `RbacRule.allowCustomVerbs`). @default false */
  readonly allowCustomVerbs?: boolean;
}

/** A rule as the RBAC evaluator reads it: every list present (`pkg/apis/rbac/v1/defaults.go` applied). */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** The lists of a rule object as Kubernetes spells them (a manifest's rule, or the model's). */
export type KubernetesRuleLists = { readonly [K in keyof PolicyRule]?: readonly string[] };

/** The model's rule as constructs take it (`nonResourceURLs` → `nonResourceUrls`). */
export function rbacRuleFromJson(rule: RbacRuleJson): RbacRule {
  return { ...rule, nonResourceUrls: rule.nonResourceURLs };
}

/** A Kubernetes rule (e.g. read from a live cluster) as constructs take it: lists it does not have, or has empty, left out. */
export function rbacRuleOf(rule: KubernetesRuleLists): RbacRule {
  return {
    verbs: [...(rule.verbs ?? [])],
    ...(rule.apiGroups ? { apiGroups: [...rule.apiGroups] } : {}),
    ...(rule.resources ? { resources: [...rule.resources] } : {}),
    ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
    ...(rule.nonResourceURLs?.length ? { nonResourceUrls: [...rule.nonResourceURLs] } : {}),
  };
}

/** A Kubernetes rule (e.g. read from a live cluster) in the model's form: empty optional lists left out. */
export function rbacRuleJsonOf(rule: KubernetesRuleLists): RbacRuleJson {
  return {
    apiGroups: [...(rule.apiGroups ?? [])], resources: [...(rule.resources ?? [])], verbs: [...(rule.verbs ?? [])],
    ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
    ...(rule.nonResourceURLs?.length ? { nonResourceURLs: [...rule.nonResourceURLs] } : {}),
  };
}

/** Any Kubernetes-spelled rule in the evaluator's normalised form (absent lists become `[]`). */
export function policyRuleOf(rule: KubernetesRuleLists): PolicyRule {
  return {
    verbs: rule.verbs ?? [], apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [],
    resourceNames: rule.resourceNames ?? [], nonResourceURLs: rule.nonResourceURLs ?? [],
  };
}
