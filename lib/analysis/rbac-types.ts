/**
 * The RBAC object shapes the evaluator reads (`rbac.authorization.k8s.io/v1`), in normalised form: every list present
 * (an absent list and `[]` are the same thing to the apiserver) and the defaults of `pkg/apis/rbac/v1/defaults.go`
 * applied. Plain data, so parsed YAML/JSON manifests map onto it directly.
 */
import type { PolicyRule } from '../model/rbac-rule-forms';

export type { PolicyRule };

export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly apiGroup?: string;
}

export interface RoleRef {
  readonly kind: string;
  readonly name: string;
  readonly apiGroup?: string;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface RbacRole {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** `''` for a ClusterRole. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly PolicyRule[];
  readonly aggregationRule?: { readonly clusterRoleSelectors: readonly LabelSelector[] };
  /** Where the object came from (file path, template resource), for explanations. */
  readonly origin?: string;
}

export interface RbacBinding {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  /** `''` for a ClusterRoleBinding. */
  readonly namespace: string;
  readonly subjects: readonly Subject[];
  readonly roleRef: RoleRef;
  readonly origin?: string;
}

/** The user as the authorizer sees it: exactly these name and groups (implicit groups are added by the caller). */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

/** A resource request (`IsResourceRequest() == true`). `namespace: ''` = cluster scope. */
export interface ResourceAttributes {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  readonly namespace: string;
}

/** A non-resource request such as `GET /healthz`. */
export interface NonResourceAttributes {
  readonly verb: string;
  readonly path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export function isResourceRequest(a: RequestAttributes): a is ResourceAttributes {
  return !('path' in a);
}

/** `ServiceAccount` subjects match this username (`serviceaccount.MatchesUsername`). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
