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
import { parseArn, SSO_ROLE_NAME_PREFIX, ssoPermissionSetOfRoleName } from '../arn';
import type { SsoRoleSelector } from './types';

/** The ArnLike pattern of the roles of a permission set, lower-cased (reference: `SSOArnLike()`): how a row is shown. */
export function ssoArnLike(sso: SsoRoleSelector): string {
  const partition = sso.partition || 'aws';
  return `arn:${partition}:iam::${sso.accountId}:role/${SSO_ROLE_NAME_PREFIX}${sso.permissionSetName}_*`.toLowerCase();
}

/**
 * True if `roleArn` (a path-stripped, lower-cased canonical role ARN) is a role of the permission set: same partition
 * and account, and the role name's permission set (arn.ts `ssoPermissionSetOfRoleName`, the one reading of SSO role
 * names, shared with the access model) is the selector's, compared case-insensitively.
 */
export function matchesSsoRole(roleArn: string, sso: SsoRoleSelector): boolean {
  let parsed;
  try {
    parsed = parseArn(roleArn);
  } catch {
    return false;
  }
  if (parsed.service !== 'iam' || parsed.region !== '' || !parsed.resource.startsWith('role/')) return false;
  if (parsed.partition !== (sso.partition || 'aws').toLowerCase() || parsed.accountId !== sso.accountId.toLowerCase()) return false;
  const name = parsed.resource.slice('role/'.length);
  if (name.includes('/')) return false;
  return ssoPermissionSetOfRoleName(name)?.toLowerCase() === sso.permissionSetName.toLowerCase();
}
