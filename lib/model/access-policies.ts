/**
 * The catalogue of EKS access policies
 * (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html). EKS owns them: they cannot be
 * created, only associated. AWS adds policies between releases of this library, so a well-formed name outside the
 * catalogue is accepted (`AccessPolicy.of` / `fromArn`) and reported as a synth warning naming it — it may be a typo,
 * which EKS would only reject at deploy time. A malformed name or ARN is refused.
 */
import { accessPolicyArn, findPartition, parseAccessPolicyArn } from '../../authenticator/mapper/eks-rules';
import { AccessScopeType } from './enums';
import { RuleError } from './rule-error';

const ACCESS_POLICY_NAME_RULE = 'eks-access:access-policy-name';
const ACCESS_POLICY_ARN_RULE = 'eks-access:access-policy-arn';
const PARTITION_RULE = 'eks-access:partition';

/** An access policy associated at a scope. Build with `policy.atClusterScope()` / `policy.inNamespaces(...)`. */
export interface AccessPolicyGrant {
  /** The policy. */
  readonly policy: AccessPolicy;
  /** Cluster or namespace scope. */
  readonly scope: AccessScopeType;
  /**
   * Namespaces for `NAMESPACE` scope (required there, refused with `CLUSTER`).
   * @default - none
   */
  readonly namespaces?: string[];
}

/** An EKS-managed access policy, `arn:<partition>:eks::aws:cluster-access-policy/<name>`. */
export class AccessPolicy {
  /** `cluster-admin`: everything, including non-resource URLs. Typical scope: cluster. */
  public static readonly AMAZON_EKS_CLUSTER_ADMIN_POLICY = new AccessPolicy('AmazonEKSClusterAdminPolicy', AccessScopeType.CLUSTER, true);
  /** `admin`: most namespaced writes including RBAC in the namespace. Typical scope: namespace. */
  public static readonly AMAZON_EKS_ADMIN_POLICY = new AccessPolicy('AmazonEKSAdminPolicy', AccessScopeType.NAMESPACE, true);
  /** `edit`. Typical scope: namespace. */
  public static readonly AMAZON_EKS_EDIT_POLICY = new AccessPolicy('AmazonEKSEditPolicy', AccessScopeType.NAMESPACE, true);
  /** `view` (no Secrets). Typical scope: namespace. */
  public static readonly AMAZON_EKS_VIEW_POLICY = new AccessPolicy('AmazonEKSViewPolicy', AccessScopeType.NAMESPACE, true);
  /** Read everything including Secrets (no upstream equivalent). Typical scope: cluster. */
  public static readonly AMAZON_EKS_ADMIN_VIEW_POLICY = new AccessPolicy('AmazonEKSAdminViewPolicy', AccessScopeType.CLUSTER, true);
  /** Auto Mode node components; the only policy an `EC2` (Auto Mode node) entry takes. */
  public static readonly AMAZON_EKS_AUTO_NODE_POLICY = new AccessPolicy('AmazonEKSAutoNodePolicy', AccessScopeType.CLUSTER);
  /** Auto Mode block-storage controller leases (cluster IAM role). */
  public static readonly AMAZON_EKS_BLOCK_STORAGE_POLICY = new AccessPolicy('AmazonEKSBlockStoragePolicy', AccessScopeType.CLUSTER);
  /** Auto Mode load-balancing controller leases (cluster IAM role). */
  public static readonly AMAZON_EKS_LOAD_BALANCING_POLICY = new AccessPolicy('AmazonEKSLoadBalancingPolicy', AccessScopeType.CLUSTER);
  /** Auto Mode networking controller leases (cluster IAM role). */
  public static readonly AMAZON_EKS_NETWORKING_POLICY = new AccessPolicy('AmazonEKSNetworkingPolicy', AccessScopeType.CLUSTER);
  /** Auto Mode compute controller leases (cluster IAM role). */
  public static readonly AMAZON_EKS_COMPUTE_POLICY = new AccessPolicy('AmazonEKSComputePolicy', AccessScopeType.CLUSTER);
  /** Auto Mode block-storage capability. */
  public static readonly AMAZON_EKS_BLOCK_STORAGE_CLUSTER_POLICY = new AccessPolicy('AmazonEKSBlockStorageClusterPolicy', AccessScopeType.CLUSTER);
  /** Auto Mode compute capability. */
  public static readonly AMAZON_EKS_COMPUTE_CLUSTER_POLICY = new AccessPolicy('AmazonEKSComputeClusterPolicy', AccessScopeType.CLUSTER);
  /** Auto Mode load-balancing capability. */
  public static readonly AMAZON_EKS_LOAD_BALANCING_CLUSTER_POLICY = new AccessPolicy('AmazonEKSLoadBalancingClusterPolicy', AccessScopeType.CLUSTER);
  /** Auto Mode networking capability. */
  public static readonly AMAZON_EKS_NETWORKING_CLUSTER_POLICY = new AccessPolicy('AmazonEKSNetworkingClusterPolicy', AccessScopeType.CLUSTER);
  /** Hybrid nodes: list `nodes`. */
  public static readonly AMAZON_EKS_HYBRID_POLICY = new AccessPolicy('AmazonEKSHybridPolicy', AccessScopeType.CLUSTER);
  /** EMR on EKS job execution. */
  public static readonly AMAZON_EMR_JOB_POLICY = new AccessPolicy('AmazonEMRJobPolicy', AccessScopeType.NAMESPACE);
  /** SageMaker HyperPod cluster. */
  public static readonly AMAZON_SAGEMAKER_HYPERPOD_CLUSTER_POLICY = new AccessPolicy('AmazonSagemakerHyperpodClusterPolicy', AccessScopeType.CLUSTER);
  /** SageMaker HyperPod controller. */
  public static readonly AMAZON_SAGEMAKER_HYPERPOD_CONTROLLER_POLICY = new AccessPolicy('AmazonSagemakerHyperpodControllerPolicy', AccessScopeType.CLUSTER);
  /** SageMaker HyperPod space. */
  public static readonly AMAZON_SAGEMAKER_HYPERPOD_SPACE_POLICY = new AccessPolicy('AmazonSagemakerHyperpodSpacePolicy', AccessScopeType.NAMESPACE);
  /** SageMaker HyperPod space template. */
  public static readonly AMAZON_SAGEMAKER_HYPERPOD_SPACE_TEMPLATE_POLICY = new AccessPolicy('AmazonSagemakerHyperpodSpaceTemplatePolicy', AccessScopeType.NAMESPACE);
  /** SageMaker HyperPod system namespace. */
  public static readonly AMAZON_SAGEMAKER_HYPERPOD_SYSTEM_NAMESPACE_POLICY = new AccessPolicy('AmazonSagemakerHyperpodSystemNamespacePolicy', AccessScopeType.NAMESPACE);
  /** SageMaker HyperPod user cluster. */
  public static readonly AMAZON_SAGEMAKER_HYPERPOD_USER_CLUSTER_POLICY = new AccessPolicy('AmazonSagemakerHyperpodUserClusterPolicy', AccessScopeType.CLUSTER);
  /** EKS Capability: AWS Controllers for Kubernetes. */
  public static readonly AMAZON_EKS_ACK_POLICY = new AccessPolicy('AmazonEKSACKPolicy', AccessScopeType.CLUSTER);
  /** EKS Capability: Argo CD (namespaced part). */
  public static readonly AMAZON_EKS_ARGO_CD_POLICY = new AccessPolicy('AmazonEKSArgoCDPolicy', AccessScopeType.NAMESPACE);
  /** EKS Capability: Argo CD (cluster part). */
  public static readonly AMAZON_EKS_ARGO_CD_CLUSTER_POLICY = new AccessPolicy('AmazonEKSArgoCDClusterPolicy', AccessScopeType.CLUSTER);
  /** EKS Capability: kro. */
  public static readonly AMAZON_EKS_KRO_POLICY = new AccessPolicy('AmazonEKSKROPolicy', AccessScopeType.CLUSTER);
  /** Service integration: read Secrets. */
  public static readonly AMAZON_EKS_SECRET_READER_POLICY = new AccessPolicy('AmazonEKSSecretReaderPolicy', AccessScopeType.NAMESPACE);
  /** Service integration: manage Secrets. */
  public static readonly AMAZON_EKS_SECRET_ADMIN_POLICY = new AccessPolicy('AmazonEKSSecretAdminPolicy', AccessScopeType.NAMESPACE);
  /** Service integration: Pod Identity. */
  public static readonly AMAZON_EKS_POD_IDENTITY_POLICY = new AccessPolicy('AmazonEKSPodIdentityPolicy', AccessScopeType.CLUSTER);
  /** Service integration: events. */
  public static readonly AMAZON_EKS_EVENT_POLICY = new AccessPolicy('AmazonEKSEventPolicy', AccessScopeType.CLUSTER);
  /** AWS service agent: AIOps assistant. */
  public static readonly AMAZON_AIOPS_ASSISTANT_POLICY = new AccessPolicy('AmazonAIOpsAssistantPolicy', AccessScopeType.CLUSTER);
  /** AWS service agent: AI DevOps agent. */
  public static readonly AI_DEVOPS_AGENT_ACCESS_POLICY = new AccessPolicy('AIDevOpsAgentAccessPolicy', AccessScopeType.CLUSTER);
  /** AWS service agent: ARC region switch scaling. */
  public static readonly AMAZON_ARC_REGION_SWITCH_SCALING_POLICY = new AccessPolicy('AmazonARCRegionSwitchScalingPolicy', AccessScopeType.CLUSTER);

  /** Every policy in the catalogue. */
  public static all(): AccessPolicy[] {
    return [...CATALOGUE.values()];
  }

  /**
   * The policy with this name: the catalogued one, or — for a policy AWS released after this version — an uncatalogued
   * one (`catalogued` false; `ClusterAccess` warns at synth, naming it). Throws for a name that cannot be a policy name.
   */
  public static of(policyName: string): AccessPolicy {
    const policy = CATALOGUE.get(policyName) ?? UNCATALOGUED.get(policyName);
    if (policy) return policy;
    if (!POLICY_NAME.test(policyName)) {
      throw new RuleError(ACCESS_POLICY_NAME_RULE, 'AccessPolicy.of', `'${policyName}' is not an EKS access policy name (letters and digits, e.g. AmazonEKSViewPolicy); catalogued names: ${[...CATALOGUE.keys()].join(', ')}`);
    }
    const added = new AccessPolicy(policyName, AccessScopeType.CLUSTER, false, false);
    UNCATALOGUED.set(policyName, added);
    return added;
  }

  /**
   * The policy of an ARN `arn:<partition>:eks::aws:cluster-access-policy/<name>` (catalogued or not, as `of`); throws
   * for anything else.
   */
  public static fromArn(policyArn: string): AccessPolicy {
    const parsed = parseAccessPolicyArn(policyArn);
    if (!parsed || !findPartition(parsed.partition)) {
      throw new RuleError(ACCESS_POLICY_ARN_RULE, 'AccessPolicy.fromArn', `'${policyArn}' is not an EKS access policy ARN (${accessPolicyArn('<partition>', '<Name>')})`);
    }
    return AccessPolicy.of(parsed.policyName);
  }

  private constructor(
    /** The policy name, e.g. `AmazonEKSViewPolicy`. */
    public readonly policyName: string,
    /** The scope AWS documents as typical; any policy may be given either scope on a STANDARD entry. */
    public readonly typicalScope: AccessScopeType,
    /** True for the five policies meant for people (the ones aws-cdk-lib exposes). */
    public readonly generalPurpose: boolean = false,
    /** False for a policy named through `of`/`fromArn` that this version's catalogue does not know. */
    public readonly catalogued: boolean = true,
  ) {}

  /** This policy at cluster scope. */
  public atClusterScope(): AccessPolicyGrant {
    return { policy: this, scope: AccessScopeType.CLUSTER };
  }

  /** This policy limited to namespaces (a trailing `*` is a wildcard, e.g. `dev-*`). */
  public inNamespaces(...namespaces: string[]): AccessPolicyGrant {
    return { policy: this, scope: AccessScopeType.NAMESPACE, namespaces };
  }

  /** The ARN in a partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, ...). */
  public arn(partition: string = 'aws'): string {
    if (!findPartition(partition)) throw new RuleError(PARTITION_RULE, `AccessPolicy.arn('${partition}')`, `'${partition}' is not an AWS partition`);
    return accessPolicyArn(partition, this.policyName);
  }
}

/** EKS access policy names are letters and digits (`AmazonEKSViewPolicy`, `AIDevOpsAgentAccessPolicy`). */
const POLICY_NAME = /^[A-Za-z][A-Za-z0-9]{1,127}$/;
/** Policies named through `of` that the catalogue does not know, one instance per name. */
const UNCATALOGUED = new Map<string, AccessPolicy>();

const CATALOGUE: ReadonlyMap<string, AccessPolicy> = new Map(
  Object.values(AccessPolicy)
    .filter((v): v is AccessPolicy => v instanceof AccessPolicy)
    .map((p) => [p.policyName, p]),
);
