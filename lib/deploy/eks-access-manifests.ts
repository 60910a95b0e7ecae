/**
 * Applies the Kubernetes side of an access model to an aws-cdk-lib EKS cluster at deploy time: the RBAC objects and
 * service accounts as one `KubernetesManifest`, ordered after the access entries (and anything else in `after`), and,
 * in the ConfigMap modes, the aws-auth rows through the cluster's own `AwsAuth` (aws-cdk-lib already owns aws-auth on
 * an `eks.Cluster` and keeps its node-group rows; a second aws-auth manifest would fight it).
 */
import { App } from 'cdk8s';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import type { AccessModel } from '../model';
import { AccessChart } from '../k8s/access-chart';
import { isAwsAuthConfigMap } from '../../authenticator/mapper/aws-auth';
import type { AwsAuthRows } from '../../authenticator/mapper/types';
import { RuleError } from '../model/rule-error';

const AWS_AUTH_IMPORTED_CLUSTER_RULE = 'eks-access:aws-auth-imported-cluster';

export interface EksAccessManifestsProps {
  /** The cluster (an `eks.Cluster` of this app, or an imported one with a kubectl provider). */
  readonly cluster: eks.ICluster;
  readonly model: AccessModel;
  /** Constructs the manifests must be applied after, typically the `ClusterAccess` holding the access entries. @default - none */
  readonly after?: IConstruct[];
  /** ClusterRoles made elsewhere that group grants may bind. @default - none */
  readonly externalClusterRoles?: string[];
}

export class EksAccessManifests extends Construct {
  /** The manifest of the RBAC objects and service accounts, if there are any. */
  public readonly manifest?: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: EksAccessManifestsProps) {
    super(scope, id);
    const chart = new AccessChart(new App(), 'access', { model: props.model, externalClusterRoles: props.externalClusterRoles });
    const objects = chart.toJson().filter((o: unknown) => !isAwsAuthConfigMap(o));
    if (objects.length > 0) {
      this.manifest = new eks.KubernetesManifest(this, 'Manifest', { cluster: props.cluster, manifest: objects });
      for (const dep of props.after ?? []) this.manifest.node.addDependency(dep);
    }
    this.addAwsAuthRows(props, chart.awsAuth?.content);
  }

  private addAwsAuthRows(props: EksAccessManifestsProps, rows: AwsAuthRows | undefined): void {
    if (!rows) return;
    if (!(props.cluster instanceof eks.Cluster)) {
      throw new RuleError(AWS_AUTH_IMPORTED_CLUSTER_RULE, this.node.path, `the model needs aws-auth rows but the cluster is imported; merge dist/aws-auth.k8s.yaml (writeAccessManifests) with \`eks-access merge-aws-auth\` instead`);
    }
    const awsAuth = props.cluster.awsAuth;
    rows.roles.forEach((r, i) => awsAuth.addRoleMapping(iam.Role.fromRoleArn(this, `AwsAuthRole${i}`, r.roleArn!, { mutable: false }), { username: r.username, groups: [...r.groups] }));
    rows.users.forEach((u, i) => awsAuth.addUserMapping(iam.User.fromUserArn(this, `AwsAuthUser${i}`, u.userArn), { username: u.username, groups: [...u.groups] }));
    rows.accounts.forEach((a) => awsAuth.addAccount(a));
  }
}
