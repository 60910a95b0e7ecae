/**
 * The RBAC vocabulary a rule may use, written once for the charts (lib/k8s) and the offline analysis (lib/analysis):
 * the verbs Kubernetes' authorizers act on, and the shape of API groups and label selectors. The API server stores any
 * verb string without complaint, so a typo (`lsit`) silently grants nothing; these sets let synthesis refuse it.
 */

/** The request verbs of the API server (k8s.io/apiserver pkg/endpoints/request requestinfo.go), in that order. */
export const REQUEST_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/**
 * Verbs of resource requests: the request verbs of the API server (`REQUEST_VERBS`) plus the verbs that authorize
 * special actions (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb):
 * `use` (PodSecurityPolicy, admission), `bind`/`escalate` (RBAC), `impersonate`, `approve`/`sign`/`attest`
 * (certificates.k8s.io signers and ClusterTrustBundles), and `*`.
 */
export const RESOURCE_VERBS: ReadonlySet<string> = new Set([
  ...REQUEST_VERBS,
  'use', 'bind', 'escalate', 'impersonate', 'approve', 'sign', 'attest', '*',
]);

/** Verbs of non-resource requests: the lowercase HTTP method (requestinfo.go), e.g. `get` on `/healthz`. */
export const NON_RESOURCE_VERBS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', '*']);

/** The verbs of `set` that are not in it, for "unknown verb" messages. */
export function unknownVerbs(verbs: readonly string[], set: ReadonlySet<string>): string[] {
  return verbs.filter((v) => !set.has(v));
}

/** A DNS subdomain (IsDNS1123Subdomain, length checked by the callers): API group names and label-key prefixes. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A problem with an API group name, or undefined. A version (`v1`, `v1beta1`) or a group/version (`apps/v1`) in
 * `apiGroups` never matches a request: the core group is `''`, other groups are DNS names without the version.
 */
export function apiGroupProblem(group: string): string | undefined {
  if (/^v\d+((alpha|beta)\d+)?$/.test(group)) return `apiGroup "${group}" is an API version, not a group: the core group is "" (apiVersion v1), others are named without the version (apps/v1 → "apps")`;
  if (group.includes('/')) return `apiGroup "${group}" includes a version: write the group only (apps/v1 → "apps")`;
  if (group !== '' && group !== '*' && !DNS_SUBDOMAIN.test(group)) {
    return `apiGroup "${group}" is not "", "*" or a lowercase DNS name such as "apps" or "example.com"`;
  }
  return undefined;
}

/** Namespace names are DNS labels (k8s.io/apimachinery ValidateNamespaceName → IsDNS1123Label). */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Label values (k8s.io/apimachinery validation IsValidLabelValue): empty, or ≤ 63 of [A-Za-z0-9_.-] starting and ending alphanumeric. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Label key name part (IsQualifiedName): ≤ 63, same alphabet; optional DNS-subdomain prefix ≤ 253 and `/`. */
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** The problems of a label set (keys and values), as the API server would report them; empty when valid. */
export function labelProblems(labels: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
      out.push(`label key "${key}" is invalid: [prefix/]name, name at most 63 characters of [A-Za-z0-9_.-] starting and ending alphanumeric, prefix a DNS subdomain`);
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      out.push(`label value "${value}" of "${key}" is invalid: at most 63 characters of [A-Za-z0-9_.-] starting and ending alphanumeric (or empty), e.g. "true"`);
    }
  }
  return out;
}
