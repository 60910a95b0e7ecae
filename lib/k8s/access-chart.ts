/**
 * The Kubernetes side of the access model in one chart: RBAC for every group grant, the aws-auth ConfigMap (in the
 * ConfigMap authentication modes), optional IAMIdentityMapping objects, and the service accounts with their IRSA
 * annotation. Everything derives from the model (`awsAuthRows`, `groupGrants`, `serviceAccounts`); nothing here
 * re-decides who maps to what.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { AwsAuthRows } from '../../authenticator/mapper/types';
import { AccessModel, authenticatorMappingRows, rbacRuleFromJson, awsAuthRows, AuthenticationMode, GroupGrantJson, ServiceAccountMechanism, systemMastersWarnings } from '../model';
import { ACCESS_MODEL_RULE, assertValidModel } from '../model/assert-valid-model';
import { RuleError } from '../model/rule-error';
import { renderAccessPolicyRbac } from './access-policy-rbac';
import { warnAt } from './chart-warnings';
import { AwsAuthConfigMap } from './aws-auth-config-map';
import { IamIdentityMapping, IamIdentityMappingCrd } from './iam-identity-mapping';
import { RbacChart, RoleKind } from './rbac-chart';
import { RbacSubject } from './rbac-subject';

export const MANAGED_BY_LABELS = { 'app.kubernetes.io/managed-by': 'cdk-eks-access' };
const AWS_AUTH_IN_API_MODE_RULE = 'eks-access:aws-auth-in-api-mode';
const IAM_IDENTITY_MAPPING_ACCOUNTS_RULE = 'eks-access:iam-identity-mapping-accounts';
/** Prefix of the names of the RBAC objects rendered for group grants. */
export const GRANT_NAME_PREFIX = 'eks-access:';

export interface AccessChartProps {
  /** The access model. */
  readonly model: AccessModel;
  /**
   * Render the aws-auth ConfigMap. @default - true in the CONFIG_MAP and API_AND_CONFIG_MAP modes when the model has
   * rows for it
   */
  readonly awsAuth?: boolean;
  /** Also render the model's mappings as IAMIdentityMapping objects (+ their CRD), for the authenticator's CRD backend. @default false */
  readonly iamIdentityMappings?: boolean;
  /** Include the IAMIdentityMapping CRD when `iamIdentityMappings` is on. @default true */
  readonly includeIamIdentityMappingCrd?: boolean;
  /** ClusterRoles made elsewhere that group grants may bind. @default - none */
  readonly externalClusterRoles?: string[];
  /**
   * The model's identities are authenticated by this library's authenticator on a self-managed cluster (the Lambda
   * `AuthenticatorFunction`, or `AuthenticatorChart` with `authenticatorMappingRows`), where no EKS authorizer
   * evaluates access policies: render each access policy as the binding of its group to the Kubernetes role EKS uses
   * for it (see README "Shipping option 2"). Synth fails, naming the policy, for one RBAC cannot express.
   * @default - true when `iamIdentityMappings` is on, else false
   */
  readonly selfManagedAuthenticator?: boolean;
}

/** RBAC names must not contain `/` or `%`; group names may. */
function grantName(group: string, suffix = ''): string {
  return `${GRANT_NAME_PREFIX}${group.replace(/[/%]/g, '-')}${suffix}`;
}

function authenticatorMappingRowsAt(chart: Construct, model: AccessModel): AwsAuthRows {
  try {
    return authenticatorMappingRows(model);
  } catch (e) {
    throw RuleError.within(chart.node.path, e, ACCESS_MODEL_RULE);
  }
}

/**
 * Whether the model's aws-auth ConfigMap is rendered: `awsAuth` if given, else when the mode reads aws-auth and the
 * model has rows for it. Throws (naming `path`) for `awsAuth: true` in API mode.
 */
export function rendersAwsAuth(model: AccessModel, awsAuth: boolean | undefined, path: string): boolean {
  const rows = awsAuthRows(model);
  const hasRows = rows.roles.length + rows.users.length + rows.accounts.length > 0;
  const want = awsAuth ?? (model.authenticationMode !== AuthenticationMode.API && hasRows);
  if (want && model.authenticationMode === AuthenticationMode.API) {
    throw new RuleError(AWS_AUTH_IN_API_MODE_RULE, path, `awsAuth is on but the model's authentication mode is API, where EKS ignores aws-auth`);
  }
  return want;
}

/** The model's aws-auth ConfigMap as construct `AwsAuth` of `scope`. */
export function awsAuthConfigMapOf(scope: Construct, model: AccessModel): AwsAuthConfigMap {
  const rows = awsAuthRows(model);
  return new AwsAuthConfigMap(scope, 'AwsAuth', rows);
}

export class AccessChart extends RbacChart {
  /** The aws-auth ConfigMap construct, if rendered. */
  public readonly awsAuth?: AwsAuthConfigMap;

  constructor(scope: Construct, id: string, props: AccessChartProps) {
    super(scope, id, { labels: MANAGED_BY_LABELS, externalClusterRoles: props.externalClusterRoles });
    const model = props.model;
    model._markRendered(`AccessChart '${this.node.path}'`);
    assertValidModel(model, this.node.path);
    model.groupGrants.forEach((g, i) => this.renderGrant(g, `Grant${i}`));
    if (props.selfManagedAuthenticator ?? props.iamIdentityMappings ?? false) renderAccessPolicyRbac(this, model);
    for (const sa of model.serviceAccounts) {
      new k8s.KubeServiceAccount(this, `ServiceAccount-${sa.id}`, {
        metadata: {
          name: sa.name,
          namespace: sa.namespace,
          // Pod Identity needs no annotation: the association lives in EKS (lib/aws).
          annotations: sa.mechanism === ServiceAccountMechanism.IRSA ? { 'eks.amazonaws.com/role-arn': sa.roleArn } : undefined,
        },
      });
    }
    for (const w of systemMastersWarnings(model)) warnAt(this, w.ruleId, `${w.subject}: ${w.message}`);
    if (rendersAwsAuth(model, props.awsAuth, this.node.path)) this.awsAuth = awsAuthConfigMapOf(this, model);
    if (props.iamIdentityMappings) {
      if (props.includeIamIdentityMappingCrd ?? true) new IamIdentityMappingCrd(this, 'IamIdentityMappingCrd');
      const all = authenticatorMappingRowsAt(this, model);
      if (all.accounts.length > 0) {
        throw new RuleError(IAM_IDENTITY_MAPPING_ACCOUNTS_RULE, this.node.path, `IAMIdentityMapping cannot express account-wide mappings (accounts ${all.accounts.join(', ')}); use the aws-auth ConfigMap or AuthenticatorBackend.staticRows for them`);
      }
      all.roles.forEach((r, i) => new IamIdentityMapping(this, `RoleMapping${i}`, { arn: r.roleArn!, username: r.username, groups: [...r.groups] }));
      all.users.forEach((u, i) => new IamIdentityMapping(this, `UserMapping${i}`, { arn: u.userArn, username: u.username, groups: [...u.groups] }));
    }
  }

  private renderGrant(g: GroupGrantJson, id: string): void {
    const subjects = [RbacSubject.group(g.group)];
    const rules = g.rules.map(rbacRuleFromJson);
    const namespaced = g.namespaces.length > 0;
    if (rules.length > 0) {
      const name = grantName(g.group);
      if (namespaced) {
        for (const ns of g.namespaces) {
          this.addRole(`${id}-Role-${ns}`, { name, namespace: ns, rules });
          this.addRoleBinding(`${id}-Binding-${ns}`, { name, namespace: ns, roleName: name, subjects });
        }
      } else {
        this.addClusterRole(`${id}-ClusterRole`, { name, rules });
        this.addClusterRoleBinding(`${id}-ClusterRoleBinding`, { name, clusterRoleName: name, subjects });
      }
    }
    if (g.clusterRole !== undefined) {
      const name = grantName(g.group, `:${g.clusterRole}`);
      if (namespaced) {
        for (const ns of g.namespaces) {
          this.addRoleBinding(`${id}-Bind-${g.clusterRole}-${ns}`, { name, namespace: ns, roleKind: RoleKind.CLUSTER_ROLE, roleName: g.clusterRole, subjects });
        }
      } else {
        this.addClusterRoleBinding(`${id}-Bind-${g.clusterRole}`, { name, clusterRoleName: g.clusterRole, subjects });
      }
    }
  }
}
