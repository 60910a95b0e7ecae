/**
 * The `kube-system/aws-auth` ConfigMap rendered from the access model, node-role rows included so that applying it
 * never drops a row the cluster relies on. It carries the ownership annotation `mergeAwsAuth` uses; apply it with
 * `eks-access merge-aws-auth` (README "k8s"), not with a plain `kubectl apply`, on clusters where others write rows.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { AwsAuthRows, RoleMapping, UserMapping } from '../../authenticator/mapper/types';
import { keyedRows, OWNED_ROWS_ANNOTATION, ownershipAnnotation } from './aws-auth-ownership';
import { normaliseAwsAuth, rowKeys } from '../model/model-aws-auth-rows';
import { NodeRoleMapping, nodeRoleRow } from './node-role-rows';
import { RuleError } from '../model/rule-error';
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE, encodeAwsAuth } from '../../authenticator/mapper/aws-auth';

const AWS_AUTH_EMPTY_RULE = 'eks-access:aws-auth-empty';

export interface AwsAuthConfigMapProps {
  /** `mapRoles` rows (role paths are stripped). @default - none */
  readonly roles?: RoleMapping[];
  /** `mapUsers` rows. @default - none */
  readonly users?: UserMapping[];
  /** `mapAccounts` account ids. @default - none */
  readonly accounts?: string[];
  /** Node and Fargate roles; their rows come first. @default - none */
  readonly nodeRoles?: NodeRoleMapping[];
  /**
   * Allow a ConfigMap without rows: the ownership file of a model that no longer has aws-auth rows (API mode, or
   * API_AND_CONFIG_MAP without accounts), so that `eks-access merge-aws-auth` removes the rows it wrote before.
   * @default false (an empty aws-auth is refused: applied as is it would drop every row)
   */
  readonly allowEmpty?: boolean;
}

export class AwsAuthConfigMap extends Construct {
  /** The rows written, after path stripping; what `mergeAwsAuth` takes as "ours". */
  public readonly content: AwsAuthRows;
  public readonly configMap: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: AwsAuthConfigMapProps) {
    super(scope, id);
    const roles = [...(props.nodeRoles ?? []).map(nodeRoleRow), ...(props.roles ?? [])];
    this.content = normaliseAwsAuth({ roles, users: props.users ?? [], accounts: props.accounts ?? [] }, this.node.path);
    if (rowKeys(this.content).length === 0 && !props.allowEmpty) throw new RuleError(AWS_AUTH_EMPTY_RULE, this.node.path, `aws-auth would be empty; give roles, users, accounts or nodeRoles`);
    this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: AWS_AUTH_NAME,
        namespace: AWS_AUTH_NAMESPACE,
        annotations: { [OWNED_ROWS_ANNOTATION]: ownershipAnnotation(keyedRows(this.content)) },
      },
      data: encodeAwsAuth(this.content),
    });
  }
}
