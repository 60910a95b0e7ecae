/**
 * EKS access-entry style table: principal ARN → username and groups, with the usernames EKS generates when an entry
 * has none (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html):
 *   STANDARD user → the user ARN; STANDARD role → `arn:<p>:sts::<acct>:assumed-role/<name>/{{SessionName}}` (path
 *   removed); EC2_LINUX, EC2_WINDOWS, EC2 (Auto Mode) → `system:node:{{EC2PrivateDNSName}}`; FARGATE_LINUX and
 *   HYBRID_LINUX → `system:node:{{SessionName}}`.
 * Node entries get the username and groups of eks-rules.ts (`nodeIdentity`, pinned against the EKS user guide).
 * `HYPERPOD_LINUX` is not supported (its generated username is not documented). Validation follows the
 * EKS API: one entry per principal, IAM role or user ARNs only (no STS session ARNs, no service-linked roles), node
 * types only for roles, custom usernames and groups only for STANDARD, no reserved username prefixes, no `system:`
 * groups, and `{{SessionName}}` in a username only after a `:`.
 * Access policies are authorization, not identity, and are not part of this mapper.
 */
import { checkIamPrincipalArn, isIamRoleArn, isServiceLinkedRole } from '../arn';
import { MappingConfigError, MappingRowError } from './row-error';
import type { RoleMapping, UserMapping } from './types';
import { TableMapper, TableMapperOptions } from './table-mapper';
import { AccessEntryType } from './access-entry-type';
import { accessEntryGroupProblem, defaultAccessEntryUsername, nodeEntryProblems, nodeIdentity, SUPPORTED_ACCESS_ENTRY_TYPES, usernameProblems } from './eks-rules';

/** The types this mapper can map; HYPERPOD_LINUX is left out (EKS does not document its generated username). */
const SUPPORTED_TYPES = SUPPORTED_ACCESS_ENTRY_TYPES;

/**
 * One row of the `accessEntries` backend (the authenticator's record of an access entry, as the EKS API spells its
 * fields: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html).
 */
export interface AccessEntryRow {
  readonly principalArn: string;
  /** @default STANDARD */
  readonly type?: AccessEntryType | `${AccessEntryType}`;
  /** STANDARD only. @default EKS's generated username for the principal */
  readonly username?: string;
  /** STANDARD only. @default [] */
  readonly kubernetesGroups?: readonly string[];
}

export interface AccessEntryMapperOptions extends TableMapperOptions {
  /** @default 'access-entries' */
  readonly name?: string;
}

export class AccessEntryMapper extends TableMapper {
  readonly name: string;

  /** Throws `MappingConfigError` listing every invalid entry (`accessEntries[2].username: …`). */
  constructor(entries: readonly AccessEntryRow[], options: AccessEntryMapperOptions = {}) {
    super(options);
    this.name = options.name ?? 'access-entries';
    const roles: RoleMapping[] = [];
    const users: UserMapping[] = [];
    const errors: MappingRowError[] = [];
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      const problems = accessEntryErrors(entry, i);
      errors.push(...problems);
      if (problems.length > 0) return;
      const key = entry.principalArn.toLowerCase();
      if (seen.has(key)) {
        errors.push(new MappingRowError('accessEntries', i, 'principalArn', `duplicates accessEntries[${seen.get(key)}]: EKS allows one access entry per principal`));
        return;
      }
      seen.set(key, i);
      const row = toRow(entry, `accessEntries[${i}]`);
      if ('roleArn' in row) roles.push(row as RoleMapping);
      else users.push(row as UserMapping);
    });
    if (errors.length > 0) throw new MappingConfigError(`mapper ${this.name}: invalid access entries`, errors);
    this.apply({ roles, users, accounts: [] }, []);
  }
}

/**
 * What is wrong with access entry `e` (at index `i` of its list) as EKS would see it, field by field; empty when it is
 * valid. The mapper's own check, for callers that check entries one at a time (offline analysis).
 */
export function accessEntryErrors(e: AccessEntryRow, i = 0): MappingRowError[] {
  const err = (field: string | undefined, msg: string) => new MappingRowError('accessEntries', i, field, msg);
  const out: MappingRowError[] = [];
  const type = e.type ?? AccessEntryType.STANDARD;
  if (!SUPPORTED_TYPES.includes(type)) {
    out.push(err('type', `'${type}' is not an access entry type (${SUPPORTED_TYPES.join(', ')})`));
    return out;
  }
  // The one IAM ARN grammar (arn.ts): EKS takes IAM users and roles only (no STS sessions, root or federated users).
  const arn = checkIamPrincipalArn(e.principalArn);
  if (typeof arn === 'string') {
    out.push(err('principalArn', `${arn}; EKS accepts only IAM role or user ARNs (no STS session ARNs, root or federated users)`));
    return out;
  }
  if (isServiceLinkedRole(arn)) {
    out.push(err('principalArn', `'${e.principalArn}' is a service-linked role, which EKS does not accept`));
  }
  if (type !== AccessEntryType.STANDARD) {
    const fields = { isRole: arn.resourceType === 'role', hasUsername: e.username !== undefined, hasKubernetesGroups: !!e.kubernetesGroups?.length };
    for (const { field, problem } of nodeEntryProblems(type, fields)) out.push(err(field === 'principal' ? 'type' : field, problem));
    return out;
  }
  if (e.username !== undefined) {
    for (const problem of usernameProblems(e.username, { accessEntry: true, node: false })) out.push(err('username', problem));
  }
  (e.kubernetesGroups ?? []).forEach((g, gi) => {
    if (g.trim() === '') out.push(err(`kubernetesGroups[${gi}]`, 'must not be empty'));
    else {
      const reserved = accessEntryGroupProblem(g);
      if (reserved !== undefined) out.push(err(`kubernetesGroups[${gi}]`, `${reserved} (use an access policy such as AmazonEKSClusterAdminPolicy)`));
    }
  });
  return out;
}

/** The row of a validated entry (a supported type, so EKS documents its default username). */
function toRow(e: AccessEntryRow, source: string): RoleMapping | UserMapping {
  const type = e.type ?? AccessEntryType.STANDARD;
  const node = nodeIdentity(type);
  const username = e.username ?? defaultAccessEntryUsername(e.principalArn, type)!;
  const groups = node ? node.groups : [...(e.kubernetesGroups ?? [])];
  return isIamRoleArn(e.principalArn)
    ? { roleArn: e.principalArn, username, groups, source }
    : { userArn: e.principalArn, username, groups, source };
}
