/**
 * The mapping backends the containerised authenticator is configured with, and the Kubernetes API rights each one
 * needs (least privilege: only the aws-auth ConfigMap by name, only reads of IAMIdentityMappings).
 */
import { IAM_IDENTITY_MAPPING_GROUP } from './iam-identity-mapping';
import type { AwsAuthRows } from '../../authenticator/mapper/types';
import type { AccessModel } from '../model/access-model';
import { authenticatorMappingRows, staticMappingLists } from '../model/model-aws-auth-rows';
import type { RbacRule } from '../model/rbac-rule-forms';
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE } from '../../authenticator/mapper/aws-auth';

/** RBAC rules that hold in one namespace. */
export interface NamespacedRbacRules {
  readonly namespace: string;
  readonly rules: RbacRule[];
}

/** Backend kinds, in the spelling of the server config (`mapping.backends[].type`). */
export enum AuthenticatorBackendType {
  STATIC = 'static',
  CONFIG_MAP = 'configMap',
  CRD = 'crd',
}

export class AuthenticatorBackend {
  /** Rows baked into the server config (e.g. `authenticatorMappingRows(model)`). */
  public static staticRows(content: AwsAuthRows): AuthenticatorBackend {
    return new AuthenticatorBackend(AuthenticatorBackendType.STATIC, { type: AuthenticatorBackendType.STATIC, ...staticMappingLists(content) });
  }

  /**
   * The model's mapping rows baked into the server config: `staticRows(authenticatorMappingRows(model))` in one call,
   * which reads well from every jsii language (Python would otherwise spell the rows out as keyword arguments).
   * Seals the model, as the constructs do.
   */
  public static fromModel(model: AccessModel): AuthenticatorBackend {
    return AuthenticatorBackend.staticRows(authenticatorMappingRows(model));
  }

  /** Watch an aws-auth-format ConfigMap (default `kube-system/aws-auth`). */
  public static awsAuthConfigMap(namespace = AWS_AUTH_NAMESPACE, name = AWS_AUTH_NAME): AuthenticatorBackend {
    return new AuthenticatorBackend(AuthenticatorBackendType.CONFIG_MAP, { type: AuthenticatorBackendType.CONFIG_MAP, namespace, name }, { namespace, name });
  }

  /** Watch IAMIdentityMapping objects (install `IamIdentityMappingCrd` too). */
  public static iamIdentityMappings(): AuthenticatorBackend {
    return new AuthenticatorBackend(AuthenticatorBackendType.CRD, { type: AuthenticatorBackendType.CRD });
  }

  private constructor(
    public readonly type: AuthenticatorBackendType,
    /** The `mapping.backends[]` entry of the server config. */
    public readonly config: Record<string, unknown>,
    private readonly configMap?: { namespace: string; name: string },
  ) {}

  /** True if the backend reads the Kubernetes API (so the pod needs a ServiceAccount token). */
  public get needsApiAccess(): boolean {
    return this.type !== AuthenticatorBackendType.STATIC;
  }

  /**
   * Namespaced rules: get/list/watch on the one ConfigMap by name. The ConfigMap backend lists and watches with the
   * field selector `metadata.name=<name>`, which RBAC matches against resourceNames; the reference grants list/watch on
   * every ConfigMap instead.
   */
  public get namespacedRules(): NamespacedRbacRules | undefined {
    if (!this.configMap) return undefined;
    return { namespace: this.configMap.namespace, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [this.configMap.name], verbs: ['get', 'list', 'watch'] }] };
  }

  /** Cluster-wide rules (IAMIdentityMapping is cluster-scoped, so a RoleBinding could not grant it). */
  public get clusterRules(): RbacRule[] {
    return this.type === AuthenticatorBackendType.CRD
      ? [{ apiGroups: [IAM_IDENTITY_MAPPING_GROUP], resources: ['iamidentitymappings'], verbs: ['get', 'list', 'watch'] }]
      : [];
  }
}
