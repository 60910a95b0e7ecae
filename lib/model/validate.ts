/**
 * Synth-time checks of everything EKS, IAM or CloudFormation would reject at deploy time
 * (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html), plus mistakes no service catches (a
 * principal granted nothing). Every issue names its subject (principal id, group or service account) and says what
 * would be valid; `ClusterAccess` prefixes the construct path.
 */
import { checkIamPrincipalArn, iamNameProblem, iamPathProblem, isAccountId, isServiceLinkedRole } from '../../authenticator/arn';
import { accessEntryGroupProblem, defaultAccessEntryUsername, isSystemName, nodeEntryProblems, SYSTEM_MASTERS, usernameProblems } from '../../authenticator/mapper/eks-rules';
import { AccessPolicy } from './access-policies';
import type { AccessModelState } from './model-state';
import { ValidationIssue, ValidationNote, ValidationNoteKind } from './validation-issue';
import { accessEntries, grantsNothing, trustedPrincipalIds } from './model-views';
import {
  AccessEntryType, AccessScopeType, AuthenticationMode, PolicyEffect, PrincipalKind, PrincipalOrigin, SystemMastersHandling,
} from './enums';
import { hasUnresolvedToken } from './tokens';
import { NAMESPACE_NAME } from './rbac-vocabulary';
import { identityIssues } from './validate-identity';
import { RuleError } from './rule-error';
import type { AccessPolicyGrantJson, IamStatementJson, PrincipalJson, ServiceAccountJson } from './types';
import { didYouMean } from './did-you-mean';

/** EKS: access entries per cluster, not adjustable (quota L-C56B9FC3). */
export const MAX_ACCESS_ENTRIES_PER_CLUSTER = 3000;

/*
 * The rule ids of the model's checks, one per check (listed in the README's rule table; test/model/rule-ids.test.ts
 * keeps them unique and listed). A `ValidationIssue` carries its id as data.
 */
/** Rule id of the username checks (reserved prefixes, the parsed template). */
export const USERNAME_RULE = 'eks-access:username';
export const MODEL_ACCOUNT_ID_RULE = 'eks-access:model-account-id';
export const MODEL_ID_RULE = 'eks-access:model-id';
export const DUPLICATE_ID_RULE = 'eks-access:duplicate-id';
export const DUPLICATE_PRINCIPAL_RULE = 'eks-access:duplicate-principal';
export const ACCOUNT_PRINCIPAL_RULE = 'eks-access:account-principal';
export const ACCOUNT_PRINCIPAL_MODE_RULE = 'eks-access:account-principal-mode';
export const TOKEN_ARN_NAME_RULE = 'eks-access:token-arn-name';
export const PRINCIPAL_ARN_RULE = 'eks-access:principal-arn';
export const PRINCIPAL_PARTITION_RULE = 'eks-access:principal-partition';
export const SERVICE_LINKED_ROLE_RULE = 'eks-access:service-linked-role';
export const IAM_NAME_RULE = 'eks-access:iam-name';
export const IAM_PATH_RULE = 'eks-access:iam-path';
export const NODE_ENTRY_RULE = 'eks-access:node-entry';
export const NODE_CROSS_ACCOUNT_RULE = 'eks-access:node-cross-account';
export const NODE_ACCESS_POLICY_RULE = 'eks-access:node-access-policy';
export const NODE_TYPE_MODE_RULE = 'eks-access:node-type-mode';
export const KUBERNETES_GROUP_RULE = 'eks-access:kubernetes-group';
export const DUPLICATE_KUBERNETES_GROUP_RULE = 'eks-access:duplicate-kubernetes-group';
export const SYSTEM_MASTERS_REFUSED_RULE = 'eks-access:system-masters-refused';
export const DUPLICATE_ACCESS_POLICY_RULE = 'eks-access:duplicate-access-policy';
export const ACCESS_SCOPE_RULE = 'eks-access:access-scope';
export const ACCESS_SCOPE_NAMESPACE_RULE = 'eks-access:access-scope-namespace';
export const ACCESS_POLICY_MODE_RULE = 'eks-access:access-policy-mode';
export const GRANTS_NOTHING_RULE = 'eks-access:grants-nothing';
export const TRUST_EMPTY_RULE = 'eks-access:trust-empty';
export const TRUST_PRINCIPAL_ID_RULE = 'eks-access:trust-principal-id';
export const TRUST_PRINCIPAL_ARN_RULE = 'eks-access:trust-principal-arn';
export const TRUST_ACCOUNT_ID_RULE = 'eks-access:trust-account-id';
export const TRUST_ORGANIZATION_ID_RULE = 'eks-access:trust-organization-id';
export const TRUST_EXTERNAL_ID_RULE = 'eks-access:trust-external-id';
export const SESSION_DURATION_RULE = 'eks-access:max-session-duration';
export const GROUP_GRANT_GROUP_RULE = 'eks-access:group-grant-group';
export const GROUP_GRANT_EMPTY_RULE = 'eks-access:group-grant-empty';
export const GROUP_GRANT_NAMESPACE_RULE = 'eks-access:group-grant-namespace';
export const SERVICE_ACCOUNT_NAMESPACE_RULE = 'eks-access:service-account-namespace';
export const SERVICE_ACCOUNT_NAME_RULE = 'eks-access:service-account-name';
export const SERVICE_ACCOUNT_ROLE_NAME_RULE = 'eks-access:service-account-role-name';
export const DUPLICATE_SERVICE_ACCOUNT_RULE = 'eks-access:duplicate-service-account';
export const IAM_STATEMENT_RULE = 'eks-access:iam-statement';
export const ACCESS_ENTRY_QUOTA_RULE = 'eks-access:access-entry-quota';
/**
 * The ids of the notes, which `ClusterAccess` reports as CDK warnings under these ids (kept as they were published, so
 * `Annotations.acknowledgeWarning` calls keep working): checks not made because of CDK tokens, an access policy outside
 * the catalogue.
 */
export const UNRESOLVED_TOKENS_WARNING = 'cdk-eks-access:unresolved-tokens';
export const UNCATALOGUED_ACCESS_POLICY_WARNING = 'cdk-eks-access:uncatalogued-access-policy';

const NOTE_RULES: Record<ValidationNoteKind, string> = {
  [ValidationNoteKind.UNRESOLVED_TOKEN]: UNRESOLVED_TOKENS_WARNING,
  [ValidationNoteKind.UNCATALOGUED_ACCESS_POLICY]: UNCATALOGUED_ACCESS_POLICY_WARNING,
};
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
export function validateModel(model: AccessModelState): ValidationIssue[] {
  return runChecks(model).issues;
}

/** What was not checked because of CDK tokens, and access policies accepted outside the catalogue. */
export function validationNotes(model: AccessModelState): ValidationNote[] {
  return runChecks(model).notes;
}

type Add = (ruleId: string, subject: string, message: string) => void;
type At = (ruleId: string, message: string) => void;
type Note = (kind: ValidationNoteKind, subject: string, message: string) => void;
const deferred = (note: Note, subject: string, what: string) => note(ValidationNoteKind.UNRESOLVED_TOKEN, subject, what);

function runChecks(model: AccessModelState): { issues: ValidationIssue[]; notes: ValidationNote[] } {
  const issues: ValidationIssue[] = [];
  const notes: ValidationNote[] = [];
  const add: Add = (ruleId, subject, message) => issues.push({ subject, message, ruleId });
  const note: Note = (kind, subject, message) => notes.push({ kind, subject, message, ruleId: NOTE_RULES[kind] });
  if (hasUnresolvedToken(model.accountId)) {
    deferred(note, 'model', `accountId is a token (environment-agnostic stack): its 12-digit format and whether node roles are in the cluster's account`);
  } else if (!isAccountId(model.accountId)) {
    add(MODEL_ACCOUNT_ID_RULE, 'model', `accountId '${model.accountId}' is not a 12-digit AWS account id`);
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
    add(ACCESS_ENTRY_QUOTA_RULE, 'model', `${entries} access entries exceed the EKS quota of ${MAX_ACCESS_ENTRIES_PER_CLUSTER} per cluster (not adjustable); map principals through shared roles or groups instead`);
  }
  return { issues, notes };
}

function checkIds(model: AccessModelState, add: Add): void {
  const seen = new Set<string>();
  for (const id of [...model.principals.map((p) => p.id), ...model.serviceAccounts.map((s) => s.id)]) {
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(id)) add(MODEL_ID_RULE, id, `id '${id}' must start with a letter and contain only letters, digits and '-'`);
    if (seen.has(id)) add(DUPLICATE_ID_RULE, id, `id '${id}' is used twice; every principal and service account needs its own id`);
    seen.add(id);
  }
}

function checkDuplicatePrincipals(model: AccessModelState, add: Add): void {
  // IAM names are case-insensitive; EKS keeps one entry per principal ARN (409 ResourceInUseException otherwise).
  const byArn = new Map<string, string>();
  for (const p of model.principals) {
    const key = p.arn.toLowerCase();
    const first = byArn.get(key);
    if (first !== undefined) add(DUPLICATE_PRINCIPAL_RULE, p.id, `principal ${p.arn} is already declared as '${first}'; EKS allows one access entry per principal, merge the grants into '${first}'`);
    else byArn.set(key, p.id);
  }
}

function checkPrincipal(model: AccessModelState, p: PrincipalJson, trusted: boolean, add: Add, note: Note): void {
  const at: At = (ruleId, message) => add(ruleId, p.id, message);
  checkIdentity(model, p, at, (what) => deferred(note, p.id, what));
  if (p.entryType !== AccessEntryType.STANDARD) {
    checkNode(model, p, at, (what) => deferred(note, p.id, what));
  } else {
    if (p.username !== undefined) checkUsername(model, p, p.username, at);
    checkGroups(model, p, at);
  }
  checkPolicies(model, p.accessPolicies, at, (m) => note(ValidationNoteKind.UNCATALOGUED_ACCESS_POLICY, p.id, m));
  if (p.kind === PrincipalKind.ACCOUNT && model.authenticationMode === AuthenticationMode.API) {
    at(ACCOUNT_PRINCIPAL_MODE_RULE, `account principals (aws-auth mapAccounts) need authentication mode CONFIG_MAP or API_AND_CONFIG_MAP, not API; import the account's roles instead`);
  }
  if (grantsNothing(p) && !trusted) {
    at(GRANTS_NOTHING_RULE, `principal is granted nothing: give it kubernetesGroups or accessPolicies, or name it in a role's assumableBy.principalIds`);
  }
  if (p.role) checkTrust(model, p, at, (what) => deferred(note, p.id, what));
}

function checkIdentity(model: AccessModelState, p: PrincipalJson, at: At, defer: (what: string) => void): void {
  if (p.kind === PrincipalKind.ACCOUNT) {
    if (hasUnresolvedToken(p.accountId)) defer(`account ${p.accountId} is a token: its 12-digit format`);
    else if (!isAccountId(p.accountId)) at(ACCOUNT_PRINCIPAL_RULE, `account '${p.accountId}' is not a 12-digit AWS account id`);
    return;
  }
  const resource = p.kind === PrincipalKind.USER ? 'user' : 'role';
  if (p.origin === PrincipalOrigin.IMPORTED && hasUnresolvedToken(p.arn)) {
    defer(`its ARN is a token: IAM ${resource} ARN format, partition and service-linked role`
      + (p.name === '' ? `; its name is unknown, so the authenticator's mapping row (AuthenticatorFunction, AccessChart iamIdentityMappings) uses the ARN as username unless one is given` : ''));
    if (p.name === '' && model.authenticationMode !== AuthenticationMode.API) {
      at(TOKEN_ARN_NAME_RULE, `'${p.arn}' is a token ARN given as a string, so its name and IAM path are unknown at synth time, but `
        + `authentication mode ${model.authenticationMode} writes aws-auth rows (path-less ARN, default username); `
        + `pass the construct instead: model.grant${resource === 'role' ? 'Role' : 'User'}(id, ${resource})`);
    }
    return;
  }
  if (p.origin === PrincipalOrigin.CREATED) {
    const name = iamNameProblem(p.name, resource);
    if (name !== undefined) at(IAM_NAME_RULE, name);
    const path = iamPathProblem(p.path);
    if (path !== undefined) at(IAM_PATH_RULE, path);
    // Its ARN is built from the model's partition and account (checked above) and this name and path.
    if (name !== undefined || path !== undefined || hasUnresolvedToken(p.arn)) return;
  }
  // The one IAM ARN grammar (authenticator/arn.ts): a malformed ARN must not reach the template's PrincipalArn.
  const parsed = checkIamPrincipalArn(p.arn, resource);
  if (typeof parsed === 'string') {
    if (p.origin === PrincipalOrigin.IMPORTED) at(PRINCIPAL_ARN_RULE, `principal ARN ${parsed}`);
    return;
  }
  if (parsed.partition !== model.partition) at(PRINCIPAL_PARTITION_RULE, `ARN ${p.arn} is in partition '${parsed.partition}' but the model is in '${model.partition}'`);
  if (isServiceLinkedRole(parsed)) at(SERVICE_LINKED_ROLE_RULE, `service-linked role ${p.arn} cannot be an access-entry principal (EKS rejects roles under /aws-service-role/)`);
}

function checkNode(model: AccessModelState, p: PrincipalJson, at: At, defer: (what: string) => void): void {
  const fields = { isRole: p.kind === PrincipalKind.ROLE, hasUsername: p.username !== undefined, hasKubernetesGroups: p.kubernetesGroups.length > 0 };
  const problems = nodeEntryProblems(p.entryType, fields);
  problems.filter((x) => x.field === 'principal').forEach((x) => at(NODE_ENTRY_RULE, x.problem));
  if (hasUnresolvedToken(p.accountId) || hasUnresolvedToken(model.accountId)) defer(`whether node role ${p.arn} is in the cluster's account`);
  else if (p.accountId !== model.accountId) at(NODE_CROSS_ACCOUNT_RULE, `cross-account principal ${p.arn} can only have access entry type STANDARD, not ${p.entryType} (the cluster is in ${model.accountId})`);
  problems.filter((x) => x.field !== 'principal').forEach((x) => at(NODE_ENTRY_RULE, x.problem));
  if (model.authenticationMode === AuthenticationMode.CONFIG_MAP && defaultAccessEntryUsername(p.arn, p.entryType) === undefined) {
    at(NODE_TYPE_MODE_RULE, `access entry type ${p.entryType} needs authentication mode API or API_AND_CONFIG_MAP: EKS documents no username for it, so it has no aws-auth row`);
  }
  const allowed = NODE_POLICY_BY_TYPE[p.entryType];
  for (const g of p.accessPolicies) {
    if (g.policyName !== allowed) {
      at(NODE_ACCESS_POLICY_RULE, `access entry type ${p.entryType} takes ${allowed ? `only ${allowed}` : 'no access policies'}, not ${g.policyName}`);
    }
  }
}

/** EKS username rules, parsed by the shared template grammar (authenticator/mapper/username-template.ts). */
function checkUsername(model: AccessModelState, p: PrincipalJson, username: string, at: At): void {
  const accessEntry = model.authenticationMode !== AuthenticationMode.CONFIG_MAP && p.kind !== PrincipalKind.ACCOUNT;
  for (const problem of usernameProblems(username, { accessEntry, node: false })) at(USERNAME_RULE, problem);
}

function checkGroups(model: AccessModelState, p: PrincipalJson, at: At): void {
  const entries = model.authenticationMode !== AuthenticationMode.CONFIG_MAP;
  const seen = new Set<string>();
  for (const group of p.kubernetesGroups) {
    if (group.trim() === '' || /\s/.test(group)) at(KUBERNETES_GROUP_RULE, `kubernetes group '${group}' must be non-empty and contain no whitespace`);
    if (seen.has(group)) at(DUPLICATE_KUBERNETES_GROUP_RULE, `kubernetes group '${group}' is listed twice`);
    seen.add(group);
    const reserved = entries ? accessEntryGroupProblem(group) : undefined;
    if (reserved === undefined) continue;
    if (group === SYSTEM_MASTERS) {
      if (model.systemMasters === SystemMastersHandling.REFUSE) {
        at(SYSTEM_MASTERS_REFUSED_RULE, `kubernetes group '${SYSTEM_MASTERS}' is refused (systemMasters: REFUSE); grant AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope() instead`);
      }
    } else {
      at(KUBERNETES_GROUP_RULE, `${reserved}; use a group of your own and bind it with addGroupGrant`);
    }
  }
}

function checkPolicies(model: AccessModelState, grants: readonly AccessPolicyGrantJson[], at: At, uncatalogued: (m: string) => void): void {
  const seen = new Set<string>();
  for (const g of grants) {
    let policy: AccessPolicy | undefined;
    try {
      policy = AccessPolicy.of(g.policyName);
    } catch (e) {
      if (e instanceof RuleError) at(e.ruleId, e.detail);
      else throw e;
    }
    if (policy && !policy.catalogued) {
      // A name without the `Policy` suffix every policy has (`AmazonEKSClusterAdmin`) is a typo worth naming too.
      const names = AccessPolicy.all().map((c) => c.policyName);
      const suggestion = didYouMean(g.policyName, names) || (g.policyName.endsWith('Policy') ? '' : didYouMean(`${g.policyName}Policy`, names));
      uncatalogued(`access policy ${g.policyName} is not in this version's catalogue; it is associated as named `
        + `(${g.policyArn}) — check the spelling, EKS rejects an unknown policy only at deploy time${suggestion}`);
    }
    if (seen.has(g.policyName)) at(DUPLICATE_ACCESS_POLICY_RULE, `access policy ${g.policyName} is associated twice; EKS allows each policy once per entry (merge the namespaces)`);
    seen.add(g.policyName);
    if (g.scope === AccessScopeType.NAMESPACE) {
      if (g.namespaces.length === 0) at(ACCESS_SCOPE_RULE, `access policy ${g.policyName} has namespace scope but no namespaces; list them or use cluster scope`);
      for (const ns of g.namespaces) {
        if (!NAMESPACE_PATTERN.test(ns)) at(ACCESS_SCOPE_NAMESPACE_RULE, `namespace '${ns}' of ${g.policyName} is not a DNS-1123 label (optionally ending in '*')`);
      }
    } else if (g.scope === AccessScopeType.CLUSTER) {
      if (g.namespaces.length > 0) at(ACCESS_SCOPE_RULE, `access policy ${g.policyName} has cluster scope but namespaces ${g.namespaces.join(', ')}; use namespace scope or drop the namespaces`);
    } else {
      at(ACCESS_SCOPE_RULE, `access scope '${String(g.scope)}' of ${g.policyName} is invalid; use 'cluster' or 'namespace'`);
    }
    const isClusterAdmin = policy === AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY && g.scope === AccessScopeType.CLUSTER;
    if (policy && model.authenticationMode === AuthenticationMode.CONFIG_MAP && !isClusterAdmin) {
      at(ACCESS_POLICY_MODE_RULE, `access policy ${g.policyName} needs access entries (authentication mode API or API_AND_CONFIG_MAP); in CONFIG_MAP mode use kubernetesGroups bound with addGroupGrant`);
    }
  }
}

function checkTrust(model: AccessModelState, p: PrincipalJson, at: At, defer: (what: string) => void): void {
  const role = p.role!;
  const t = role.trust;
  if (t.principalIds.length + t.principalArns.length + t.accountIds.length === 0 && !t.organizationId) {
    at(TRUST_EMPTY_RULE, `role has nobody in assumableBy; name principalIds, principalArns, accountIds or organizationId`);
  }
  for (const id of t.principalIds) {
    const target = model.principal(id);
    if (!target) at(TRUST_PRINCIPAL_ID_RULE, `assumableBy.principalIds names '${id}', which is not a principal of this model (known: ${model.principals.map((x) => x.id).join(', ')})`);
    else if (target.kind === PrincipalKind.ACCOUNT) at(TRUST_PRINCIPAL_ID_RULE, `assumableBy.principalIds names account '${id}'; use assumableBy.accountIds for accounts`);
    else if (target.id === p.id) at(TRUST_PRINCIPAL_ID_RULE, `role cannot be assumable by itself`);
  }
  for (const arn of t.principalArns) {
    if (hasUnresolvedToken(arn)) defer(`assumableBy.principalArns ${arn} is a token: IAM user or role ARN format`);
    else {
      const problem = checkIamPrincipalArn(arn);
      if (typeof problem === 'string') at(TRUST_PRINCIPAL_ARN_RULE, `assumableBy.principalArns has '${arn}', which is not an IAM user or role ARN${problem.startsWith(`'${arn}' is not`) ? '' : ` (${problem.replace(`'${arn}'`, 'it').replace(/^it: /, '')})`}`);
    }
  }
  for (const acct of t.accountIds) if (hasUnresolvedToken(acct)) defer(`assumableBy.accountIds ${acct} is a token: its 12-digit format`);
  else if (!isAccountId(acct)) at(TRUST_ACCOUNT_ID_RULE, `assumableBy.accountIds has '${acct}', which is not a 12-digit account id`);
  if (t.organizationId !== undefined && !ORGANIZATION_ID.test(t.organizationId)) at(TRUST_ORGANIZATION_ID_RULE, `organizationId '${t.organizationId}' is not an AWS Organizations id (o-[a-z0-9]{10,32})`);
  for (const ext of t.externalIds) if (!/^[\w+=,.@:/-]{2,1224}$/.test(ext)) at(TRUST_EXTERNAL_ID_RULE, `externalId '${ext}' is invalid: 2-1224 characters of letters, digits and +=,.@:/-`);
  const secs = role.maxSessionDurationSeconds;
  if (!Number.isInteger(secs) || secs < MIN_SESSION_SECONDS || secs > MAX_SESSION_SECONDS) {
    at(SESSION_DURATION_RULE, `maxSessionDurationSeconds ${secs} is out of range: an integer from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
  }
}

function checkGroupGrant(group: string, hasClusterRole: boolean, rules: number, namespaces: readonly string[], add: Add): void {
  const at: At = (ruleId, m) => add(ruleId, `groupGrants/${group}`, m);
  if (group.trim() === '' || /\s/.test(group)) at(GROUP_GRANT_GROUP_RULE, `group '${group}' must be non-empty and contain no whitespace`);
  if (isSystemName(group)) at(GROUP_GRANT_GROUP_RULE, `group '${group}' is a Kubernetes system group; grant RBAC to a group of your own`);
  if (!hasClusterRole && rules === 0) at(GROUP_GRANT_EMPTY_RULE, `group grant needs a clusterRole to bind or rules`);
  for (const ns of namespaces) if (!NAMESPACE_NAME.test(ns)) at(GROUP_GRANT_NAMESPACE_RULE, `namespace '${ns}' is not a DNS-1123 label`);
}

function checkServiceAccounts(accounts: readonly ServiceAccountJson[], add: Add): void {
  const seen = new Set<string>();
  for (const sa of accounts) {
    const at: At = (ruleId, m) => add(ruleId, `serviceAccounts/${sa.id}`, m);
    if (!NAMESPACE_NAME.test(sa.namespace)) at(SERVICE_ACCOUNT_NAMESPACE_RULE, `namespace '${sa.namespace}' is not a DNS-1123 label`);
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(sa.name)) at(SERVICE_ACCOUNT_NAME_RULE, `service account name '${sa.name}' is not a DNS-1123 subdomain`);
    const roleName = iamNameProblem(sa.roleName, 'role');
    if (roleName !== undefined) at(SERVICE_ACCOUNT_ROLE_NAME_RULE, roleName);
    sa.policyStatements.forEach((st, i) => checkStatement(st, (m) => at(IAM_STATEMENT_RULE, `policyStatements[${i}]: ${m}`)));
    const key = `${sa.namespace}/${sa.name}`;
    if (seen.has(key)) at(DUPLICATE_SERVICE_ACCOUNT_RULE, `service account ${key} is declared twice`);
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
