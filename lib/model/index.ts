/** The access model: pure TypeScript (no CDK at run time; CDK types only, for grantRole/grantUser), shared by lib/aws, lib/k8s, lib/analysis and the CLI. */
export * from './enums';
export * from './access-policies';
export * from './types';
export * from './props';
export * from './access-model';
export * from './derive';
export * from './aws-auth-rows';
export type { AwsAuthRows, RoleMapping, UserMapping, SsoRoleSelector } from '../../authenticator/mapper/types';
export * from './validate';
export { parseIamArn, ssoPermissionSetOf, isServiceLinkedRole } from './iam-arn';
export { hasUnresolvedToken } from './tokens';
export type { IamPrincipalArn } from './iam-arn';
export * from './access-policy-roles';
export * from './rule-error';
export * from './rbac-vocabulary';
export * from './model-warnings';
export { PERMISSIONS_BOUNDARY_RULE, SAME_ROLE_RULE } from './validate-identity';
