/**
 * Mistakes the cluster would accept but that leave access other than intended, reported as warnings (the grant may be
 * meant for RBAC written elsewhere): a group grant for a group no principal of the model is in, and a principal's
 * group that no group grant binds — typically one typo on one side (`pod-viewers` vs `pod-viewer`), which grants
 * nothing to anyone. `system:` groups are the cluster's own and are not checked.
 */
import { isSystemName, SYSTEM_MASTERS } from '../../authenticator/mapper/eks-rules';
import { didYouMean } from './did-you-mean';
import { AuthenticationMode, SystemMastersHandling } from './enums';
import type { AccessModelState } from './model-state';
import { clusterPrincipals } from './model-views';
import type { ValidationIssue } from './validation-issue';

export const GRANT_WITHOUT_MEMBERS_RULE = 'eks-access:group-grant-without-members';
export const GROUP_NOT_BOUND_RULE = 'eks-access:group-not-bound';
export const SYSTEM_MASTERS_WARNING = 'cdk-eks-access:system-masters';

/**
 * `system:masters` in `kubernetesGroups` makes a principal cluster admin without the word "admin" in sight: on an
 * access entry it becomes AmazonEKSClusterAdminPolicy (EKS refuses `system:` groups), in aws-auth it is the group
 * that bypasses RBAC entirely (Kubernetes RBAC docs, "Default roles and role bindings": no binding can revoke it).
 * Documented, but silent until now: one warning per such principal, naming the explicit way to say it. Reported by
 * every construct that renders the model (`ClusterAccess`, `AccessChart`), each at its own path.
 */
export function systemMastersWarnings(model: AccessModelState): ValidationIssue[] {
  if (model.systemMasters === SystemMastersHandling.REFUSE) return []; // validation refuses the group then
  const becomes = model.authenticationMode === AuthenticationMode.CONFIG_MAP
    ? 'the group system:masters in aws-auth, which bypasses RBAC and which no binding can take back'
    : 'AmazonEKSClusterAdminPolicy at cluster scope on its access entry';
  return clusterPrincipals(model).filter((p) => p.kubernetesGroups.includes(SYSTEM_MASTERS)).map((p) => ({
    subject: p.id,
    ruleId: SYSTEM_MASTERS_WARNING,
    message: `kubernetes group system:masters makes this principal cluster admin (${becomes}); if that is meant, say so `
      + 'with accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()], else bind a group of your '
      + 'own with addGroupGrant (systemMasters: SystemMastersHandling.REFUSE refuses the group)',
  }));
}

/** Warnings of the model, in declaration order, each with its rule id. */
export function modelWarnings(model: AccessModelState): ValidationIssue[] {
  const own = (g: string) => !isSystemName(g);
  const memberGroups = new Set(model.principals.flatMap((p) => p.kubernetesGroups).filter(own));
  const grantedGroups = new Set(model.groupGrants.map((g) => g.group).filter(own));
  const out: ValidationIssue[] = [];
  for (const g of grantedGroups) {
    if (memberGroups.has(g)) continue;
    out.push({ subject: `groupGrants/${g}`, ruleId: GRANT_WITHOUT_MEMBERS_RULE, message: `group grant '${g}' binds a group no principal of the model is in${didYouMean(g, memberGroups)} (fine if principals mapped elsewhere use it)` });
  }
  for (const p of model.principals) {
    for (const g of p.kubernetesGroups.filter(own)) {
      if (grantedGroups.has(g)) continue;
      out.push({ subject: p.id, ruleId: GROUP_NOT_BOUND_RULE, message: `kubernetes group '${g}' is bound by no group grant of the model, so it grants nothing unless RBAC written elsewhere binds it${didYouMean(g, grantedGroups)}` });
    }
  }
  return out;
}
