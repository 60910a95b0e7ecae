/** EKS access entries as the analysis sees them (from `AWS::EKS::AccessEntry` resources of synthesized templates). */
export interface AccessScope {
  /** `cluster` or `namespace`. */
  readonly type: string;
  readonly namespaces: readonly string[];
}

export interface AccessPolicyAssociation {
  readonly policyArn: string;
  readonly scope: AccessScope;
}

/** A CDK stack's environment as its cloud assembly records it; absent fields: environment-agnostic. */
export interface StackEnvironment {
  readonly account?: string;
  readonly region?: string;
}

export interface AccessEntryRecord {
  /** As far as it can be resolved offline; an unknown account shows as `${AWS::AccountId}`. */
  readonly principalArn: string;
  /** `STANDARD` unless the template says otherwise. */
  readonly type: string;
  readonly username?: string;
  readonly kubernetesGroups: readonly string[];
  readonly accessPolicies: readonly AccessPolicyAssociation[];
  readonly clusterName?: string;
  /** The account and region of the stack that declares the entry (cdk.out manifest), when the stack has them. */
  readonly stackEnvironment?: StackEnvironment;
  /** `template-file#LogicalId`. */
  readonly origin: string;
}
