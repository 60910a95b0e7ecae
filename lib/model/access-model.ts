/**
 * The access model builder: one declaration of principals, grants and service accounts from which the CDK
 * constructs (lib/aws), the cdk8s charts (lib/k8s) and the analysis (lib/analysis) all derive their output. It
 * records what it is told and never throws for bad input: `validateModel` reports every problem at once, and the
 * `ClusterAccess` construct turns them into synth errors naming the construct path.
 *
 * One lifecycle: declare everything, then render. The first construct or chart that renders the model
 * (`ClusterAccess`, `AccessChart`, the authenticator's mapping rows) seals it; a later change throws and names the call,
 * because it would reach only the outputs built after it and the AWS and Kubernetes sides would disagree.
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import { accessPolicyArn } from '../../authenticator/mapper/eks-rules';
import { AccessPolicyGrant } from './access-policies';
import { AccessEntryType, AuthenticationMode, PolicyEffect, PrincipalKind, PrincipalOrigin, SystemMastersHandling } from './enums';
import { parseIamArn, ssoPermissionSetOf } from './iam-arn';
import { hasUnresolvedToken } from './tokens';
import { RuleError } from './rule-error';
import {
  AccessModelProps, ClusterGrantProps, CreateRoleProps, CreateUserProps, GroupGrantProps, NodeRoleProps, ServiceAccountPolicyStatement,
  ServiceAccountProps,
} from './props';
import {
  ACCESS_MODEL_VERSION, AccessModelJson, AccessPolicyGrantJson, GroupGrantJson, IamStatementJson, PrincipalJson, ServiceAccountJson,
} from './types';
import { statementFromJson } from './iam-statement';
// The views below live in their own modules, which import this one for its type only: no load-time cycle.
import { authenticatorMappingRows, awsAuthRows } from './model-aws-auth-rows';
import { AccessEntryJson, accessEntries, effectiveUsername } from './model-views';
import { validateModel } from './validate';
import type { ValidationIssue } from './validation-issue';
import type { AwsAuthRows } from '../../authenticator/mapper/types';

const DEFAULT_MAX_SESSION_SECONDS = 3600;
const MAX_IAM_ROLE_NAME = 64;
const MODEL_VERSION_RULE = 'eks-access:access-model-version';
/** A change to a model after a construct rendered it would reach only what is built later. */
const MODEL_SEALED_RULE = 'eks-access:access-model-sealed';

/** The access model of one cluster. */
export class AccessModel {
  /** Reads the JSON form (`toJson()`), e.g. from a file written by the CDK app. */
  public static fromJson(json: AccessModelJson): AccessModel {
    if (json.version !== ACCESS_MODEL_VERSION) {
      throw new RuleError(MODEL_VERSION_RULE, 'AccessModel.fromJson', `access model version ${json.version} is not supported (expected ${ACCESS_MODEL_VERSION})`);
    }
    const model = new AccessModel({
      accountId: json.accountId,
      partition: json.partition,
      authenticationMode: json.authenticationMode,
      systemMasters: json.systemMasters,
      iamNamePrefix: json.iamNamePrefix,
      clusterName: json.clusterName,
    });
    model.principalList.push(...clone(json.principals));
    model.groupGrantList.push(...clone(json.groupGrants));
    model.serviceAccountList.push(...clone(json.serviceAccounts).map((sa) => ({ ...sa, policyStatements: sa.policyStatements.map(statementFromJson) })));
    return model;
  }

  public readonly accountId: string;
  public readonly partition: string;
  public readonly authenticationMode: AuthenticationMode;
  public readonly systemMasters: SystemMastersHandling;
  public readonly iamNamePrefix: string;
  /** The cluster the model is for, if given (part of default service-account role names). */
  public readonly clusterName?: string;
  private readonly principalList: PrincipalJson[] = [];
  private readonly groupGrantList: GroupGrantJson[] = [];
  private readonly serviceAccountList: ServiceAccountJson[] = [];
  private sealedBy?: string;

  constructor(props: AccessModelProps) {
    this.accountId = props.accountId;
    this.partition = props.partition ?? 'aws';
    this.authenticationMode = props.authenticationMode ?? AuthenticationMode.API;
    this.systemMasters = props.systemMasters ?? SystemMastersHandling.TRANSLATE_TO_CLUSTER_ADMIN;
    this.iamNamePrefix = props.iamNamePrefix ?? '';
    this.clusterName = props.clusterName;
  }

  /** Principals in declaration order. */
  public get principals(): PrincipalJson[] {
    return [...this.principalList]; // a copy: the model changes only through its add/grant methods
  }

  /** Group grants in declaration order. */
  public get groupGrants(): GroupGrantJson[] {
    return [...this.groupGrantList];
  }

  /** Service accounts in declaration order. */
  public get serviceAccounts(): ServiceAccountJson[] {
    return [...this.serviceAccountList];
  }

  /** The principal with this id, or undefined. */
  public principal(id: string): PrincipalJson | undefined {
    return this.principalList.find((p) => p.id === id);
  }

  /** Declares an IAM user to create. */
  public addUser(id: string, props: CreateUserProps = {}): PrincipalJson {
    this.assertOpen(`addUser('${id}')`);
    const name = props.userName ?? this.iamNamePrefix + id;
    const path = props.path ?? '/';
    return this.push({
      ...this.grantFields(props),
      id, kind: PrincipalKind.USER, origin: PrincipalOrigin.CREATED, accountId: this.accountId, name, path,
      arn: `arn:${this.partition}:iam::${this.accountId}:user${path}${name}`,
      user: {
        permissionsBoundaryArn: props.permissionsBoundaryArn,
        iamGroups: [...(props.iamGroups ?? [])],
        createAccessKey: props.createAccessKey ?? false,
      },
    });
  }

  /** Declares an assumable IAM role to create. */
  public addRole(id: string, props: CreateRoleProps): PrincipalJson {
    this.assertOpen(`addRole('${id}')`);
    const name = props.roleName ?? this.iamNamePrefix + id;
    const path = props.path ?? '/';
    const trust = props.assumableBy;
    return this.push({
      ...this.grantFields(props),
      id, kind: PrincipalKind.ROLE, origin: PrincipalOrigin.CREATED, accountId: this.accountId, name, path,
      arn: `arn:${this.partition}:iam::${this.accountId}:role${path}${name}`,
      role: {
        trust: {
          principalIds: [...(trust.principalIds ?? [])],
          principalArns: [...(trust.principalArns ?? [])],
          accountIds: [...(trust.accountIds ?? [])],
          organizationId: trust.organizationId,
          requireMfa: trust.requireMfa ?? false,
          externalIds: [...(trust.externalIds ?? [])],
          allowSourceIdentity: trust.allowSourceIdentity ?? false,
          allowSessionTags: trust.allowSessionTags ?? false,
        },
        maxSessionDurationSeconds: props.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_SECONDS,
        permissionsBoundaryArn: props.permissionsBoundaryArn,
      },
    });
  }

  /** Refers to an existing IAM user by ARN (path kept). */
  public importUser(id: string, userArn: string, props: ClusterGrantProps = {}): PrincipalJson {
    this.assertOpen(`importUser('${id}')`);
    return this.importPrincipal(id, userArn, PrincipalKind.USER, AccessEntryType.STANDARD, props);
  }

  /**
   * Refers to an existing IAM role by ARN (path kept), including IAM Identity Center permission-set roles
   * (`role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<set>_<suffix>`).
   */
  public importRole(id: string, roleArn: string, props: ClusterGrantProps = {}): PrincipalJson {
    this.assertOpen(`importRole('${id}')`);
    return this.importPrincipal(id, roleArn, PrincipalKind.ROLE, AccessEntryType.STANDARD, props);
  }

  /**
   * Grants an IAM role of this CDK app: one created here (`new iam.Role(...)`) or imported (`iam.Role.fromRoleArn`).
   * Its ARN may be a token (known at deploy time only); the access entry then references the role itself
   * (`Fn::GetAtt`), and the checks a token hides (ARN format, partition, account) are deferred and reported once, as a
   * synth warning, by `ClusterAccess`. The aws-auth / webhook row uses `arn:<partition>:iam::<account>:role/<name>`
   * (no path), built from the role's name and account.
   */
  public grantRole(id: string, role: iam.IRole, props: ClusterGrantProps = {}): PrincipalJson {
    this.assertOpen(`grantRole('${id}')`);
    return this.importConstruct(id, role.roleArn, role.roleName, role.env.account, PrincipalKind.ROLE, props);
  }

  /** Grants an IAM user of this CDK app (`new iam.User(...)` or `iam.User.fromUserArn`); see `grantRole` for tokens. */
  public grantUser(id: string, user: iam.IUser, props: ClusterGrantProps = {}): PrincipalJson {
    this.assertOpen(`grantUser('${id}')`);
    return this.importConstruct(id, user.userArn, user.userName, user.env.account, PrincipalKind.USER, props);
  }

  /** Maps every principal of an account (aws-auth `mapAccounts`; ConfigMap modes only). */
  public addAccount(id: string, accountId: string, props: ClusterGrantProps = {}): PrincipalJson {
    this.assertOpen(`addAccount('${id}')`);
    return this.push({
      ...this.grantFields(props),
      id, kind: PrincipalKind.ACCOUNT, origin: PrincipalOrigin.IMPORTED, accountId, name: accountId, path: '/',
      arn: `arn:${this.partition}:iam::${accountId}:root`,
    });
  }

  /** Declares a node role (access entry of a node type, or an aws-auth node row in CONFIG_MAP mode). */
  public addNodeRole(id: string, roleArn: string, props: NodeRoleProps = {}): PrincipalJson {
    this.assertOpen(`addNodeRole('${id}')`);
    return this.importPrincipal(id, roleArn, PrincipalKind.ROLE, props.entryType ?? AccessEntryType.EC2_LINUX, {
      accessPolicies: props.accessPolicies, tags: props.tags,
    });
  }

  /** Gives a Kubernetes group RBAC permissions (rendered by the cdk8s RBAC chart). */
  public addGroupGrant(props: GroupGrantProps): GroupGrantJson {
    this.assertOpen(`addGroupGrant('${props.group}')`);
    const grant: GroupGrantJson = {
      group: props.group,
      clusterRole: props.clusterRole,
      rules: clone(props.rules ?? []),
      namespaces: [...(props.namespaces ?? [])],
    };
    this.groupGrantList.push(grant);
    return grant;
  }

  /** Declares a service account with its own IAM role (IRSA or Pod Identity). */
  public addServiceAccount(id: string, props: ServiceAccountProps): ServiceAccountJson {
    this.assertOpen(`addServiceAccount('${id}')`);
    const roleName = props.roleName ?? this.defaultServiceAccountRoleName(props.namespace, props.name);
    const sa: ServiceAccountJson = {
      id,
      namespace: props.namespace,
      name: props.name,
      mechanism: props.mechanism,
      roleName,
      roleArn: `arn:${this.partition}:iam::${this.accountId}:role/${roleName}`,
      managedPolicyArns: [...(props.managedPolicyArns ?? [])],
      policyStatements: (props.policyStatements ?? []).map(toIamStatement),
    };
    this.serviceAccountList.push(sa);
    return sa;
  }

  /**
   * The construct or chart that rendered the model first, or undefined while it is still open for changes.
   */
  public get renderedBy(): string | undefined {
    return this.sealedBy;
  }

  /**
   * Seals the model: called by every construct or chart that renders it. Later changes throw (see the class comment);
   * the principals, grants and service accounts handed out so far are frozen for the same reason.
   * @internal
   */
  public _markRendered(consumer: string): void {
    if (this.sealedBy !== undefined) return;
    this.sealedBy = consumer;
    deepFreeze(this.principalList);
    deepFreeze(this.groupGrantList);
    deepFreeze(this.serviceAccountList);
  }

  /**
   * The username a principal gets: its own, or the EKS default for its entry type (`{{SessionName}}` forms for roles,
   * the node usernames for node roles) in `partition`; undefined for a HYPERPOD_LINUX node role, whose username EKS
   * generates without documenting it.
   */
  public static effectiveUsername(principal: PrincipalJson, partition: string): string | undefined {
    return effectiveUsername(principal, partition);
  }

  /** The access entries the model declares (none in CONFIG_MAP mode); what `ClusterAccess` creates. */
  public accessEntries(): AccessEntryJson[] {
    return accessEntries(this);
  }

  /** The aws-auth rows the model's authentication mode reads (none in API mode); what `AccessChart` renders. */
  public awsAuthRows(): AwsAuthRows {
    return awsAuthRows(this);
  }

  /**
   * Every mapping row as the self-managed authenticator needs it (`AuthenticatorChart` static rows, the Lambda
   * webhook): the CONFIG_MAP view, each access policy as its group. Seals the model, like the constructs do.
   */
  public authenticatorMappingRows(): AwsAuthRows {
    return authenticatorMappingRows(this);
  }

  /** Problems that would fail synth (what `ClusterAccess` and `AccessChart` throw for), without a construct. */
  public validate(): ValidationIssue[] {
    return validateModel(this);
  }

  /** The JSON form (a deep copy). */
  public toJson(): AccessModelJson {
    return clone({
      version: ACCESS_MODEL_VERSION,
      accountId: this.accountId,
      partition: this.partition,
      authenticationMode: this.authenticationMode,
      systemMasters: this.systemMasters,
      iamNamePrefix: this.iamNamePrefix,
      ...(this.clusterName !== undefined ? { clusterName: this.clusterName } : {}),
      principals: this.principalList,
      groupGrants: this.groupGrantList,
      serviceAccounts: this.serviceAccountList,
    });
  }

  /**
   * The role name a service account gets when none is given: IAM role names are account-wide, so the cluster (when
   * the model knows it) keeps two clusters' `dev/s3-reader` apart.
   */
  public defaultServiceAccountRoleName(namespace: string, name: string): string {
    const cluster = this.clusterName !== undefined ? `${this.clusterName}-` : '';
    return `${this.iamNamePrefix}${cluster}${namespace}-${name}`.slice(0, MAX_IAM_ROLE_NAME);
  }

  private importPrincipal(id: string, arn: string, kind: PrincipalKind, entryType: AccessEntryType, props: ClusterGrantProps): PrincipalJson {
    const parsed = parseIamArn(arn);
    return this.push({
      ...this.grantFields(props),
      id, kind, origin: PrincipalOrigin.IMPORTED, entryType, arn,
      accountId: parsed?.accountId ?? '', name: parsed?.name ?? '', path: parsed?.path ?? '/',
      ssoPermissionSetName: parsed ? ssoPermissionSetOf(parsed) : undefined,
    });
  }

  /** A principal given as a CDK construct: a concrete ARN is parsed as `importRole` does; a token ARN is kept as is. */
  private importConstruct(id: string, arn: string, name: string, account: string, kind: PrincipalKind, props: ClusterGrantProps): PrincipalJson {
    if (!hasUnresolvedToken(arn)) return this.importPrincipal(id, arn, kind, AccessEntryType.STANDARD, props);
    return this.push({
      ...this.grantFields(props),
      id, kind, origin: PrincipalOrigin.IMPORTED, entryType: AccessEntryType.STANDARD, arn, accountId: account, name, path: '/',
    });
  }

  private assertOpen(call: string): void {
    if (this.sealedBy === undefined) return;
    throw new RuleError(MODEL_SEALED_RULE, `AccessModel.${call}`, `the model was already rendered by ${this.sealedBy}; a change now would reach only `
      + `what is built after it, so the AWS and Kubernetes outputs would disagree. Declare every principal, group grant and `
      + `service account before creating ClusterAccess, AccessChart or AuthenticatorFunction from the model.`);
  }

  private grantFields(props: ClusterGrantProps): Pick<PrincipalJson, 'entryType' | 'username' | 'kubernetesGroups' | 'accessPolicies' | 'tags'> {
    return {
      entryType: AccessEntryType.STANDARD,
      username: props.username,
      kubernetesGroups: [...(props.kubernetesGroups ?? [])],
      accessPolicies: (props.accessPolicies ?? []).map((g) => this.grantJson(g)),
      tags: { ...(props.tags ?? {}) },
    };
  }

  private grantJson(grant: AccessPolicyGrant): AccessPolicyGrantJson {
    return {
      policyName: grant.policy.policyName,
      policyArn: accessPolicyArn(this.partition, grant.policy.policyName),
      scope: grant.scope,
      namespaces: [...(grant.namespaces ?? [])],
    };
  }

  private push(principal: PrincipalJson): PrincipalJson {
    this.principalList.push(principal);
    return principal;
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A typed statement in IAM JSON; a condition block is only written when given. */
function toIamStatement(st: ServiceAccountPolicyStatement): IamStatementJson {
  return {
    effect: st.effect ?? PolicyEffect.ALLOW,
    action: [...st.actions],
    resource: [...st.resources],
    ...(st.conditions ? { condition: clone(st.conditions) } : {}),
  };
}
