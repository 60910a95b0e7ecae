/**
 * The cluster a `ClusterAccess` grants access to: an aws-cdk-lib `eks.Cluster` / `eks.ICluster`, or a cluster known
 * only by name (another stack, another tool), so access can live in any stack (unlike aws-cdk-lib's `awsAuth`, unusable
 * on imported clusters: https://github.com/aws/aws-cdk/issues/19753).
 */
import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { AuthenticationMode } from '../model';
import { RuleError } from '../model/rule-error';
import { eksClusterNameProblem } from './eks-cluster-name';

const CLUSTER_TARGET_RULE = 'eks-access:cluster-target';

/**
 * What `ClusterTarget.fromCluster` reads of a cluster construct: the members aws-cdk-lib's `eks.ICluster` and the
 * `@aws-cdk/aws-eks-v2-alpha` `ICluster` both have. A structural interface, because the alpha's `ICluster` does not
 * extend aws-cdk-lib's (nor its `IClusterRef`, as of 2.240.0-alpha.0: lib/cluster.d.ts) and this library must not
 * depend on an alpha package at run time; jsii accepts it as a parameter type (in a union with `eks.ICluster`, so
 * jsii languages' runtime type checks keep accepting aws-cdk-lib clusters as before).
 */
export interface IEksCluster extends IConstruct {
  /** The EKS cluster name (may be a token). */
  readonly clusterName: string;
  /** The cluster ARN. */
  readonly clusterArn: string;
  /** The cluster's IAM OIDC provider (read only when an IRSA service account needs it; may throw when absent). */
  readonly openIdConnectProvider: iam.IOpenIdConnectProvider;
}

/** Attributes of a cluster referred to by name. */
export interface ClusterTargetAttributes {
  /** The EKS cluster name. */
  readonly clusterName: string;
  /**
   * The cluster's authentication mode; when given, the model's mode must match it.
   * @default - not checked
   */
  readonly authenticationMode?: AuthenticationMode;
  /**
   * The cluster's OIDC issuer without `https://` (e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC…`), needed for IRSA
   * service accounts. The IAM OIDC provider for it must exist in the account.
   * @default - IRSA service accounts are refused
   */
  readonly oidcIssuer?: string;
}

/** Where access is granted. Build with `ClusterTarget.fromClusterName` or `ClusterTarget.fromCluster`. */
export class ClusterTarget {
  /**
   * A cluster known by name (imported, or managed elsewhere). The name may be a token; a literal one must be an EKS
   * cluster name. Rule `eks-access:cluster-target`.
   */
  public static fromClusterName(attrs: ClusterTargetAttributes): ClusterTarget {
    // Untyped callers (JavaScript, or a string where the attributes go) would otherwise meet CloudFormation's
    // "missing required property" at deploy time, far from the call.
    if (typeof attrs !== 'object' || attrs === null) {
      throw new RuleError(CLUSTER_TARGET_RULE, 'ClusterTarget.fromClusterName',
        `expects attributes { clusterName: '<EKS cluster name>' }, got ${attrs === null ? 'null' : `a ${typeof attrs}`}`);
    }
    const name: unknown = attrs.clusterName;
    const problem = typeof name === 'string' && Token.isUnresolved(name) ? undefined : eksClusterNameProblem(name);
    if (problem) throw new RuleError(CLUSTER_TARGET_RULE, 'ClusterTarget.fromClusterName', `clusterName: ${problem}`);
    return new ClusterTarget(attrs.clusterName, attrs.authenticationMode, () => attrs.oidcIssuer === undefined ? undefined : { issuer: attrs.oidcIssuer }, undefined);
  }

  /**
   * A cluster construct of aws-cdk-lib `aws-eks` or of `@aws-cdk/aws-eks-v2-alpha`: `new eks.Cluster(...)` (its
   * authentication mode is checked against the model) or `eks.Cluster.fromClusterAttributes(...)` (IRSA needs its
   * `openIdConnectProvider`).
   */
  public static fromCluster(cluster: eks.ICluster | IEksCluster): ClusterTarget {
    const mode = authenticationModeOf(cluster);
    return new ClusterTarget(cluster.clusterName, mode, () => {
      // Reading openIdConnectProvider creates the provider on a new cluster, and throws on an imported one without it.
      let provider: iam.IOpenIdConnectProvider;
      try {
        provider = cluster.openIdConnectProvider;
      } catch {
        return undefined;
      }
      return { issuer: provider.openIdConnectProviderIssuer, providerArn: provider.openIdConnectProviderArn };
    }, cluster);
  }

  private constructor(
    /** The cluster name (may be a token). */
    public readonly clusterName: string,
    /** The authentication mode, when known. */
    public readonly authenticationMode: AuthenticationMode | undefined,
    private readonly oidcLookup: () => OidcIssuer | undefined,
    private readonly cluster: eks.ICluster | IEksCluster | undefined,
  ) {}

  /**
   * The aws-cdk-lib cluster construct, when built with `fromCluster`: its `awsAuth` and `eksPodIdentityAgent` are
   * shared with aws-cdk-lib's own users of them. @internal
   */
  public _cluster(): eks.ICluster | IEksCluster | undefined {
    return this.cluster;
  }

  /** The OIDC issuer for IRSA, looked up only when a service account needs it. @internal */
  public _oidc(): OidcIssuer | undefined {
    return this.oidcLookup();
  }
}

/** @internal */
export interface OidcIssuer {
  /** Issuer host and path, no scheme. */
  readonly issuer: string;
  /** @default - `arn:<partition>:iam::<account>:oidc-provider/<issuer>` */
  readonly providerArn?: string;
}

/**
 * The authentication mode of a cluster made in this app, or undefined for an imported one (it does not say).
 * aws-cdk-lib's `eks.Cluster` says it (default CONFIG_MAP); any other cluster construct whose default child is an
 * `AWS::EKS::Cluster` says it in `accessConfig.authenticationMode` — the aws-eks-v2 alpha writes `'API'` there
 * (aws-eks-v2-alpha lib/cluster.ts) — and without an `accessConfig` EKS creates the cluster in CONFIG_MAP mode
 * (EKS API, `CreateAccessConfigRequest.authenticationMode`: "If you create a cluster by using the EKS API, Amazon Web
 * Services SDKs, or CloudFormation, the default is CONFIG_MAP"; botocore data/eks/2017-11-01/service-2.json).
 */
function authenticationModeOf(cluster: eks.ICluster | IEksCluster): AuthenticationMode | undefined {
  if (cluster instanceof eks.Cluster) return AuthenticationMode[cluster.authenticationMode ?? eks.AuthenticationMode.CONFIG_MAP];
  const resource = cluster.node.defaultChild;
  if (!(resource instanceof eks.CfnCluster)) return undefined;
  const config = resource.accessConfig;
  if (config !== undefined && Token.isUnresolved(config)) return undefined;
  const mode = (config as eks.CfnCluster.AccessConfigProperty | undefined)?.authenticationMode;
  if (mode === undefined) return AuthenticationMode.CONFIG_MAP;
  return typeof mode === 'string' && mode in AuthenticationMode ? AuthenticationMode[mode as keyof typeof AuthenticationMode] : undefined;
}
