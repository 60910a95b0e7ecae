/**
 * Synth-time checks of everything EKS, IAM or CloudFormation would reject at deploy time
 * (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html), plus mistakes no service catches (a
 * principal granted nothing). Every issue names its subject (principal id, group or service account) and says what
 * would be valid; `ClusterAccess` prefixes the construct path.
 */
import { isAccountId } from '../../authenticator/arn';
import { isSystemName, nodeEntryProblems, usernameProblems } from '../../authenticator/mapper/eks-rules';
import { AccessPolicy } from './access-policies';
import type { AccessModel } from './access-model';
import { SYSTEM_MASTERS, accessEntries, grantsNothing, trustedPrincipalIds } from './derive';
import {
  AccessEntryType, AccessScopeType, AuthenticationMode, PolicyEffect, PrincipalKind, PrincipalOrigin, SystemMastersHandling,
} from './enums';
import { isServiceLinkedRole, parseIamArn } from './iam-arn';
import { hasUnresolvedToken } from './tokens';
import { NAMESPACE_NAME } from './rbac-vocabulary';
import { identityIssues } from './validate-identity';
import { RuleError } from './rule-error';
import type { AccessPolicyGrantJson, IamStatementJson, PrincipalJson, ServiceAccountJson } from './types';
import { didYouMean } from './did-you-mean';

/** EKS: access entries per cluster, not adjustable (quota L-C56B9FC3). */
export const MAX_ACCESS_ENTRIES_PER_CLUSTER = 3000;

/** Rule id of the username checks (reserved prefixes, the parsed template). */
export const USERNAME_RULE = 'eks-access:username';

/** One problem found in a model. */
export interface ValidationIssue {
  /** What it is about: a principal id, `groupGrants/<group>`, `serviceAccounts/<id>` or `model`. */
  readonly subject: string;
  readonly message: string;
}

/** Why a `ValidationNote` was raised. */
export enum ValidationNoteKind {
  /** A value is a CDK token (known at deploy time only): the checks it hides were not made. */
  UNRESOLVED_TOKEN = 'UNRESOLVED_TOKEN',
  /** An access policy outside this version's catalogue (`AccessPolicy.of`): used as named, maybe a typo. */
  UNCATALOGUED_ACCESS_POLICY = 'UNCATALOGUED_ACCESS_POLICY',
}

/** Something the model could not check at synth time, or accepted on trust; `ClusterAccess` turns notes into warnings. */
export interface ValidationNote {
  readonly kind: ValidationNoteKind;
  /** What it is about, as in `ValidationIssue`. */
  readonly subject: string;
  readonly message: string;
}

const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH = /^\/(?:[\x21-\x7E]+\/)?$/;
/** A namespace, or a prefix ending in `*` (EKS scope wildcard). */
const NAMESPACE_PATTERN = /^(?:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|[a-z0-9][-a-z0-9]{0,61}\*)$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const MIN_SESSION_SECONDS = 3600;
const MAX_SESSION_SECONDS = 43200;
const NODE_POLICY_BY_TYPE: Partial<Record<AccessEntryType, string>> = {
  [AccessEntryType.EC2]: AccessPolicy.AMAZON_EKS_AUTO_NODE_POLICY.policyName,
};

/**
 * Every problem of the model, in declaration order; empty when the model can be deployed as far as synth time can
 * tell. What CDK tokens hide is not checked here; `validationNotes` says what.
 */
export function validateModel(model: AccessModel): ValidationIssue[] {
  return runChecks(model).issues;
}

/** What was not checked because of CDK tokens, and access policies accepted outside the catalogue. */
export function validationNotes(model: AccessModel): ValidationNote[] {
  return runChecks(model).notes;
}

type Add = (subject: string, message: string) => void;
type Note = (kind: ValidationNoteKind, subject: string, message: string) => void;
const deferred = (note: Note, subject: string, what: string) => note(ValidationNoteKind.UNRESOLVED_TOKEN, subject, what);

function runChecks(model: AccessModel): { issues: ValidationIssue[]; notes: ValidationNote[] } {
  const issues: ValidationIssue[] = [];
  const notes: ValidationNote[] = [];
  const add: Add = (subject, message) => issues.push({ subject, message });
  const note: Note = (kind, subject, message) => notes.push({ kind, subject, message });
  if (hasUnresolvedToken(model.accountId)) {
    deferred(note, 'model', `accountId is a token (environment-agnostic stack): its 12-digit format and whether node roles are in the cluster's account`);
  } else if (!isAccountId(model.accountId)) {
    add('model', `accountId '${model.accountId}' is not a 12-digit AWS account id`);
  }
  checkIds(model, add);
  checkDuplicatePrincipals(model, add);
  const trusted = trustedPrincipalIds(model);
  for (const p of model.principals) checkPrincipal(model, p, trusted.has(p.id), add, note);
  for (const g of model.groupGrants) checkGroupGrant(g.group, !!g.clusterRole, g.rules.length, g.namespaces, add);
  checkServiceAccounts(model.serviceAccounts, add);
  issues.push(...identityIssues(model));
  const entries = accessEntries(model).length;
  if (entries > MAX_ACCESS_ENTRIES_PER_CLUSTER) {
    add('model', `${entries} access entries exceed the EKS quota of ${MAX_ACCESS_ENTRIES_PER_CLUSTER} per cluster (not adjustable); map principals through shared roles or groups instead`);
  }
  return { issues, notes };
}

function checkIds(model: AccessModel, add: Add): void {
  const seen = new Set<string>();
  for (const id of [...model.principals.map((p) => p.id), ...model.serviceAccounts.map((s) => s.id)]) {
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(id)) add(id, `id '${id}' must start with a letter and contain only letters, digits and '-'`);
    if (seen.has(id)) add(id, `id '${id}' is used twice; every principal and service account needs its own id`);
    seen.add(id);
  }
}

function checkDuplicatePrincipals(model: AccessModel, add: Add): void {
  // IAM names are case-insensitive; EKS keeps one entry per principal ARN (409 ResourceInUseException otherwise).
  const byArn = new Map<string, string>();
  for (const p of model.principals) {
    const key = p.arn.toLowerCase();
    const first = byArn.get(key);
    if (first !== undefined) add(p.id, `principal ${p.arn} is already declared as '${first}'; EKS allows one access entry per principal, merge the grants into '${first}'`);
    else byArn.set(key, p.id);
  }
}

function checkPrincipal(model: AccessModel, p: PrincipalJson, trusted: boolean, add: Add, note: Note): void {
  const at = (message: string) => add(p.id, message);
  checkIdentity(model, p, at, (what) => deferred(note, p.id, what));
  if (p.entryType !== AccessEntryType.STANDARD) {
    checkNode(model, p, at, (what) => deferred(note, p.id, what));
  } else {
    if (p.username !== undefined) checkUsername(model, p, p.username, at);
    checkGroups(model, p, at);
  }
  checkPolicies(model, p.accessPolicies, at, (m) => note(ValidationNoteKind.UNCATALOGUED_ACCESS_POLICY, p.id, m));
  if (p.kind === PrincipalKind.ACCOUNT && model.authenticationMode === AuthenticationMode.API) {
    at(`account principals (aws-auth mapAccounts) need authentication mode CONFIG_MAP or API_AND_CONFIG_MAP, not API; import the account's roles instead`);
  }
  if (grantsNothing(p) && !trusted) {
    at(`principal is granted nothing: give it kubernetesGroups or accessPolicies, or name it in a role's assumableBy.principalIds`);
  }
  if (p.role) checkTrust(model, p, at, (what) => deferred(note, p.id, what));
}

function checkIdentity(model: AccessModel, p: PrincipalJson, at: (m: string) => void, defer: (what: string) => void): void {
  if (p.kind === PrincipalKind.ACCOUNT) {
    if (hasUnresolvedToken(p.accountId)) defer(`account ${p.accountId} is a token: its 12-digit format`);
    else if (!isAccountId(p.accountId)) at(`account '${p.accountId}' is not a 12-digit AWS account id`);
    return;
  }
  const resource = p.kind === PrincipalKind.USER ? 'user' : 'role';
  if (p.origin === PrincipalOrigin.IMPORTED && hasUnresolvedToken(p.arn)) {
    defer(`its ARN is a token: IAM ${resource} ARN format, partition and service-linked role`
      + (p.name === '' ? `; its name is unknown, so the authenticator's mapping row (AuthenticatorFunction, AccessChart iamIdentityMappings) uses the ARN as username unless one is given` : ''));
    if (p.name === '' && model.authenticationMode !== AuthenticationMode.API) {
      at(`'${p.arn}' is a token ARN given as a string, so its name and IAM path are unknown at synth time, but `
        + `authentication mode ${model.authenticationMode} writes aws-auth rows (path-less ARN, default username); `
        + `pass the construct instead: model.grant${resource === 'role' ? 'Role' : 'User'}(id, ${resource})`);
    }
    return;
  }
  const parsed = parseIamArn(p.arn);
  if (p.origin === PrincipalOrigin.IMPORTED && (!parsed || parsed.resourceType !== resource)) {
    at(`'${p.arn}' is not an IAM ${resource} ARN (arn:<partition>:iam::<12-digit account>:${resource}/[<path>/]<name>); STS session ARNs are not accepted`);
    return;
  }
  if (parsed && parsed.partition !== model.partition) at(`ARN ${p.arn} is in partition '${parsed.partition}' but the model is in '${model.partition}'`);
  if (parsed && isServiceLinkedRole(parsed)) at(`service-linked role ${p.arn} cannot be an access-entry principal (EKS rejects roles under /aws-service-role/)`);
  if (p.origin === PrincipalOrigin.CREATED) {
    if (!IAM_NAME.test(p.name)) at(`IAM ${resource} name '${p.name}' is invalid: 1-64 characters of letters, digits and +=,.@_-`);
    if (!IAM_PATH.test(p.path) || p.path.length > 512) at(`IAM path '${p.path}' is invalid: '/' or '/segment/.../' of printable ASCII, at most 512 characters`);
  }
}

function checkNode(model: AccessModel, p: PrincipalJson, at: (m: string) => void, defer: (what: string) => void): void {
  const fields = { isRole: p.kind === PrincipalKind.ROLE, hasUsername: p.username !== undefined, hasKubernetesGroups: p.kubernetesGroups.length > 0 };
  const problems = nodeEntryProblems(p.entryType, fields);
  problems.filter((x) => x.field === 'principal').forEach((x) => at(x.problem));
  if (hasUnresolvedToken(p.accountId) || hasUnresolvedToken(model.accountId)) defer(`whether node role ${p.arn} is in the cluster's account`);
  else if (p.accountId !== model.accountId) at(`cross-account principal ${p.arn} can only have access entry type STANDARD, not ${p.entryType} (the cluster is in ${model.accountId})`);
  problems.filter((x) => x.field !== 'principal').forEach((x) => at(x.problem));
  const allowed = NODE_POLICY_BY_TYPE[p.entryType];
  for (const g of p.accessPolicies) {
    if (g.policyName !== allowed) {
      at(`access entry type ${p.entryType} takes ${allowed ? `only ${allowed}` : 'no access policies'}, not ${g.policyName}`);
    }
  }
}

/** EKS username rules, parsed by the shared template grammar (authenticator/mapper/username-template.ts). */
function checkUsername(model: AccessModel, p: PrincipalJson, username: string, at: (m: string) => void): void {
  const accessEntry = model.authenticationMode !== AuthenticationMode.CONFIG_MAP && p.kind !== PrincipalKind.ACCOUNT;
  for (const problem of usernameProblems(username, { accessEntry, node: false })) at(`${problem} [${USERNAME_RULE}]`);
}

function checkGroups(model: AccessModel, p: PrincipalJson, at: (m: string) => void): void {
  const entries = model.authenticationMode !== AuthenticationMode.CONFIG_MAP;
  const seen = new Set<string>();
  for (const group of p.kubernetesGroups) {
    if (group.trim() === '' || /\s/.test(group)) at(`kubernetes group '${group}' must be non-empty and contain no whitespace`);
    if (seen.has(group)) at(`kubernetes group '${group}' is listed twice`);
    seen.add(group);
    if (!entries || !isSystemName(group)) continue;
    if (group === SYSTEM_MASTERS) {
      if (model.systemMasters === SystemMastersHandling.REFUSE) {
        at(`kubernetes group 'system:masters' is refused (systemMasters: REFUSE); grant AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope() instead`);
      }
    } else {
      at(`kubernetes group '${group}' cannot be used on an access entry: EKS rejects groups starting with 'system:'; use a group of your own and bind it with addGroupGrant`);
    }
  }
}

function checkPolicies(model: AccessModel, grants: readonly AccessPolicyGrantJson[], at: (m: string) => void, uncatalogued: (m: string) => void): void {
  const seen = new Set<string>();
  for (const g of grants) {
    let policy: AccessPolicy | undefined;
    try {
      policy = AccessPolicy.of(g.policyName);
    } catch (e) {
      at(e instanceof RuleError ? e.detail : (e as Error).message);
    }
    if (policy && !policy.catalogued) {
      // A name without the `Policy` suffix every policy has (`AmazonEKSClusterAdmin`) is a typo worth naming too.
      const names = AccessPolicy.all().map((c) => c.policyName);
      const suggestion = didYouMean(g.policyName, names) || (g.policyName.endsWith('Policy') ? '' : didYouMean(`${g.policyName}Policy`, names));
      uncatalogued(`access policy ${g.policyName} is not in this version's catalogue; it is associated as named `
        + `(${g.policyArn}) — check the spelling, EKS rejects an unknown policy only at deploy time${suggestion}`);
    }
    if (seen.has(g.policyName)) at(`access policy ${g.policyName} is associated twice; EKS allows each policy once per entry (merge the namespaces)`);
    seen.add(g.policyName);
    if (g.scope === AccessScopeType.NAMESPACE) {
      if (g.namespaces.length === 0) at(`access policy ${g.policyName} has namespace scope but no namespaces; list them or use cluster scope`);
      for (const ns of g.namespaces) {
        if (!NAMESPACE_PATTERN.test(ns)) at(`namespace '${ns}' of ${g.policyName} is not a DNS-1123 label (optionally ending in '*')`);
      }
    } else if (g.scope === AccessScopeType.CLUSTER) {
      if (g.namespaces.length > 0) at(`access policy ${g.policyName} has cluster scope but namespaces ${g.namespaces.join(', ')}; use namespace scope or drop the namespaces`);
    } else {
      at(`access scope '${String(g.scope)}' of ${g.policyName} is invalid; use 'cluster' or 'namespace'`);
    }
    const isClusterAdmin = policy === AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY && g.scope === AccessScopeType.CLUSTER;
    if (policy && model.authenticationMode === AuthenticationMode.CONFIG_MAP && !isClusterAdmin) {
      at(`access policy ${g.policyName} needs access entries (authentication mode API or API_AND_CONFIG_MAP); in CONFIG_MAP mode use kubernetesGroups bound with addGroupGrant`);
    }
  }
}

function checkTrust(model: AccessModel, p: PrincipalJson, at: (m: string) => void, defer: (what: string) => void): void {
  const role = p.role!;
  const t = role.trust;
  if (t.principalIds.length + t.principalArns.length + t.accountIds.length === 0 && !t.organizationId) {
    at(`role has nobody in assumableBy; name principalIds, principalArns, accountIds or organizationId`);
  }
  for (const id of t.principalIds) {
    const target = model.principal(id);
    if (!target) at(`assumableBy.principalIds names '${id}', which is not a principal of this model (known: ${model.principals.map((x) => x.id).join(', ')})`);
    else if (target.kind === PrincipalKind.ACCOUNT) at(`assumableBy.principalIds names account '${id}'; use assumableBy.accountIds for accounts`);
    else if (target.id === p.id) at(`role cannot be assumable by itself`);
  }
  for (const arn of t.principalArns) {
    if (hasUnresolvedToken(arn)) defer(`assumableBy.principalArns ${arn} is a token: IAM user or role ARN format`);
    else if (!parseIamArn(arn)) at(`assumableBy.principalArns has '${arn}', which is not an IAM user or role ARN`);
  }
  for (const acct of t.accountIds) if (hasUnresolvedToken(acct)) defer(`assumableBy.accountIds ${acct} is a token: its 12-digit format`);
  else if (!isAccountId(acct)) at(`assumableBy.accountIds has '${acct}', which is not a 12-digit account id`);
  if (t.organizationId !== undefined && !ORGANIZATION_ID.test(t.organizationId)) at(`organizationId '${t.organizationId}' is not an AWS Organizations id (o-[a-z0-9]{10,32})`);
  for (const ext of t.externalIds) if (!/^[\w+=,.@:/-]{2,1224}$/.test(ext)) at(`externalId '${ext}' is invalid: 2-1224 characters of letters, digits and +=,.@:/-`);
  const secs = role.maxSessionDurationSeconds;
  if (!Number.isInteger(secs) || secs < MIN_SESSION_SECONDS || secs > MAX_SESSION_SECONDS) {
    at(`maxSessionDurationSeconds ${secs} is out of range: an integer from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
  }
}

function checkGroupGrant(group: string, hasClusterRole: boolean, rules: number, namespaces: readonly string[], add: Add): void {
  const at = (m: string) => add(`groupGrants/${group}`, m);
  if (group.trim() === '' || /\s/.test(group)) at(`group '${group}' must be non-empty and contain no whitespace`);
  if (isSystemName(group)) at(`group '${group}' is a Kubernetes system group; grant RBAC to a group of your own`);
  if (!hasClusterRole && rules === 0) at(`group grant needs a clusterRole to bind or rules`);
  for (const ns of namespaces) if (!NAMESPACE_NAME.test(ns)) at(`namespace '${ns}' is not a DNS-1123 label`);
}

function checkServiceAccounts(accounts: readonly ServiceAccountJson[], add: Add): void {
  const seen = new Set<string>();
  for (const sa of accounts) {
    const at = (m: string) => add(`serviceAccounts/${sa.id}`, m);
    if (!NAMESPACE_NAME.test(sa.namespace)) at(`namespace '${sa.namespace}' is not a DNS-1123 label`);
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(sa.name)) at(`service account name '${sa.name}' is not a DNS-1123 subdomain`);
    if (!IAM_NAME.test(sa.roleName)) at(`IAM role name '${sa.roleName}' is invalid: 1-64 characters of letters, digits and +=,.@_-`);
    sa.policyStatements.forEach((st, i) => checkStatement(st, (m) => at(`policyStatements[${i}]: ${m}`)));
    const key = `${sa.namespace}/${sa.name}`;
    if (seen.has(key)) at(`service account ${key} is declared twice`);
    seen.add(key);
  }
}

/** IAM's own grammar for an action (`service:Action`, wildcards allowed) and a resource (an ARN or `*`). */
const IAM_ACTION = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;
const IAM_RESOURCE = /^(\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$/;

function checkStatement(st: IamStatementJson, at: (m: string) => void): void {
  if (st.effect !== PolicyEffect.ALLOW && st.effect !== PolicyEffect.DENY) at(`effect '${st.effect}' must be Allow or Deny`);
  if (st.action.length === 0) at('needs at least one action');
  for (const a of st.action) if (!IAM_ACTION.test(a)) at(`action '${a}' is not 'service:Action' (e.g. 's3:GetObject') or '*'`);
  if (st.resource.length === 0) at("needs at least one resource (an ARN or '*')");
  for (const r of st.resource) if (!IAM_RESOURCE.test(r)) at(`resource '${r}' is not an ARN (arn:partition:service:region:account:resource) or '*'`);
}
