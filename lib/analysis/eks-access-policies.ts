/**
 * EKS access policies as RBAC rules. EKS evaluates them in its own authorizer, before RBAC, for identities that
 * authenticated through an access entry; they only ever allow. Which role stands for which policy is the model's table
 * (lib/model/access-policy-roles.ts); the upstream roles' rules are taken from the pinned bootstrap roles (`admin`,
 * `edit`, `view` after aggregation), so they stay exactly as faithful as that data.
 */
import { AccessPolicy } from '../model/access-policies';
import { accessPolicyRoles } from '../model/access-policy-roles';
import { policyRuleOf } from '../model/rbac-rule-forms';
import { bootstrapAuthorizer } from './bootstrap-policy';
import { PolicyRule } from './rbac-types';

export interface AccessPolicyDefinition {
  readonly name: string;
  /** The upstream ClusterRole it mirrors, if any. */
  readonly equivalentClusterRole?: string;
  readonly rules: readonly PolicyRule[];
}

let cache: Map<string, AccessPolicyDefinition> | undefined;

/** The access policies with a Kubernetes equivalent by name (`AmazonEKSClusterAdminPolicy`, ...), from the one table. */
export function accessPolicies(): ReadonlyMap<string, AccessPolicyDefinition> {
  if (!cache) {
    const roles = bootstrapAuthorizer().clusterRoles;
    cache = new Map(accessPolicyRoles().map((r): [string, AccessPolicyDefinition] => [r.policyName, r.rules
      ? { name: r.policyName, rules: r.rules.map(policyRuleOf) }
      : { name: r.policyName, equivalentClusterRole: r.clusterRole, rules: roles.get(r.clusterRole)!.rules }]));
  }
  return cache;
}

/**
 * `arn:<partition>:eks::aws:cluster-access-policy/<Name>` → `<Name>`, or undefined for anything else. Parsing is the
 * access model's (`AccessPolicy.fromArn`); analysed inputs may name any ARN, so a non-policy ARN is not an error here.
 */
export function accessPolicyName(policyArn: string): string | undefined {
  try {
    return AccessPolicy.fromArn(policyArn).policyName;
  } catch {
    return undefined;
  }
}

/** EKS namespace scopes allow a trailing `*` wildcard (`dev-*`). */
export function namespaceInScope(namespace: string, scopeNamespaces: readonly string[]): boolean {
  return scopeNamespaces.some((n) => n === namespace || (n.endsWith('*') && namespace.startsWith(n.slice(0, -1))));
}
