/**
 * ARN handling for identities (reference: pkg/arn). Canonicalization turns an STS assumed-role session ARN into the
 * IAM role ARN that mappings name; `stripPath` drops an IAM role path; `arnLike` is IAM's ArnLike condition operator.
 */
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

/** @deprecated the earlier name of `PrincipalKind`; its `ROOT` (the account root principal) is `PrincipalKind.ACCOUNT`. */
export const PrincipalType = { ...PrincipalKind, ROOT: PrincipalKind.ACCOUNT } as const;
/** @deprecated the earlier name of `PrincipalKind`. */
export type PrincipalType = PrincipalKind;

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
