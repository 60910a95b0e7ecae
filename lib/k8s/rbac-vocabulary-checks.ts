/**
 * Synth-time checks of the words a rule uses, against the shared RBAC vocabulary (lib/model/rbac-vocabulary.ts): the
 * API server accepts `lsit` or apiGroup `v1` and the rule then silently grants nothing, so synthesis refuses them.
 * Custom verbs (for an aggregated API server or a webhook authorizer that defines its own) need `allowCustomVerbs`.
 */
import { apiGroupProblem, labelProblems, NON_RESOURCE_VERBS, RESOURCE_VERBS, unknownVerbs } from '../model/rbac-vocabulary';
import { RuleError } from '../model/rule-error';
import type { RbacRule } from '../model/rbac-rule-forms';

export const RBAC_VERB_RULE = 'eks-access:rbac-verb';
export const RBAC_API_GROUP_RULE = 'eks-access:rbac-api-group';
export const RBAC_LABEL_RULE = 'eks-access:rbac-label';

/** Throws a `RuleError` naming `where` for an unknown verb or a malformed API group. */
export function checkRuleVocabulary(rule: RbacRule, where: string): void {
  const nonResource = (rule.nonResourceUrls?.length ?? 0) > 0;
  const known = nonResource ? NON_RESOURCE_VERBS : RESOURCE_VERBS;
  const unknown = unknownVerbs(rule.verbs ?? [], known);
  if (unknown.length > 0 && !rule.allowCustomVerbs) {
    throw new RuleError(RBAC_VERB_RULE, where, `unknown verb${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => `"${v}"`).join(', ')}; `
      + `${nonResource ? 'non-resource URLs take HTTP verbs' : 'Kubernetes verbs are'}: ${[...known].join(', ')} `
      + '(set allowCustomVerbs: true on the rule for verbs of an aggregated API server or authorization webhook)');
  }
  for (const group of rule.apiGroups ?? []) {
    const problem = apiGroupProblem(group);
    if (problem) throw new RuleError(RBAC_API_GROUP_RULE, where, problem);
  }
}

/** Throws a `RuleError` naming `where` for a label key or value the API server would reject. */
export function checkLabels(labels: Record<string, string> | undefined, where: string): void {
  const problems = labelProblems(labels ?? {});
  if (problems.length > 0) throw new RuleError(RBAC_LABEL_RULE, where, problems.join('; '));
}
