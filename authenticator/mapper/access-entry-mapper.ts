/**
 * EKS access-entry style table: principal ARN → username and groups, with the usernames EKS generates when an entry
 * has none (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html):
 *   STANDARD user → the user ARN; STANDARD role → `arn:<p>:sts::<acct>:assumed-role/<name>/{{SessionName}}` (path
 *   removed); EC2_LINUX, EC2_WINDOWS, EC2 (Auto Mode) → `system:node:{{EC2PrivateDNSName}}`; FARGATE_LINUX and
 *   HYBRID_LINUX → `system:node:{{SessionName}}`.
 * Node entries get the groups EKS gives nodes (`system:nodes`, plus `system:bootstrappers`, and
 * `eks:kube-proxy-windows` for Windows, `system:node-proxier` for Fargate, as in the aws-auth rows EKS writes for node
 * groups and Fargate profiles; for `EC2` (Auto Mode) only `system:nodes` — an inference, EKS does not document it).
 * `HYPERPOD_LINUX` is not supported (its generated username is not documented). Validation follows the
 * EKS API: one entry per principal, IAM role or user ARNs only (no STS session ARNs, no service-linked roles), node
 * types only for roles, custom usernames and groups only for STANDARD, no reserved username prefixes, no `system:`
 * groups, and `{{SessionName}}` in a username only after a `:`.
 * Access policies are authorization, not identity, and are not part of this mapper.
 */
import { classifyArn, parseArn, PrincipalType } from '../arn';
import { MappingConfigError, MappingRowError } from './row-error';
import type { RoleMapping, UserMapping } from './types';
import { TableMapper, TableMapperOptions } from './table-mapper';
import { AccessEntryType } from './access-entry-type';
import { usernameProblems } from './username-template';

/** The types this mapper can map; HYPERPOD_LINUX is left out (EKS does not document its generated username). */
type SupportedNodeType = Exclude<AccessEntryType, AccessEntryType.STANDARD | AccessEntryType.HYPERPOD_LINUX>;
const SUPPORTED_TYPES: readonly string[] = Object.values(AccessEntryType).filter((t) => t !== AccessEntryType.HYPERPOD_LINUX);

export interface AccessEntry {
  readonly principalArn: string;
  /** @default STANDARD */
  readonly type?: AccessEntryType | `${AccessEntryType}`;
  /** STANDARD only. @default EKS's generated username for the principal */
  readonly username?: string;
  /** STANDARD only. @default [] */
  readonly kubernetesGroups?: readonly string[];
}

export { EKS_RESERVED_USERNAME_PREFIXES } from './username-template';

const NODE_DEFAULTS: Record<SupportedNodeType, { username: string; groups: string[] }> = {
  [AccessEntryType.EC2_LINUX]: { username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] },
  [AccessEntryType.EC2_WINDOWS]: {
    username: 'system:node:{{EC2PrivateDNSName}}',
    groups: ['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows'],
  },
  [AccessEntryType.EC2]: { username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:nodes'] },
  [AccessEntryType.FARGATE_LINUX]: { username: 'system:node:{{SessionName}}', groups: ['system:bootstrappers', 'system:nodes', 'system:node-proxier'] },
  [AccessEntryType.HYBRID_LINUX]: { username: 'system:node:{{SessionName}}', groups: ['system:bootstrappers', 'system:nodes'] },
};

export interface AccessEntryMapperOptions extends TableMapperOptions {
  /** @default 'access-entries' */
  readonly name?: string;
}

export class AccessEntryMapper extends TableMapper {
  readonly name: string;

  /** Throws `MappingConfigError` listing every invalid entry (`accessEntries[2].username: …`). */
  constructor(entries: readonly AccessEntry[], options: AccessEntryMapperOptions = {}) {
    super(options);
    this.name = options.name ?? 'access-entries';
    const roles: RoleMapping[] = [];
    const users: UserMapping[] = [];
    const errors: MappingRowError[] = [];
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      const problems = validateEntry(entry, i);
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

function validateEntry(e: AccessEntry, i: number): MappingRowError[] {
  const err = (field: string | undefined, msg: string) => new MappingRowError('accessEntries', i, field, msg);
  const out: MappingRowError[] = [];
  const type = e.type ?? AccessEntryType.STANDARD;
  if (!SUPPORTED_TYPES.includes(type)) {
    out.push(err('type', `'${type}' is not an access entry type (${SUPPORTED_TYPES.join(', ')})`));
    return out;
  }
  let principal: PrincipalType | undefined;
  try {
    principal = classifyArn(e.principalArn).type;
  } catch (ex) {
    out.push(err('principalArn', `${(ex as Error).message}; expected an IAM role or user ARN`));
    return out;
  }
  if (principal !== PrincipalType.ROLE && principal !== PrincipalType.USER) {
    out.push(err('principalArn', `'${e.principalArn}' is not an IAM role or user ARN (STS session ARNs, root and federated users are not accepted by EKS)`));
    return out;
  }
  if (/:role\/aws-service-role\//.test(e.principalArn)) {
    out.push(err('principalArn', `'${e.principalArn}' is a service-linked role, which EKS does not accept`));
  }
  if (type !== AccessEntryType.STANDARD) {
    if (principal !== PrincipalType.ROLE) out.push(err('type', `${type} entries need an IAM role (the node role), got a user`));
    if (e.username !== undefined) out.push(err('username', `only STANDARD entries take a username; EKS sets '${NODE_DEFAULTS[type as keyof typeof NODE_DEFAULTS].username}'`));
    if (e.kubernetesGroups?.length) out.push(err('kubernetesGroups', `only STANDARD entries take kubernetesGroups; EKS gives nodes their groups`));
    return out;
  }
  if (e.username !== undefined) {
    for (const problem of usernameProblems(e.username, { accessEntry: true, node: false })) out.push(err('username', problem));
  }
  (e.kubernetesGroups ?? []).forEach((g, gi) => {
    if (g.trim() === '') out.push(err(`kubernetesGroups[${gi}]`, 'must not be empty'));
    else if (g.startsWith('system:')) out.push(err(`kubernetesGroups[${gi}]`, `'${g}' must not start with 'system:' (EKS rejects it; use an access policy such as AmazonEKSClusterAdminPolicy)`));
  });
  return out;
}

/** The username EKS generates for an entry without one. */
export function defaultAccessEntryUsername(principalArn: string, type: AccessEntryType | `${AccessEntryType}` = AccessEntryType.STANDARD): string {
  if (type !== AccessEntryType.STANDARD) {
    const node: { username: string } | undefined = NODE_DEFAULTS[type as SupportedNodeType];
    if (!node) throw new Error(`EKS documents no generated username for ${type} access entries`);
    return node.username;
  }
  const arn = parseArn(principalArn);
  if (!arn.resource.startsWith('role/')) return principalArn;
  const name = arn.resource.split('/').pop();
  return `arn:${arn.partition}:sts::${arn.accountId}:assumed-role/${name}/{{SessionName}}`;
}

function toRow(e: AccessEntry, source: string): RoleMapping | UserMapping {
  const type = e.type ?? AccessEntryType.STANDARD;
  const node = type === AccessEntryType.STANDARD ? undefined : NODE_DEFAULTS[type as keyof typeof NODE_DEFAULTS];
  const username = e.username ?? defaultAccessEntryUsername(e.principalArn, type);
  const groups = node ? node.groups : [...(e.kubernetesGroups ?? [])];
  return parseArn(e.principalArn).resource.startsWith('role/')
    ? { roleArn: e.principalArn, username, groups, source }
    : { userArn: e.principalArn, username, groups, source };
}
