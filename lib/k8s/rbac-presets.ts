/** Ready-made rule sets for the common personas of EKS access walkthroughs. */
import { RbacRule } from './rbac-rule';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

export class RbacPresets {
  /**
   * Read-only on everything: get/list/watch on every resource of every API group, plus the read-only non-resource URLs
   * a cluster-wide reader expects. Note: unlike the built-in `view` role this includes Secrets — bind `view` instead
   * when secrets must stay hidden. Needs a ClusterRole (non-resource URLs).
   */
  public static readOnly(): RbacRule[] {
    return [
      { apiGroups: ['*'], resources: ['*'], verbs: [...READ] },
      { nonResourceUrls: ['/healthz', '/livez', '/readyz', '/version', '/metrics'], verbs: ['get'] },
    ];
  }

  /** Namespaced read-only on everything (for a Role: no non-resource URLs). */
  public static namespaceReadOnly(): RbacRule[] {
    return [{ apiGroups: ['*'], resources: ['*'], verbs: [...READ] }];
  }

  /** See pods, their logs and their events. */
  public static podViewer(): RbacRule[] {
    return [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: [...READ] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: [...READ] },
    ];
  }

  /** Manage pods: everything podViewer has, plus create/update/delete pods, exec, attach, port-forward, evict. */
  public static podAdmin(): RbacRule[] {
    return [
      ...RbacPresets.podViewer(),
      { apiGroups: [''], resources: ['pods'], verbs: [...WRITE] },
      { apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get', 'create'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
    ];
  }

  /**
   * A developer of one namespace: workloads, services, config, jobs, autoscalers and ingresses read-write; secrets
   * read-write too (a developer deploying an app needs them); no RBAC, quotas or namespace changes.
   */
  public static namespaceDeveloper(): RbacRule[] {
    return [
      ...RbacPresets.podAdmin(),
      {
        apiGroups: [''],
        resources: ['services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'serviceaccounts', 'endpoints'],
        verbs: [...READ, ...WRITE],
      },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'deployments/scale', 'statefulsets/scale'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...READ, ...WRITE] },
      { apiGroups: [''], resources: ['resourcequotas', 'limitranges'], verbs: [...READ] },
    ];
  }
}
