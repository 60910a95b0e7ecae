/**
 * Matching of IAM Identity Center (SSO) permission-set roles. Their roles are named
 * `AWSReservedSSO_<PermissionSet>_<suffix>` under the path `aws-reserved/sso.amazonaws.com/[<region>/]`; the path is
 * absent from the assumed-role ARN STS returns, so matching is done on the path-stripped role ARN (`SSOArnLike` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/config/mapper.go).
 *
 * Deliberate differences from the reference (README "differences"):
 * - always enabled (the reference needs `--feature-gates=SSORoleMatch=true`; EKS documents this row type);
 * - `partition` is honoured (the reference builds `arn::iam::…` for a non-empty partition, which never matches);
 * - the suffix after the permission set name must not contain `_`, so the row for permission set `Admin` no longer
 *   matches the role of permission set `Admin_ReadOnly` (`AWSReservedSSO_Admin_ReadOnly_<suffix>`).
 */
import { arnLike } from '../arn';
import type { SsoRoleSelector } from './types';

/** The ArnLike pattern of the roles of a permission set, lower-cased (reference: `SSOArnLike()`). */
export function ssoArnLike(sso: SsoRoleSelector): string {
  const partition = sso.partition || 'aws';
  return `arn:${partition}:iam::${sso.accountId}:role/AWSReservedSSO_${sso.permissionSetName}_*`.toLowerCase();
}

/** True if `roleArn` (a path-stripped, lower-cased canonical role ARN) is a role of the permission set. */
export function matchesSsoRole(roleArn: string, sso: SsoRoleSelector): boolean {
  const pattern = ssoArnLike(sso);
  if (!arnLike(roleArn, pattern)) return false;
  const suffix = roleArn.slice(pattern.length - 1);
  return suffix.length > 0 && !suffix.includes('_');
}
