/**
 * IAM user/role ARNs as the model sees them. The grammar itself (partition, 12-digit account, IAM name and path rules,
 * service-linked and SSO roles) is written once in `authenticator/arn.ts`; this module only re-exports it under the
 * model's public names.
 */
export { parseIamArn, ssoPermissionSetOf, isServiceLinkedRole } from '../../authenticator/arn';
export type { IamPrincipalArn } from '../../authenticator/arn';
