/**
 * Ready-made rule sets for the common personas of EKS access (docs/walkthrough.md shows them on one cluster). Each preset is what its name says, checked
 * by the project's own risk catalogue (test/k8s/rbac-presets-risk.test.ts runs `findRisks` over each one bound to a
 * group): the read presets carry no finding above LOW wherever they are bound, the write presets nothing above MEDIUM
 * when bound in one namespace. The README (section k8s) has a table of every preset's rules.
 */
import { viewRules } from './cluster-defaults';
import { RbacRule } from '../model/rbac-rule-forms';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** Cluster-scoped inventory a cluster-wide reader expects besides what `view` reads (which is namespaced only). */
const CLUSTER_INVENTORY: RbacRule[] = [
  { apiGroups: [''], resources: ['nodes', 'persistentvolumes'], verbs: [...READ] }, // namespaces: already in view
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: [...READ] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: [...READ] },
];

export class RbacPresets {
  /**
   * Read-only for a cluster-wide reader: what Kubernetes' `view` reads (the vendored `system:aggregate-to-view`
   * rules) plus cluster-scoped inventory (nodes, namespaces, PersistentVolumes, StorageClasses, CRDs) and the health
   * and version URLs. Never Secrets, `*\/exec|attach|portforward|proxy`, `nodes/proxy` or `serviceaccounts/token`
   * (a get/list/watch on `*` would include all of them: exec over WebSocket is a GET since Kubernetes 1.30).
   * Custom resources are not included: add a rule for their group. Needs a ClusterRole (non-resource URLs).
   */
  public static readOnly(): RbacRule[] {
    return [
      ...viewRules(),
      ...CLUSTER_INVENTORY.map((r) => ({ ...r, verbs: [...r.verbs] })),
      { nonResourceUrls: ['/healthz', '/livez', '/readyz', '/version'], verbs: ['get'] },
    ];
  }

  /** Namespaced read-only (for a Role): what Kubernetes' `view` reads, no Secrets, no exec/attach/port-forward/proxy. */
  public static namespaceReadOnly(): RbacRule[] {
    return viewRules();
  }

  /** See pods, their logs and their events. */
  public static podViewer(): RbacRule[] {
    return [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: [...READ] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: [...READ] },
    ];
  }

  /**
   * Manage pods: everything podViewer has, plus create/update/delete pods, exec, attach, port-forward, evict. Bind it
   * in a namespace (a Role or a RoleBinding): cluster-wide, exec into every pod is a HIGH risk.
   */
  public static podAdmin(): RbacRule[] {
    return [
      ...RbacPresets.podViewer(),
      { apiGroups: [''], resources: ['pods'], verbs: [...WRITE] },
      { apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get', 'create'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
    ];
  }

  /**
   * A developer of one namespace: workloads, services, ConfigMaps, jobs, autoscalers, ingresses and network policies
   * read-write, pods and their logs readable. No Secrets (neither read nor write: a Secret written can be read back
   * through a pod), no exec/attach/port-forward, no token requests, no RBAC, quotas or namespace changes. Bind it in
   * one namespace.
   */
  public static namespaceDeveloper(): RbacRule[] {
    return [
      ...RbacPresets.podViewer(),
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['services', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts', 'endpoints'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'deployments/scale', 'statefulsets/scale'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...READ, ...WRITE] },
      { apiGroups: [''], resources: ['resourcequotas', 'limitranges'], verbs: [...READ] },
    ];
  }

  /**
   * The `developer` role of the aws-auth starting point in docs/walkthrough.md, exactly: pods list, get, create, update
   * (bound in the `developer` namespace there). Nothing else: no logs, no delete, no exec.
   */
  public static developer(): RbacRule[] {
    return [{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'get', 'create', 'update'] }];
  }
}
