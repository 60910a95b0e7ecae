/**
 * The Kubernetes half of a snapshot: `kube-system/aws-auth`, every Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding, and the IAMIdentityMapping objects when their CRD is served. Each collection that cannot be
 * read becomes a problem of its own; the others are still read.
 */
import { KubeClient, LiveObject } from '../kube/client';
import { SnapshotProblem } from './format';
import { problemOf } from './problems';
import { RBAC_API_GROUP, RBAC_API_VERSION } from '../../model/rbac-rule-forms';

const RBAC = `/apis/${RBAC_API_VERSION}`;
const RBAC_COLLECTIONS = [
  ['clusterroles', 'ClusterRole'],
  ['clusterrolebindings', 'ClusterRoleBinding'],
  ['roles', 'Role'],
  ['rolebindings', 'RoleBinding'],
] as const;
/** aws-iam-authenticator's CRD (pkg/mapper/crd/apis/iamauthenticator/v1alpha1). */
const IAM_IDENTITY_MAPPINGS = '/apis/iamauthenticator.k8s.aws/v1alpha1';

export interface KubeState {
  readonly awsAuth?: LiveObject;
  readonly rbac: LiveObject[];
  readonly iamIdentityMappings?: LiveObject[];
  readonly problems: SnapshotProblem[];
}

/** Server bookkeeping that changes without anyone changing access; left out so snapshots diff cleanly. */
const BOOKKEEPING = ['managedFields', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'selfLink'];

export function withoutBookkeeping(o: LiveObject, apiVersion: string, kind: string): LiveObject {
  const metadata: Record<string, unknown> = { ...o.metadata };
  for (const k of BOOKKEEPING) delete metadata[k];
  const annotations = { ...(metadata.annotations as Record<string, string> | undefined) };
  // kubectl's client-side-apply copy of the whole object: noise, and it can hold stale content.
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  // LIST items carry no apiVersion/kind; the snapshot must stand alone as manifests.
  return { ...o, apiVersion, kind, metadata: metadata as LiveObject['metadata'] };
}

export async function readKube(client: KubeClient): Promise<KubeState> {
  const problems: SnapshotProblem[] = [];
  let awsAuth: LiveObject | undefined;
  try {
    // LIST by name, not GET: what the authenticator's own RBAC grants (list on the one ConfigMap), and 0 items = absent.
    const [cm] = await client.list('/api/v1/namespaces/kube-system/configmaps', { fieldSelector: 'metadata.name=aws-auth' });
    if (cm) awsAuth = withoutBookkeeping(cm, 'v1', 'ConfigMap');
  } catch (e) {
    problems.push(problemOf('kubernetes:configmaps/kube-system/aws-auth', e));
  }

  const rbac: LiveObject[] = [];
  for (const [plural, kind] of RBAC_COLLECTIONS) {
    try {
      const items = await client.list(`${RBAC}/${plural}`);
      rbac.push(...items.map((o) => withoutBookkeeping(o, RBAC_API_VERSION, kind)));
    } catch (e) {
      problems.push(problemOf(`kubernetes:${plural}.${RBAC_API_GROUP}`, e));
    }
  }

  let iamIdentityMappings: LiveObject[] | undefined;
  try {
    // Discovery answers 404 when the CRD is not installed: nothing to read, not a problem.
    if (await client.getOptional(IAM_IDENTITY_MAPPINGS)) {
      iamIdentityMappings = (await client.list(`${IAM_IDENTITY_MAPPINGS}/iamidentitymappings`))
        .map((o) => withoutBookkeeping(o, 'iamauthenticator.k8s.aws/v1alpha1', 'IAMIdentityMapping'));
    }
  } catch (e) {
    problems.push(problemOf('kubernetes:iamidentitymappings.iamauthenticator.k8s.aws', e));
  }
  return { awsAuth, rbac: rbac.sort(byKindAndName), iamIdentityMappings, problems };
}

function byKindAndName(a: LiveObject, b: LiveObject): number {
  const key = (o: LiveObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return key(a).localeCompare(key(b));
}
