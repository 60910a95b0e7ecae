/**
 * Synth-time checks of IAM identities that IAM or aws-auth would reject or misread at deploy time: a permissions
 * boundary that is not a managed-policy ARN (IAM rejects it when the user or role is created; only cfn-lint noticed),
 * and two role principals that are one IAM role (role names are unique per account whatever the path, and aws-auth and
 * the authenticator see the path-less assumed-role ARN). Each issue carries its rule id.
 */
import { stripPath } from '../../authenticator/arn';
import type { AccessModelState } from './model-state';
import { PrincipalKind } from './enums';
import { hasUnresolvedToken } from './tokens';
import type { ValidationIssue } from './validation-issue';

export const PERMISSIONS_BOUNDARY_RULE = 'eks-access:permissions-boundary-arn';
export const SAME_ROLE_RULE = 'eks-access:same-iam-role';
/** `arn:<partition>:iam::<account or aws>:policy/[<path>/]<name>` (IAM ARN format for managed policies). */
const POLICY_ARN = /^arn:([a-z-]+):iam::(\d{12}|aws):policy\/([\x21-\x7E]+\/)?[\w+=,.@-]{1,128}$/;

export function identityIssues(model: AccessModelState): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const p of model.principals) {
    const boundary = p.user?.permissionsBoundaryArn ?? p.role?.permissionsBoundaryArn;
    if (boundary === undefined || hasUnresolvedToken(boundary)) continue; // deferred: said once by ClusterAccess
    const m = POLICY_ARN.exec(boundary);
    if (!m) {
      issues.push({ subject: p.id, ruleId: PERMISSIONS_BOUNDARY_RULE, message: `permissionsBoundaryArn '${boundary}' is not a managed-policy ARN: arn:${model.partition}:iam::<12-digit account or aws>:policy/[<path>/]<name> (e.g. arn:${model.partition}:iam::${model.accountId}:policy/Boundary)` });
    } else if (m[1] !== model.partition) {
      issues.push({ subject: p.id, ruleId: PERMISSIONS_BOUNDARY_RULE, message: `permissionsBoundaryArn '${boundary}' is in partition '${m[1]}' but the model is in '${model.partition}'` });
    }
  }
  const byRole = new Map<string, { id: string; arn: string }>();
  for (const p of model.principals) {
    if (p.kind !== PrincipalKind.ROLE || !p.arn.startsWith('arn:')) continue;
    let key: string;
    try {
      key = stripPath(p.arn).toLowerCase();
    } catch {
      continue; // a malformed ARN is reported by the identity checks
    }
    const first = byRole.get(key);
    if (first && first.arn.toLowerCase() !== p.arn.toLowerCase()) {
      issues.push({ subject: p.id, ruleId: SAME_ROLE_RULE, message: `role ${p.arn} is the same IAM role as '${first.id}' (${first.arn}): role names are unique per account whatever the path, and aws-auth and the authenticator see both as ${stripPath(p.arn)}; declare the role once with its real path` });
    } else if (!first) {
      byRole.set(key, { id: p.id, arn: p.arn });
    }
  }
  return issues;
}
