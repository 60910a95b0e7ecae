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

export interface AccessEntryRecord {
  /** As far as it can be resolved offline; an unknown account shows as `${AWS::AccountId}`. */
  readonly principalArn: string;
  /** `STANDARD` unless the template says otherwise. */
  readonly type: string;
  readonly username?: string;
  readonly kubernetesGroups: readonly string[];
  readonly accessPolicies: readonly AccessPolicyAssociation[];
  readonly clusterName?: string;
  /** `template-file#LogicalId`. */
  readonly origin: string;
}
