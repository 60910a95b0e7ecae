/**
 * The serializable form of the access model: plain JSON (no classes, no CDK tokens required), versioned, so the CDK
 * app, the cdk8s charts, the analysis and the CLI can exchange it as a file. `AccessModel` builds and checks it;
 * `AccessModel.fromJson(model.toJson())` round-trips.
 */
import type { RbacRuleJson } from './rbac-rule-forms';
import type { AccessEntryType, AccessScopeType, AuthenticationMode, PrincipalKind, PrincipalOrigin, ServiceAccountMechanism, SystemMastersHandling } from './enums';

export const ACCESS_MODEL_VERSION = 1;

/** One EKS access policy association. */
export interface AccessPolicyGrantJson {
  /** Catalogue name, e.g. `AmazonEKSViewPolicy`. */
  readonly policyName: string;
  /** ARN in the model's partition. */
  readonly policyArn: string;
  readonly scope: AccessScopeType;
  /** Namespaces (a trailing `*` is a wildcard) for namespace scope; empty for cluster scope. */
  readonly namespaces: string[];
}

/** Who may assume a created role, and on which conditions. */
export interface RoleTrustJson {
  /** Model ids of principals of this model (users or roles) that may assume the role. */
  readonly principalIds: string[];
  /** ARNs of other IAM users/roles that may assume the role. */
  readonly principalArns: string[];
  /** Account ids whose principals (with their own IAM permission) may assume the role. */
  readonly accountIds: string[];
  /**
   * AWS Organizations id (`o-…`): any principal of the organization (condition `aws:PrincipalOrgID`).
   * @default - no organization statement
   */
  readonly organizationId?: string;
  readonly requireMfa: boolean;
  /** Accepted `sts:ExternalId` values; empty = no condition. */
  readonly externalIds: string[];
  /** Also allow `sts:SetSourceIdentity`. */
  readonly allowSourceIdentity: boolean;
  /** Also allow `sts:TagSession`. */
  readonly allowSessionTags: boolean;
}

/** Settings of an IAM user this library creates. */
export interface CreatedUserJson {
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
  /** Names of existing IAM groups to add the user to. */
  readonly iamGroups: string[];
  /** Create an access key whose secret is stored in Secrets Manager (never in outputs or the template). */
  readonly createAccessKey: boolean;
}

/** Settings of an IAM role this library creates. */
export interface CreatedRoleJson {
  readonly trust: RoleTrustJson;
  readonly maxSessionDurationSeconds: number;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
}

/**
 * One IAM principal and what it gets in the cluster. `arn` keeps the IAM path (access entries take it); aws-auth rows
 * strip it (see `awsAuthRows`).
 */
export interface PrincipalJson {
  /** Stable id inside the model; also the construct id and the basis of logical ids. */
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly origin: PrincipalOrigin;
  /** Full IAM ARN, path included (`arn:aws:iam::111122223333:root` for accounts). */
  readonly arn: string;
  readonly accountId: string;
  /** IAM name without path (the account id for accounts). */
  readonly name: string;
  /** IAM path, `/` or `/a/b/`. */
  readonly path: string;
  readonly entryType: AccessEntryType;
  /**
   * Kubernetes username.
   * @default - the EKS default (see `effectiveUsername`)
   */
  readonly username?: string;
  readonly kubernetesGroups: string[];
  readonly accessPolicies: AccessPolicyGrantJson[];
  readonly tags: Record<string, string>;
  /**
   * IAM Identity Center permission set, for `AWSReservedSSO_<set>_<suffix>` roles.
   * @default - not an IAM Identity Center role
   */
  readonly ssoPermissionSetName?: string;
  /**
   * Settings of a created user.
   * @default - not a created user
   */
  readonly user?: CreatedUserJson;
  /**
   * Settings of a created role.
   * @default - not a created role
   */
  readonly role?: CreatedRoleJson;
}

/**
 * What a Kubernetes group may do; the RBAC chart (lib/k8s) renders it as a (Cluster)Role plus bindings, named
 * deterministically from `group`.
 */
export interface GroupGrantJson {
  readonly group: string;
  /**
   * Bind this existing ClusterRole (e.g. `view`) instead of / in addition to `rules`.
   * @default - only `rules`
   */
  readonly clusterRole?: string;
  readonly rules: RbacRuleJson[];
  /** Namespaces to bind in; empty = cluster-wide (ClusterRoleBinding). */
  readonly namespaces: string[];
}

/**
 * An IAM policy statement, one field per IAM JSON element in camelCase (jsii structs, and so the model JSON, need
 * camelCase fields): `effect` is IAM's `Effect`, `action` its `Action`, … `toIamPolicyJson` gives the IAM form
 * CloudFormation takes, and `AccessModel.fromJson` also reads statements written in IAM's own spelling.
 */
export interface IamStatementJson {
  readonly effect: string;
  readonly action: string[];
  readonly resource: string[];
  readonly condition?: { [operator: string]: { [key: string]: string[] } };
}

/** A Kubernetes service account with an IAM role (IRSA or Pod Identity). */
export interface ServiceAccountJson {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly mechanism: ServiceAccountMechanism;
  readonly roleName: string;
  readonly roleArn: string;
  readonly managedPolicyArns: string[];
  /** The role's inline policy statements, in IAM JSON. */
  readonly policyStatements: IamStatementJson[];
}

/** The whole model. */
export interface AccessModelJson {
  readonly version: number;
  readonly accountId: string;
  readonly partition: string;
  readonly authenticationMode: AuthenticationMode;
  readonly systemMasters: SystemMastersHandling;
  /** Prefix of the IAM names of created principals, `''` for none. */
  readonly iamNamePrefix: string;
  /** The cluster the model is for, when recorded (part of default service-account role names). */
  readonly clusterName?: string;
  readonly principals: PrincipalJson[];
  readonly groupGrants: GroupGrantJson[];
  readonly serviceAccounts: ServiceAccountJson[];
}
