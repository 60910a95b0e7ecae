/**
 * IAM user/role ARNs as the model sees them. The grammar itself (partition, 12-digit account, IAM name and path rules,
 * service-linked and SSO roles) is written once in `authenticator/arn.ts`; this module only re-exports it under the
 * model's public names.
 */
import { parseIamArn, ssoPermissionSetOf } from '../../authenticator/arn';

export { parseIamArn, ssoPermissionSetOf, isServiceLinkedRole } from '../../authenticator/arn';
export type { IamPrincipalArn } from '../../authenticator/arn';

/**
 * Whether sessions of `principalArn` can carry MFA (`aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`) when they
 * call sts:AssumeRole: false for an IAM Identity Center permission-set role. The keys say whether MFA validated the
 * temporary credentials making the request (IAM User Guide, "AWS global condition context keys"), and STS puts MFA
 * into a session two ways only, neither open to a permission-set session: `AssumeRole`'s `SerialNumber` is "the MFA
 * device that is associated with the user who is making the AssumeRole call", and `GetSessionToken` "must be called
 * by using the long-term Amazon Web Services security credentials of an IAM user" (AWS STS API Reference, AssumeRole
 * and GetSessionToken; the same text in botocore sts/2011-06-15 service-2.json). A permission-set session is a role
 * session (sso:GetRoleCredentials) with no IAM user and no IAM MFA device; the MFA of the Identity Center sign-in is
 * Identity Center's, not an STS session's. So a trust requiring MFA denies it every time.
 */
export function sessionsCanCarryMfa(principalArn: string): boolean {
  const parsed = parseIamArn(principalArn, 'role');
  return !(parsed && ssoPermissionSetOf(parsed) !== undefined);
}
