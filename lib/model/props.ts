/** Props of the `AccessModel` builder methods (jsii style: readonly, documented, `@default` on every optional). */
import type { AccessPolicyGrant } from './access-policies';
import type { AccessEntryType, AuthenticationMode, PolicyEffect, ServiceAccountMechanism, SystemMastersHandling } from './enums';
import type { RbacRuleJson } from './rbac-rule-forms';

/** Settings of a whole access model. */
export interface AccessModelProps {
  /** The 12-digit account of the cluster (and of the principals this library creates). */
  readonly accountId: string;
  /**
   * AWS partition, used in every ARN the model builds.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * The cluster's authentication mode; decides whether access entries, aws-auth rows or both are rendered.
   * @default AuthenticationMode.API
   */
  readonly authenticationMode?: AuthenticationMode;
  /**
   * What to do with the `system:masters` group on access entries.
   * @default SystemMastersHandling.TRANSLATE_TO_CLUSTER_ADMIN
   */
  readonly systemMasters?: SystemMastersHandling;
  /**
   * Prefix of the IAM names of created users and roles whose name is not given (IAM names are account-wide, so give
   * each cluster its own prefix when several share an account).
   * @default '' (the name is the principal id)
   */
  readonly iamNamePrefix?: string;
  /**
   * Name of the EKS cluster the model is for. Default IAM role names of service accounts include it
   * (`<iamNamePrefix><clusterName>-<namespace>-<name>`): IAM names are account-wide, so two clusters of one account
   * that declare the same service account (`dev/s3-reader`) would otherwise fight over one role. `ClusterAccess`
   * checks it against its cluster.
   * @default - not recorded: default service-account role names are `<iamNamePrefix><namespace>-<name>` and
   * `ClusterAccess` warns about each
   */
  readonly clusterName?: string;
}

/** What a principal gets in the cluster. */
export interface ClusterGrantProps {
  /**
   * Kubernetes username (STANDARD entries only). Must not start with `system:`, `eks:`, `aws:`, `amazon:`, `iam:`; a
   * `{{SessionName}}` needs a `:` before it.
   * @default - the EKS default: the user ARN for users, `arn:<p>:sts::<acct>:assumed-role/<name>/{{SessionName}}` for roles
   */
  readonly username?: string;
  /**
   * Kubernetes groups, bound by the RBAC chart (see `AccessModel.addGroupGrant`).
   * @default - none
   */
  readonly kubernetesGroups?: string[];
  /**
   * EKS access policies with their scope.
   * @default - none
   */
  readonly accessPolicies?: AccessPolicyGrant[];
  /**
   * Tags of the access entry.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** An IAM user to create. */
export interface CreateUserProps extends ClusterGrantProps {
  /**
   * IAM user name.
   * @default - `iamNamePrefix` + the principal id
   */
  readonly userName?: string;
  /**
   * IAM path.
   * @default '/'
   */
  readonly path?: string;
  /**
   * ARN of a managed policy used as permissions boundary.
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * Names of existing IAM groups to add the user to.
   * @default - none
   */
  readonly iamGroups?: string[];
  /**
   * Create an access key; its secret goes to a Secrets Manager secret, never to an output or the template.
   * @default false
   */
  readonly createAccessKey?: boolean;
}

/** Who may assume a created role. */
export interface RoleTrustProps {
  /**
   * Ids of principals of this model that may assume the role.
   * @default - none
   */
  readonly principalIds?: string[];
  /**
   * ARNs of other IAM users or roles that may assume the role.
   * @default - none
   */
  readonly principalArns?: string[];
  /**
   * Accounts whose principals may assume the role (they still need their own `sts:AssumeRole` permission).
   * @default - none
   */
  readonly accountIds?: string[];
  /**
   * AWS Organizations id (`o-…`) whose principals may assume the role.
   * @default - none
   */
  readonly organizationId?: string;
  /**
   * Require MFA (`aws:MultiFactorAuthPresent`).
   * @default false
   */
  readonly requireMfa?: boolean;
  /**
   * Required `sts:ExternalId` values.
   * @default - no ExternalId condition
   */
  readonly externalIds?: string[];
  /**
   * Also allow `sts:SetSourceIdentity`.
   * @default false
   */
  readonly allowSourceIdentity?: boolean;
  /**
   * Also allow `sts:TagSession` (session tags).
   * @default false
   */
  readonly allowSessionTags?: boolean;
}

/** An assumable IAM role to create. */
export interface CreateRoleProps extends ClusterGrantProps {
  /** Who may assume it. */
  readonly assumableBy: RoleTrustProps;
  /**
   * IAM role name.
   * @default - `iamNamePrefix` + the principal id
   */
  readonly roleName?: string;
  /**
   * IAM path.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Maximum session duration in seconds (3600–43200).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
  /**
   * ARN of a managed policy used as permissions boundary.
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
}

/** A node role (self-managed, hybrid, Auto Mode, HyperPod nodes). */
export interface NodeRoleProps {
  /**
   * Access entry type.
   * @default AccessEntryType.EC2_LINUX
   */
  readonly entryType?: AccessEntryType;
  /**
   * Access policies; only `EC2` (Auto Mode) entries take one, `AmazonEKSAutoNodePolicy`.
   * @default - none
   */
  readonly accessPolicies?: AccessPolicyGrant[];
  /**
   * Tags of the access entry.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** RBAC for a Kubernetes group. */
export interface GroupGrantProps {
  /** The group name (as given in `kubernetesGroups`). */
  readonly group: string;
  /**
   * An existing ClusterRole to bind (e.g. `view`, `edit`).
   * @default - none; `rules` must be given
   */
  readonly clusterRole?: string;
  /**
   * Rules of a role created for the group.
   * @default - none; `clusterRole` must be given
   */
  readonly rules?: RbacRuleJson[];
  /**
   * Namespaces to bind in.
   * @default - cluster-wide
   */
  readonly namespaces?: string[];
}

/** A Kubernetes service account with its own IAM role. */
export interface ServiceAccountProps {
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Service account name. */
  readonly name: string;
  /** IRSA or Pod Identity. */
  readonly mechanism: ServiceAccountMechanism;
  /**
   * IAM role name.
   * @default - `iamNamePrefix` + `<clusterName>-` (when the model has one) + `<namespace>-<name>`, cut to 64 characters
   */
  readonly roleName?: string;
  /**
   * Managed policies attached to the role.
   * @default - none
   */
  readonly managedPolicyArns?: string[];
  /**
   * Statements of the role's inline policy.
   * @default - none
   */
  readonly policyStatements?: ServiceAccountPolicyStatement[];
}

/**
 * One statement of a service account role's inline policy. A typed struct rather than IAM JSON, so that it stays
 * usable from every jsii language and is checked at synth time.
 */
export interface ServiceAccountPolicyStatement {
  /**
   * Allow or deny.
   * @default PolicyEffect.ALLOW
   */
  readonly effect?: PolicyEffect;
  /** IAM actions as `service:Action` (wildcards `*` and `?` allowed, e.g. `s3:Get*`), or `*`. */
  readonly actions: string[];
  /** Resource ARNs (wildcards allowed) or `*`. */
  readonly resources: string[];
  /**
   * IAM conditions: operator → condition key → values, e.g. `{ StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } }`.
   * @default - no condition
   */
  readonly conditions?: { [operator: string]: { [key: string]: string[] } };
}
