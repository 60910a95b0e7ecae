/**
 * ARN handling for identities (reference: pkg/arn). Canonicalization turns an STS assumed-role session ARN into the
 * IAM role ARN that mappings name; `stripPath` drops an IAM role path; `arnLike` is IAM's ArnLike condition operator.
 */
import { plainIamPrincipalType } from './arn-plain';
import { findPartition } from './partitions';

/**
 * The kind of IAM principal: the one enum for what an identity ARN names (`classifyArn`) and for the principals of
 * the access model (lib/model re-exports it; a model principal is a USER, a ROLE or an ACCOUNT). String values are
 * IAM's resource kinds in upper case.
 */
export enum PrincipalKind {
  USER = 'USER',
  ROLE = 'ROLE',
  /** A whole AWS account: its root principal `arn:<p>:iam::<account>:root` (aws-auth `mapAccounts` in the model). */
  ACCOUNT = 'ACCOUNT',
  /** An STS assumed-role session (`arn:<p>:sts::<account>:assumed-role/<role>/<session>`). */
  ASSUMED_ROLE = 'ASSUMED_ROLE',
  /** An STS federated user (`arn:<p>:sts::<account>:federated-user/<name>`). */
  FEDERATED_USER = 'FEDERATED_USER',
}

/**
 * An AWS account id: exactly 12 decimal digits, leading zeros kept (the account field of an IAM ARN; see
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html).
 */
export function isAccountId(value: string): boolean {
  return /^[0-9]{12}$/.test(value);
}

/**
 * The one IAM principal-ARN grammar (users and roles), used by the access model, the analysis, `import`, the snapshot
 * readers and the authenticator. Names and paths follow IAM's rules
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, "IAM name requirements" and
 * "IAM object quotas"; the patterns are the `userNameType`/`roleNameType`/`pathType` of the IAM API reference):
 * - a user or role name is 1-64 characters of letters, digits and `+=,.@_-`;
 * - a path is `/` or `/<segments>/` of printable ASCII (U+0021-U+007E), at most 512 characters, no empty segment;
 * - the account is 12 decimal digits, the region is empty, the partition is a known AWS partition.
 * A space, a trailing newline or any other character outside these sets makes the ARN malformed: IAM would reject it
 * and the authenticator could never match it (STS never returns one).
 */
export const IAM_NAME_MAX_LENGTH = 64;
/** Longest IAM path (reference_iam-quotas.html). */
export const IAM_PATH_MAX_LENGTH = 512;
const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_PATH = /^\/(?:[\x21-\x7E]+\/)?$/;

/** An IAM user or role ARN split into its parts. */
export interface IamPrincipalArn {
  readonly partition: string;
  readonly accountId: string;
  /** `user` or `role` (a plain string: this type is part of the jsii API, which has no literal types). */
  readonly resourceType: string;
  /** `/` or `/a/b/`. */
  readonly path: string;
  readonly name: string;
}

/** What is wrong with an IAM user or role name (saying what would be valid), or undefined when IAM accepts it. */
export function iamNameProblem(name: string, kind: 'user' | 'role' = 'role'): string | undefined {
  if (name.length >= 1 && name.length <= IAM_NAME_MAX_LENGTH && IAM_NAME.test(name)) return undefined;
  return `IAM ${kind} name '${name}' is invalid: 1-${IAM_NAME_MAX_LENGTH} characters of letters, digits and +=,.@_-`;
}

/** What is wrong with an IAM path, or undefined when IAM accepts it. */
export function iamPathProblem(path: string): string | undefined {
  // IAM's pattern admits `//`; an empty segment is refused here as everywhere before (no tool writes one).
  if (path.length <= IAM_PATH_MAX_LENGTH && IAM_PATH.test(path) && !path.includes('//')) return undefined;
  return `IAM path '${path}' is invalid: '/' or '/segment/.../' of printable ASCII, at most ${IAM_PATH_MAX_LENGTH} characters`;
}

/**
 * Parses `arn:<partition>:iam::<12-digit account>:(user|role)/[<path>/]<name>` by the grammar above; the string form
 * of the problem when it is not one (naming the part that is wrong). `kind` restricts it to users or roles.
 */
export function checkIamPrincipalArn(arn: string, kind?: 'user' | 'role'): IamPrincipalArn | string {
  const shape = `arn:<partition>:iam::<12-digit account>:${kind ?? '(user|role)'}/[<path>/]<name>`;
  let parsed: ParsedArn;
  try {
    parsed = parseArn(arn);
  } catch {
    return `'${arn}' is not an ARN (${shape})`;
  }
  if (!findPartition(parsed.partition)) return `'${arn}' has partition '${parsed.partition}', which is not an AWS partition (aws, aws-cn, aws-us-gov, ...)`;
  if (parsed.service !== 'iam' || parsed.region !== '') return `'${arn}' is not an IAM ${kind ?? 'user or role'} ARN (${shape}); STS session ARNs are not accepted`;
  if (!isAccountId(parsed.accountId)) return `'${arn}' has account '${parsed.accountId}', which is not a 12-digit AWS account id`;
  const slash = parsed.resource.indexOf('/');
  const type = slash < 0 ? parsed.resource : parsed.resource.slice(0, slash);
  if ((type !== 'user' && type !== 'role') || (kind !== undefined && type !== kind)) return `'${arn}' is not an IAM ${kind ?? 'user or role'} ARN (${shape})`;
  const rest = parsed.resource.slice(slash + 1);
  const cut = rest.lastIndexOf('/');
  const path = cut < 0 ? '/' : `/${rest.slice(0, cut + 1)}`;
  const name = rest.slice(cut + 1);
  const problem = iamNameProblem(name, type) ?? iamPathProblem(path);
  if (problem !== undefined) return `'${arn}': ${problem}`;
  return { partition: parsed.partition, accountId: parsed.accountId, resourceType: type, path, name };
}

/** `checkIamPrincipalArn` as a value: the parts of a well-formed IAM user or role ARN, else undefined. */
export function parseIamArn(arn: string, kind?: 'user' | 'role'): IamPrincipalArn | undefined {
  const r = checkIamPrincipalArn(arn, kind);
  return typeof r === 'string' ? undefined : r;
}

/**
 * True when `arn` names an IAM role (`arn:<p>:iam::<acct>:role/...`), false for a user or anything else: the one
 * role-vs-user test. It reads the shape only; whether the values are valid is `checkIamPrincipalArn`'s question.
 */
export function isIamRoleArn(arn: string): boolean {
  try {
    const parsed = parseArn(arn);
    return parsed.service === 'iam' && parsed.resource.startsWith('role/');
  } catch {
    return false;
  }
}

/**
 * Service-linked roles: under the path `/aws-service-role/`, or, where the path is lost (aws-auth rows and STS session
 * ARNs carry none), named `AWSServiceRoleFor...`. EKS refuses them as access-entry principals
 * (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html for the path and name).
 */
export function isServiceLinkedRole(arn: IamPrincipalArn | string): boolean {
  const parsed = typeof arn === 'string' ? parseIamArn(arn) : arn;
  if (parsed === undefined || parsed.resourceType !== 'role') return false;
  return parsed.path.startsWith('/aws-service-role/') || parsed.name.startsWith('AWSServiceRoleFor');
}

/** The role-name prefix of IAM Identity Center (SSO) permission-set roles. */
export const SSO_ROLE_NAME_PREFIX = 'AWSReservedSSO_';
const SSO_PATH = /^\/aws-reserved\/sso\.amazonaws\.com\/([a-z0-9-]+\/)?$/;

/**
 * The permission set a role name `AWSReservedSSO_<PermissionSet>_<suffix>` belongs to (case-insensitive prefix, as the
 * authenticator matches lower-cased ARNs), or undefined. The suffix is what follows the LAST `_` and must be non-empty:
 * so the row of permission set `Admin` does not match the role of `Admin_ReadOnly` (`SSOArnLike` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/config/types.go matches both). The suffix is
 * not required to be hex: the reference's own vectors use `abcdefg` (pkg/mapper/file/mapper_test.go).
 */
export function ssoPermissionSetOfRoleName(roleName: string): string | undefined {
  if (roleName.slice(0, SSO_ROLE_NAME_PREFIX.length).toLowerCase() !== SSO_ROLE_NAME_PREFIX.toLowerCase()) return undefined;
  const rest = roleName.slice(SSO_ROLE_NAME_PREFIX.length);
  const cut = rest.lastIndexOf('_');
  if (cut <= 0 || cut === rest.length - 1) return undefined;
  return rest.slice(0, cut);
}

/** The permission-set name of an IAM Identity Center role (under `/aws-reserved/sso.amazonaws.com/`), or undefined. */
export function ssoPermissionSetOf(arn: IamPrincipalArn): string | undefined {
  if (arn.resourceType !== 'role' || !SSO_PATH.test(arn.path)) return undefined;
  return ssoPermissionSetOfRoleName(arn.name);
}

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  /** Everything after the fifth `:`, so it may itself contain `:`. */
  readonly resource: string;
}

/** An ARN that is malformed or does not name an identity. */
export class InvalidArnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArnError';
  }
}

/** Splits `arn:partition:service:region:account:resource` (resource may contain `:`), without judging the values. */
function splitSections(arn: string): string[] {
  if (!arn.startsWith('arn:')) throw new InvalidArnError('invalid prefix');
  const parts = arn.split(':');
  if (parts.length < 6) throw new InvalidArnError('not enough sections');
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Parses an ARN; throws `InvalidArnError` unless it has the `arn:` prefix and six sections. */
export function parseArn(arn: string): ParsedArn {
  let sections: string[];
  try {
    sections = splitSections(arn);
  } catch (e) {
    throw new InvalidArnError(`arn '${arn}' is invalid: arn: ${(e as Error).message}`);
  }
  const [, partition, service, region, accountId, resource] = sections;
  return { partition, service, region, accountId, resource };
}

const IAM_RESOURCE_TYPES = new Map<string, PrincipalKind>([
  ['role', PrincipalKind.ROLE],
  ['user', PrincipalKind.USER],
  ['root', PrincipalKind.ACCOUNT],
]);

function parseIdentityArn(arn: string): ParsedArn {
  const parsed = parseArn(arn);
  if (!findPartition(parsed.partition)) {
    throw new InvalidArnError(`arn '${arn}' does not have a recognized partition`);
  }
  return parsed;
}

/** Canonical ARN and principal type of an identity ARN (reference: `arn.Canonicalize`). */
export function classifyArn(arn: string): { readonly type: PrincipalKind; readonly canonicalArn: string } {
  const plain = plainIamPrincipalType(arn); // the common shape, without splitting (arn-plain.ts)
  if (plain !== undefined) return { type: plain === 'role' ? PrincipalKind.ROLE : PrincipalKind.USER, canonicalArn: arn };
  const parsed = parseIdentityArn(arn);
  const parts = parsed.resource.split('/');
  if (parsed.service === 'sts') {
    if (parts[0] === 'federated-user') return { type: PrincipalKind.FEDERATED_USER, canonicalArn: arn };
    if (parts[0] === 'assumed-role') {
      if (parts.length < 3) {
        throw new InvalidArnError(`assumed-role arn '${arn}' does not have the form assumed-role/<role>/<session>`);
      }
      // STS session ARNs never carry the role's IAM path; the name may still contain '/' (reference PR #103).
      const role = parts.slice(1, -1).join('/');
      return {
        type: PrincipalKind.ASSUMED_ROLE,
        canonicalArn: `arn:${parsed.partition}:iam::${parsed.accountId}:role/${role}`,
      };
    }
    throw new InvalidArnError(`unrecognized resource ${parsed.resource} for service sts`);
  }
  if (parsed.service === 'iam') {
    const type = IAM_RESOURCE_TYPES.get(parts[0]);
    if (type === undefined) {
      throw new InvalidArnError(`unrecognized resource ${parsed.resource} for service iam`);
    }
    return { type, canonicalArn: arn };
  }
  throw new InvalidArnError(`service ${parsed.service} in arn ${arn} is not a valid service for identities`);
}

/**
 * Canonical form of an identity ARN: `arn:<p>:sts::<acct>:assumed-role/<role>/<session>` becomes
 * `arn:<p>:iam::<acct>:role/<role>`; IAM users, roles, root and federated users are returned unchanged.
 * Throws `InvalidArnError` for anything that is not an identity ARN of a known partition.
 */
export function canonicalizeArn(arn: string): string {
  return classifyArn(arn).canonicalArn;
}

/** `arn:<p>:iam::<acct>:role/<path>/<name>` → `arn:<p>:iam::<acct>:role/<name>`; other ARNs unchanged. */
export function stripPath(arn: string): string {
  if (plainIamPrincipalType(arn) === 'role') {
    // `arn:<p>:iam::<acct>:role/` is the same prefix the full path rebuilds (region empty, no `:` in the resource).
    const roleStart = arn.indexOf(':role/') + ':role/'.length;
    const cut = arn.lastIndexOf('/');
    return cut < roleStart ? arn : arn.slice(0, roleStart) + arn.slice(cut + 1);
  }
  const parsed = parseIdentityArn(arn);
  const parts = parsed.resource.split('/');
  if (parsed.service !== 'iam' || parts[0] !== 'role' || parts.length <= 2) return arn;
  return `arn:${parsed.partition}:iam::${parsed.accountId}:role/${parts[parts.length - 1]}`;
}

function sectionPattern(section: string): RegExp {
  const body = section
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

/**
 * IAM `ArnLike`: each of the six sections of `pattern` is matched against the same section of `arn`, where `*`
 * matches any run of characters and `?` exactly one. Deliberately stricter than the reference, whose `?` also matches
 * zero characters (README "differences").
 */
export function arnLike(arn: string, pattern: string): boolean {
  let input: string[];
  let like: string[];
  try {
    input = splitSections(arn);
  } catch (e) {
    throw new InvalidArnError(`could not parse input arn: ${(e as Error).message}`);
  }
  try {
    like = splitSections(pattern);
  } catch (e) {
    throw new InvalidArnError(`could not parse ArnLike string: ${(e as Error).message}`);
  }
  return like.every((section, i) => sectionPattern(section).test(input[i]));
}
