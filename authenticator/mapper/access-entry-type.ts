/**
 * `AWS::EKS::AccessEntry` `Type` (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html): the
 * one definition, shared by the access-entry mapper and the CDK access model (lib/model re-exports it; lib/ may import
 * the authenticator, not the other way round). String values equal the EKS / CloudFormation spelling. Only STANDARD
 * takes a username, groups and policies.
 */
export enum AccessEntryType {
  STANDARD = 'STANDARD',
  EC2_LINUX = 'EC2_LINUX',
  EC2_WINDOWS = 'EC2_WINDOWS',
  /** EKS Auto Mode node role; takes AmazonEKSAutoNodePolicy and nothing else. */
  EC2 = 'EC2',
  FARGATE_LINUX = 'FARGATE_LINUX',
  HYBRID_LINUX = 'HYBRID_LINUX',
  /** SageMaker HyperPod node role. */
  HYPERPOD_LINUX = 'HYPERPOD_LINUX',
}
