/**
 * The IAM hop: who may assume a role, read from its trust policy (IAM JSON policy grammar, IAM user guide
 * "AWS JSON policy elements: Principal" and "Condition"). An Allow statement with `sts:AssumeRole` (or `sts:*`/`*`)
 * names principals as ARNs (a user or role: exactly that principal), account ids or `arn:...:root` (any principal of
 * the account whose own IAM policy allows it), or `*` narrowed by `aws:PrincipalOrgID` (the organization). The
 * conditions that gate assumption — MFA, ExternalId, SourceIdentity, organization, any other — are kept as text so
 * the chain shows them. Deny statements, NotPrincipal and permission boundaries are not evaluated (offline, partial):
 * a chain says "may assume if the conditions hold", never more.
 */
import { isAccountId } from '../../authenticator/arn';
import { parseIamArn, sessionsCanCarryMfa } from '../model/iam-arn';

/** A role with its trust policy, from a template (`AWS::IAM::Role`) or a live snapshot (`iam:GetRole`). */
export interface TrustedRole {
  readonly roleArn: string;
  readonly trustPolicy: unknown;
  readonly origin: string;
}

export enum TrustKind {
  /** The principal is named in the trust policy. */
  PRINCIPAL = 'principal',
  /** The principal's account is trusted; its own IAM policy must also allow sts:AssumeRole. */
  ACCOUNT = 'account',
  /** Any principal of the organization (`aws:PrincipalOrgID`). */
  ORGANIZATION = 'organization',
}

export interface RoleAssumption {
  readonly roleArn: string;
  readonly kind: TrustKind;
  /** e.g. `MFA required`, `ExternalId in [x]`, `SourceIdentity set`, `organization o-abc`. */
  readonly conditions: string[];
  readonly origin: string;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Principal?: string | { AWS?: string | string[] };
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function allowsAssumeRole(s: Statement): boolean {
  return s.Effect === 'Allow' && list(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*');
}

/** The conditions of a statement as short, human-readable gates. */
export function describeConditions(s: Statement, actions: readonly string[]): string[] {
  const out: string[] = [];
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, raw] of Object.entries(keys)) {
      const values = list(raw).map(String);
      const k = key.toLowerCase();
      if (k === 'aws:multifactorauthpresent' && values.includes('true')) out.push('MFA required');
      else if (k === 'aws:multifactorauthage') out.push(`MFA within ${values.join('/')} s`);
      else if (k === 'sts:externalid') out.push(`ExternalId ${values.join(' | ')}`);
      else if (k === 'sts:sourceidentity') out.push(`SourceIdentity ${operator} ${values.join(' | ')}`);
      else if (k === 'aws:principalorgid') out.push(`organization ${values.join(' | ')}`);
      else out.push(`${operator} ${key} ${values.join(' | ')}`);
    }
  }
  if (actions.includes('sts:SetSourceIdentity')) out.push('may set SourceIdentity');
  return out;
}

/**
 * Whether a statement's conditions demand MFA of the caller's session outright: `Bool aws:MultiFactorAuthPresent true`
 * or a `Numeric…` test of `aws:MultiFactorAuthAge` (without `IfExists`, a missing key fails the test: IAM User Guide,
 * "IAM JSON policy elements: Condition operators").
 */
function demandsMfa(s: Statement): boolean {
  return Object.entries(s.Condition ?? {}).some(([operator, keys]) => Object.entries(keys).some(([key, raw]) => {
    const k = key.toLowerCase();
    const op = operator.toLowerCase();
    if (k === 'aws:multifactorauthpresent') return op === 'bool' && list(raw).map(String).includes('true');
    return k === 'aws:multifactorauthage' && op.startsWith('numeric') && !op.endsWith('ifexists');
  }));
}

/**
 * How `principalArn` (an IAM user or role) may assume `role`, or undefined when its trust policy does not let it. A
 * statement demanding MFA is no way in for a principal whose sessions cannot carry MFA (an IAM Identity Center
 * permission-set role: `sessionsCanCarryMfa`): shown as "MFA required", it would be a path that is never open.
 */
export function assumptionBy(role: TrustedRole, principalArn: string): RoleAssumption | undefined {
  const root = /^arn:([^:]+):iam::(\d{12}):root$/.exec(principalArn);
  const principal = root ? { partition: root[1], accountId: root[2] } : parseIamArn(principalArn);
  if (!principal) return undefined;
  const doc = role.trustPolicy as { Statement?: Statement | Statement[] } | null;
  const statements = list(doc?.Statement);
  const actions = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
  const mfaPossible = sessionsCanCarryMfa(principalArn);
  for (const s of statements.filter(allowsAssumeRole)) {
    if (!mfaPossible && demandsMfa(s)) continue;
    const aws = typeof s.Principal === 'string' ? [s.Principal] : list(s.Principal?.AWS);
    const conditions = describeConditions(s, actions);
    const account = principal.accountId;
    if (!root && aws.some((p) => p === principalArn)) return { roleArn: role.roleArn, kind: TrustKind.PRINCIPAL, conditions, origin: role.origin };
    if (aws.some((p) => p === account || p === `arn:${principal.partition}:iam::${account}:root`)) {
      return { roleArn: role.roleArn, kind: TrustKind.ACCOUNT, conditions, origin: role.origin };
    }
    const org = Object.values(s.Condition ?? {}).some((keys) => Object.keys(keys).some((k) => k.toLowerCase() === 'aws:principalorgid'));
    if (aws.includes('*') && org) return { roleArn: role.roleArn, kind: TrustKind.ORGANIZATION, conditions, origin: role.origin };
  }
  return undefined;
}

/**
 * Principals a trust policy names (candidates for the hop besides the inputs' own principals): user/role ARNs, and a
 * trusted account as `arn:<p>:iam::<account>:root` ("any principal of the account").
 */
export function namedPrincipals(role: TrustedRole): string[] {
  const partition = parseIamArn(role.roleArn)?.partition ?? 'aws';
  const doc = role.trustPolicy as { Statement?: Statement | Statement[] } | null;
  return list(doc?.Statement).filter(allowsAssumeRole)
    .flatMap((s) => (typeof s.Principal === 'string' ? [s.Principal] : list(s.Principal?.AWS)))
    .map((p) => (isAccountId(p) ? `arn:${partition}:iam::${p}:root` : p))
    .filter((p) => parseIamArn(p) !== undefined || /:root$/.test(p));
}
