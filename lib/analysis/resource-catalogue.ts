/**
 * What offline analysis knows about API resources without a discovery endpoint: which group a bare resource name
 * belongs to, which resources are cluster-scoped, and kubectl's short names. The groups come from the pinned bootstrap
 * roles (every built-in resource appears there), so only the short names and the scope list are written here.
 */
import { bootstrapAuthorizer } from './bootstrap-policy';

/** kubectl's short names and singulars for built-in resources (from `kubectl api-resources`). */
const ALIASES: Readonly<Record<string, string>> = {
  po: 'pods', pod: 'pods', svc: 'services', service: 'services', deploy: 'deployments', deployment: 'deployments',
  ns: 'namespaces', namespace: 'namespaces', no: 'nodes', node: 'nodes', cm: 'configmaps', configmap: 'configmaps',
  secret: 'secrets', sa: 'serviceaccounts', serviceaccount: 'serviceaccounts', ds: 'daemonsets', daemonset: 'daemonsets',
  rs: 'replicasets', replicaset: 'replicasets', sts: 'statefulsets', statefulset: 'statefulsets', job: 'jobs',
  cj: 'cronjobs', cronjob: 'cronjobs', ing: 'ingresses', ingress: 'ingresses', pv: 'persistentvolumes',
  pvc: 'persistentvolumeclaims', ep: 'endpoints', ev: 'events', event: 'events', rc: 'replicationcontrollers',
  hpa: 'horizontalpodautoscalers', pdb: 'poddisruptionbudgets', netpol: 'networkpolicies', sc: 'storageclasses',
  crd: 'customresourcedefinitions', crds: 'customresourcedefinitions', csr: 'certificatesigningrequests',
  role: 'roles', rolebinding: 'rolebindings', clusterrole: 'clusterroles', clusterrolebinding: 'clusterrolebindings',
  quota: 'resourcequotas', limits: 'limitranges', pc: 'priorityclasses', lease: 'leases',
};

/** Cluster-scoped built-in resources (`kubectl api-resources --namespaced=false`). */
const CLUSTER_SCOPED = new Set([
  'nodes', 'namespaces', 'persistentvolumes', 'clusterroles', 'clusterrolebindings', 'storageclasses',
  'customresourcedefinitions', 'certificatesigningrequests', 'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings', 'apiservices', 'priorityclasses', 'ingressclasses',
  'runtimeclasses', 'csidrivers', 'csinodes', 'volumeattachments', 'tokenreviews', 'selfsubjectaccessreviews',
  'selfsubjectrulesreviews', 'selfsubjectreviews', 'subjectaccessreviews', 'componentstatuses', 'flowschemas',
  'prioritylevelconfigurations', 'ipaddresses', 'servicecidrs', 'volumeattributesclasses', 'deviceclasses',
  'clustertrustbundles', 'iamidentitymappings',
]);

export function isClusterScoped(resource: string): boolean {
  return CLUSTER_SCOPED.has(resource);
}

export function canonicalResource(name: string): string {
  const lower = name.toLowerCase();
  return ALIASES[lower] ?? lower;
}

let groupsByResource: Map<string, string[]> | undefined;

/** API groups that serve `resource` among the built-in roles, most specific first (`extensions` last). */
export function knownGroups(resource: string): string[] {
  if (!groupsByResource) {
    groupsByResource = new Map();
    for (const role of bootstrapAuthorizer().clusterRoles.values()) {
      for (const rule of role.rules) {
        for (const r of rule.resources) {
          const base = r.split('/')[0];
          if (base === '*') continue;
          const list = groupsByResource.get(base) ?? [];
          for (const g of rule.apiGroups) if (g !== '*' && !list.includes(g)) list.push(g);
          groupsByResource.set(base, list);
        }
      }
    }
    for (const list of groupsByResource.values()) list.sort((a, b) => Number(a === 'extensions') - Number(b === 'extensions'));
  }
  return groupsByResource.get(resource) ?? [];
}
