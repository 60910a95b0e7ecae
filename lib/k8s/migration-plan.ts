/**
 * The plan from an aws-auth ConfigMap to EKS access entries, with eksctl's rules (`utils migrate-to-access-entry`,
 * https://github.com/eksctl-io/eksctl/blob/99984ad/pkg/actions/accessentry/migrator.go): node rows → EC2_LINUX /
 * EC2_WINDOWS; `system:masters` → STANDARD + AmazonEKSClusterAdminPolicy at cluster scope (username kept); other rows →
 * STANDARD with the same username and groups; mapAccounts rows, other `system:` groups and service-linked roles are
 * blockers (the switch to authentication mode API must wait for them). Beyond eksctl, the plan also reports what the
 * access-entry API would reject (reserved username prefixes, templates other than {{SessionName}}, SSO selector rows)
 * instead of failing at deploy time.
 */
import { isServiceLinkedRole, parseIamArn, stripPath } from '../../authenticator/arn';
import { parseMappingDocument } from '../../authenticator/mapper/aws-auth';
import { accessEntryGroupProblem, accessPolicyArn, isNodeUsername, nodeTypeOfRow, SYSTEM_MASTERS, usernameProblems } from '../../authenticator/mapper/eks-rules';
import { roleRowKey, userRowKey } from '../../authenticator/mapper/table';
import type { RoleMapping, UserMapping } from '../../authenticator/mapper/types';
import { AccessPolicy } from '../model/access-policies';
import { AccessEntryType } from '../model/enums';

/** An access policy a planned entry gets (`system:masters` rows: AmazonEKSClusterAdminPolicy at cluster scope). */
export interface PlannedAccessPolicy {
  readonly policyArn: string;
  readonly accessScope: PlannedAccessScope;
}

/** The scope of a planned access policy, as the EKS API writes it (`{ "type": "cluster" }`). */
export interface PlannedAccessScope {
  readonly type: string;
}

/**
 * One row of a migration plan: the access entry to create for one aws-auth row (the model's record of an entry is
 * `AccessEntryJson`; this is a plan row, with where it came from and what to check by hand).
 */
export interface MigrationPlanRow {
  /** Where the row came from, e.g. `mapUsers[0]`. */
  readonly source: string;
  readonly principalArn: string;
  readonly type: AccessEntryType;
  readonly username?: string;
  readonly kubernetesGroups?: string[];
  readonly accessPolicies?: PlannedAccessPolicy[];
  /** Things to check by hand (e.g. the role may have a path aws-auth does not show). */
  readonly notes: string[];
}

/**
 * @deprecated use `MigrationPlanRow` (the same fields; renamed so one access entry has one record type per layer).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named alias other jsii languages can see
export interface PlannedAccessEntry extends MigrationPlanRow {}

export interface MigrationBlocker {
  readonly source: string;
  readonly principal: string;
  readonly reason: string;
}

export interface SkippedRow {
  readonly source: string;
  readonly principal: string;
  readonly reason: string;
}

export interface MigrationPlan {
  readonly entries: MigrationPlanRow[];
  /** Rows that cannot become access entries: keep aws-auth (mode API_AND_CONFIG_MAP) until they are resolved. */
  readonly blockers: MigrationBlocker[];
  /** Rows EKS manages itself (Fargate pod execution roles). */
  readonly skipped: SkippedRow[];
  /** Rows the parser rejected. */
  readonly invalidRows: string[];
  /** True when authentication mode API (which deletes aws-auth's effect) is safe after creating the entries. */
  readonly canSwitchToApi: boolean;
}

function partitionOf(arn: string): string {
  return parseIamArn(arn)?.partition ?? 'aws';
}

/**
 * What a role row's ARN says about the role's IAM path. kube-apiserver's authenticator matches aws-auth `rolearn` against
 * the caller's canonical ARN, built from the STS assumed-role ARN, which has no path (`Canonicalize` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/arn/arn.go; the project README says to
 * write rolearn without the path). So a row written with the path never matched anyone: its access entry (which
 * takes the full ARN, path included) would grant access for the first time. A path-less row may name a role that has
 * a path, which the entry needs.
 */
export function rolePathNote(arn: string): string {
  const parsed = parseIamArn(arn);
  if (parsed && parsed.path !== '/') {
    return `this row is written with the IAM path ${parsed.path}, so the authenticator never matched it (it compares the `
      + `path-less ${stripPath(arn)}); the access entry keeps the path and grants access for the first time: check that is intended`;
  }
  const name = parsed?.name ?? arn.split('/').pop();
  return `aws-auth rows are written without the IAM path; if role ${name} has an IAM path, the access entry needs its full ARN (aws iam get-role --role-name ${name})`;
}

function planRow(source: string, arn: string, username: string, groups: readonly string[], isRole: boolean, plan: { entries: MigrationPlanRow[]; blockers: MigrationBlocker[]; skipped: SkippedRow[] }): void {
  const block = (reason: string): void => {
    plan.blockers.push({ source, principal: arn, reason });
  };
  // aws-auth rows lose the `/aws-service-role/` path; the rule (arn.ts) knows such roles by name too.
  if (isRole && isServiceLinkedRole(arn)) return block('service-linked roles cannot have access entries; keep this aws-auth row');
  // The one reading of node rows (eks-rules.ts): username and the same set of groups, in any order.
  const nodeType = isRole ? nodeTypeOfRow({ username, groups }) : undefined;
  if (nodeType === AccessEntryType.FARGATE_LINUX) {
    plan.skipped.push({ source, principal: arn, reason: 'Fargate pod execution role: EKS creates its FARGATE_LINUX entry with the Fargate profile' });
    return;
  }
  const notes = isRole ? [rolePathNote(arn)] : [];
  if (nodeType !== undefined) {
    const managed = nodeType === AccessEntryType.HYBRID_LINUX ? [] : ['skip it if the role belongs to a managed node group (EKS creates that entry)'];
    plan.entries.push({ source, principalArn: arn, type: nodeType, notes: [...notes, ...managed] });
    return;
  }
  if (isRole && isNodeUsername(username)) {
    return block(`node username ${username} with groups ${groups.join(', ')}, which are no node type's; a node access entry gets only EKS's node groups, so keep this row or drop the extra groups`);
  }
  const masters = groups.includes(SYSTEM_MASTERS);
  // The one group rule (eks-rules.ts): only `system:` is reserved for access-entry groups; system:masters becomes a policy.
  const reserved = groups.filter((g) => g !== SYSTEM_MASTERS && accessEntryGroupProblem(g) !== undefined);
  if (reserved.length > 0) return block(`groups ${reserved.join(', ')} cannot be access-entry groups (system: is reserved) and have no access policy equivalent`);
  const usernameProblem = usernameProblems(username, { accessEntry: true, node: false })[0];
  if (usernameProblem) return block(usernameProblem);
  const kubernetesGroups = groups.filter((g) => g !== SYSTEM_MASTERS);
  plan.entries.push({
    source,
    principalArn: arn,
    type: AccessEntryType.STANDARD,
    username,
    kubernetesGroups: kubernetesGroups.length ? [...kubernetesGroups] : undefined,
    accessPolicies: masters ? [{ policyArn: accessPolicyArn(partitionOf(arn), AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.policyName), accessScope: { type: 'cluster' } }] : undefined,
    notes,
  });
}

/** Plans the migration of a parsed aws-auth document (a ConfigMap manifest or `kubectl get -o json/yaml` output). */
export function planMigration(doc: unknown): MigrationPlan {
  const parsed = parseMappingDocument(doc);
  const plan = { entries: [] as MigrationPlanRow[], blockers: [] as MigrationBlocker[], skipped: [] as SkippedRow[] };
  // The authenticator's row keys (table.ts): case variants of one ARN are one principal.
  const seen = new Map<string, string>();
  const dedupe = (key: string, arn: string, source: string) => {
    const first = seen.get(key);
    if (first) {
      plan.skipped.push({ source, principal: arn, reason: `duplicate of ${first}: one access entry per principal (the authenticator used the first row)` });
      return false;
    }
    seen.set(key, source);
    return true;
  };
  parsed.roles.forEach((r: RoleMapping, i) => {
    const source = r.source ?? `mapRoles[${i}]`;
    if (r.roleArn === undefined) {
      plan.blockers.push({ source, principal: `sso:${r.sso?.permissionSetName}@${r.sso?.accountId}`, reason: 'SSO permission-set rows need the concrete AWSReservedSSO_… role ARN (with its path) for an access entry' });
      return;
    }
    if (dedupe(roleRowKey(r), r.roleArn, source)) planRow(source, r.roleArn, r.username, r.groups, true, plan);
  });
  parsed.users.forEach((u: UserMapping, i) => {
    const source = u.source ?? `mapUsers[${i}]`;
    if (dedupe(userRowKey(u), u.userArn, source)) planRow(source, u.userArn, u.username, u.groups, false, plan);
  });
  parsed.accounts.forEach((a, i) => plan.blockers.push({ source: `mapAccounts[${i}]`, principal: a, reason: 'account-wide mappings have no access-entry equivalent; create an entry per principal' }));
  const invalidRows = parsed.errors.filter((e) => e.severity === 'error').map((e) => `${e.location}: ${e.message}`);
  return { ...plan, invalidRows, canSwitchToApi: plan.blockers.length === 0 && invalidRows.length === 0 };
}

/** `planMigration` for every jsii language (free functions are TypeScript-only). */
export class AccessEntryMigration {
  /**
   * Plans the move from aws-auth to access entries (eksctl's rules), from a parsed aws-auth ConfigMap: a manifest or
   * `kubectl get configmap aws-auth -o json/yaml` output, as an object.
   */
  public static plan(awsAuthConfigMap: unknown): MigrationPlan {
    return planMigration(awsAuthConfigMap);
  }

  private constructor() {}
}
