/**
 * EKS access policies on a self-managed cluster, which has no EKS authorizer to evaluate them: each policy grant
 * becomes a group in the authenticator's mapping (`accessPolicyGroups`, lib/model/access-policy-roles.ts) and the RBAC
 * binding of that group to the Kubernetes role EKS itself uses for the policy — a ClusterRoleBinding at cluster scope,
 * a RoleBinding per namespace at namespace scope. What RBAC cannot express is refused (never dropped).
 */
import { AccessModel, AccessPolicyGroup, accessPolicyGroups, clusterPrincipals } from '../model';
import type { RbacChart } from './rbac-chart';
import { RoleKind } from './rbac-chart';
import { ACCESS_MODEL_RULE } from '../model/assert-valid-model';
import { RuleError } from '../model/rule-error';
import { RbacSubject } from './rbac-subject';

/** Every distinct policy group of the model's principals (one binding serves every principal holding it). */
export function modelAccessPolicyGroups(model: AccessModel): AccessPolicyGroup[] {
  const byGroup = new Map<string, AccessPolicyGroup>();
  for (const p of clusterPrincipals(model)) for (const g of accessPolicyGroups(p)) byGroup.set(g.group, g);
  return [...byGroup.values()].sort((a, b) => a.group.localeCompare(b.group));
}

/** Adds the ClusterRoles, ClusterRoleBindings and RoleBindings that stand for the model's access policies. */
export function renderAccessPolicyRbac(chart: RbacChart, model: AccessModel): void {
  const created = new Set<string>();
  let groups: AccessPolicyGroup[];
  try {
    groups = modelAccessPolicyGroups(model);
  } catch (e) {
    throw RuleError.within(chart.node.path, e, ACCESS_MODEL_RULE);
  }
  groups.forEach((g, i) => {
    const { role } = g;
    if (role.rules && !created.has(role.clusterRole)) {
      created.add(role.clusterRole);
      chart.addClusterRole(`AccessPolicy-${role.policyName}`, { name: role.clusterRole, rules: role.rules });
    }
    const subjects = [RbacSubject.group(g.group)];
    if (g.namespace === undefined) {
      chart.addClusterRoleBinding(`AccessPolicy${i}-ClusterRoleBinding`, { name: g.group, clusterRoleName: role.clusterRole, subjects });
    } else {
      const name = g.group.slice(0, -(g.namespace.length + 1)); // the policy's group name without the namespace
      chart.addRoleBinding(`AccessPolicy${i}-RoleBinding`, { name, namespace: g.namespace, roleKind: RoleKind.CLUSTER_ROLE, roleName: role.clusterRole, subjects });
    }
  });
}
