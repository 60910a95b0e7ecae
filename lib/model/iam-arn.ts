/**
 * IAM user/role ARNs as the model needs them: account, path and name. Identity-ARN rules (partitions,
 * canonicalization, path stripping) stay in `authenticator/arn.ts`; this only splits the resource part.
 */
import { InvalidArnError, parseArn } from '../../authenticator/arn';
import { findPartition } from '../../authenticator/partitions';

export interface IamPrincipalArn {
  readonly partition: string;
  readonly accountId: string;
  /** `user` or `role`. */
  readonly resourceType: string;
  /** `/` or `/a/b/`. */
  readonly path: string;
  readonly name: string;
}

/** Splits `arn:<p>:iam::<acct>:(user|role)/<path>/<name>`; undefined for anything else. */
export function parseIamArn(arn: string): IamPrincipalArn | undefined {
  let parsed;
  try {
    parsed = parseArn(arn);
  } catch (e) {
    if (e instanceof InvalidArnError) return undefined;
    throw e;
  }
  if (parsed.service !== 'iam' || !findPartition(parsed.partition) || parsed.region !== '') return undefined;
  const parts = parsed.resource.split('/');
  if ((parts[0] !== 'user' && parts[0] !== 'role') || parts.length < 2 || parts.some((p, i) => p === '' && i > 0)) return undefined;
  const path = parts.length > 2 ? `/${parts.slice(1, -1).join('/')}/` : '/';
  return { partition: parsed.partition, accountId: parsed.accountId, resourceType: parts[0], path, name: parts[parts.length - 1] };
}

const SSO_PATH = /^\/aws-reserved\/sso\.amazonaws\.com\/([a-z0-9-]+\/)?$/;
const SSO_NAME = /^AWSReservedSSO_(.+)_[0-9a-f]+$/;

/** The permission-set name of an IAM Identity Center role, or undefined. */
export function ssoPermissionSetOf(arn: IamPrincipalArn): string | undefined {
  if (arn.resourceType !== 'role' || !SSO_PATH.test(arn.path)) return undefined;
  return SSO_NAME.exec(arn.name)?.[1];
}

/** Service-linked roles live under `/aws-service-role/`; EKS refuses them as access-entry principals. */
export function isServiceLinkedRole(arn: IamPrincipalArn): boolean {
  return arn.resourceType === 'role' && arn.path.startsWith('/aws-service-role/');
}
