/**
 * Mistakes the cluster would accept but that leave access other than intended, reported as warnings (the grant may be
 * meant for RBAC written elsewhere): a group grant for a group no principal of the model is in, and a principal's
 * group that no group grant binds — typically one typo on one side (`pod-viewers` vs `pod-viewer`), which grants
 * nothing to anyone. `system:` groups are the cluster's own and are not checked.
 */
import { isSystemName } from '../../authenticator/mapper/eks-rules';
import { didYouMean } from './did-you-mean';
import type { AccessModelState } from './model-state';
import type { ValidationIssue } from './validation-issue';

export const GRANT_WITHOUT_MEMBERS_RULE = 'eks-access:group-grant-without-members';
export const GROUP_NOT_BOUND_RULE = 'eks-access:group-not-bound';

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
