/**
 * Enumerations of the access model. String values equal the EKS / CloudFormation spelling so the JSON form of the
 * model can be read without this library.
 */

/**
 * How the cluster authenticates IAM principals (`accessConfig.authenticationMode`,
 * https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html).
 */
export enum AuthenticationMode {
  /** aws-auth ConfigMap only: the model renders aws-auth rows, no access entries. */
  CONFIG_MAP = 'CONFIG_MAP',
  /** Access entries and aws-auth: principals get access entries; aws-auth keeps only what entries cannot express. */
  API_AND_CONFIG_MAP = 'API_AND_CONFIG_MAP',
  /** Access entries only: nothing is rendered for aws-auth. */
  API = 'API',
}

/** `AWS::EKS::AccessEntry` `Type`: defined once in the authenticator, which lib/ may import (not the reverse). */
export { AccessEntryType } from '../../authenticator/mapper/access-entry-type';

/** Where an access policy applies. */
export enum AccessScopeType {
  CLUSTER = 'cluster',
  NAMESPACE = 'namespace',
}

/**
 * What kind of IAM identity a principal is: the authenticator's one principal enum (a model principal is a USER, a
 * ROLE or an ACCOUNT; an ACCOUNT is a whole AWS account, aws-auth `mapAccounts`, only the ConfigMap modes express it).
 */
export { PrincipalKind } from '../../authenticator/arn';

/** Whether the library creates the IAM principal or refers to an existing one. */
export enum PrincipalOrigin {
  CREATED = 'CREATED',
  IMPORTED = 'IMPORTED',
}

/** How a Kubernetes service account obtains AWS credentials. */
export enum ServiceAccountMechanism {
  /** IAM Roles for Service Accounts: OIDC web identity, `eks.amazonaws.com/role-arn` annotation. */
  IRSA = 'IRSA',
  /** EKS Pod Identity: `AWS::EKS::PodIdentityAssociation`, trust in `pods.eks.amazonaws.com`. */
  POD_IDENTITY = 'POD_IDENTITY',
}

/** Whether an IAM policy statement allows or denies (IAM's `Effect`). */
export enum PolicyEffect {
  ALLOW = 'Allow',
  DENY = 'Deny',
}

/**
 * What to do with `system:masters`, which EKS rejects as an access-entry group
 * (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).
 */
export enum SystemMastersHandling {
  /** Replace it by AmazonEKSClusterAdminPolicy at cluster scope on the access entry (as eksctl's migrator does). */
  TRANSLATE_TO_CLUSTER_ADMIN = 'TRANSLATE_TO_CLUSTER_ADMIN',
  /** Reject it at synth time. */
  REFUSE = 'REFUSE',
}
