/**
 * Rule matching, a line-by-line port of
 * https://github.com/kubernetes/kubernetes/blob/03bf11a3/pkg/apis/rbac/v1/evaluation_helpers.go. Matching is
 * exact and case-sensitive; `*` is the only wildcard, except `*\/sub` for any resource's subresource `sub` and a
 * trailing `*` on non-resource URLs (a prefix, not a glob).
 */
import { PolicyRule, RequestAttributes, isResourceRequest } from './rbac-types';

const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === ALL || g === group);
}

/** `combined` is `resource` or `resource/subresource`; `subresource` is `''` when there is none. */
export function resourceMatches(rule: Pick<PolicyRule, 'resources'>, combined: string, subresource: string): boolean {
  return rule.resources.some((r) => {
    if (r === ALL || r === combined) return true;
    // `*/scale` matches `<anything>/scale`, but only for requests that have a subresource.
    return subresource.length > 0 && r.length === subresource.length + 2 && r === `*/${subresource}`;
  });
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return rule.nonResourceURLs.some((u) => u === ALL || u === path || (u.endsWith(ALL) && path.startsWith(u.replace(/\*+$/, ''))));
}

/** `RuleAllows`: does this single rule allow the request? */
export function ruleAllows(request: RequestAttributes, rule: PolicyRule): boolean {
  if (!isResourceRequest(request)) {
    return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.path);
  }
  const combined = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, combined, request.subresource) &&
    resourceNameMatches(rule, request.name)
  );
}
