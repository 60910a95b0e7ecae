/**
 * The cluster a `ClusterAccess` grants access to: an aws-cdk-lib `eks.Cluster` / `eks.ICluster`, or a cluster known
 * only by name (another stack, another tool), so access can live in any stack (unlike aws-cdk-lib's `awsAuth`, unusable
 * on imported clusters: https://github.com/aws/aws-cdk/issues/19753).
 */
import * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { AuthenticationMode } from '../model';

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
  /** A cluster known by name (imported, or managed elsewhere). */
  public static fromClusterName(attrs: ClusterTargetAttributes): ClusterTarget {
    return new ClusterTarget(attrs.clusterName, attrs.authenticationMode, () => attrs.oidcIssuer === undefined ? undefined : { issuer: attrs.oidcIssuer }, undefined);
  }

  /**
   * An aws-cdk-lib cluster: `new eks.Cluster(...)` (its authentication mode is checked against the model) or
   * `eks.Cluster.fromClusterAttributes(...)` (IRSA needs its `openIdConnectProvider`).
   */
  public static fromCluster(cluster: eks.ICluster): ClusterTarget {
    // A cluster made here has a known mode (aws-cdk-lib's default is CONFIG_MAP); an imported one does not say.
    const mode = cluster instanceof eks.Cluster ? (cluster.authenticationMode ?? eks.AuthenticationMode.CONFIG_MAP) : undefined;
    return new ClusterTarget(cluster.clusterName, mode === undefined ? undefined : AuthenticationMode[mode], () => {
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
    private readonly cluster: eks.ICluster | undefined,
  ) {}

  /**
   * The aws-cdk-lib cluster construct, when built with `fromCluster`: its `awsAuth` and `eksPodIdentityAgent` are
   * shared with aws-cdk-lib's own users of them. @internal
   */
  public _cluster(): eks.ICluster | undefined {
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
