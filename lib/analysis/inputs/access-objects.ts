/**
 * Whether the `--from` inputs hold anything the analysis can judge: RBAC roles and bindings, the aws-auth ConfigMap,
 * IAMIdentityMapping objects or EKS access entries. An empty folder, a typo'd path to some other file or
 * `/etc/passwd` holds none; the analysis would then answer from the built-in roles alone ("no risky permissions") and
 * a CI gate would pass on input it never read. The commands refuse that with exit 2 instead.
 */
import { isAwsAuthConfigMap } from '../../../authenticator/mapper/aws-auth';
import type { AccessSources } from './load-sources';

const ACCESS_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'IAMIdentityMapping']);

/** The number of access objects (RBAC, aws-auth, IAMIdentityMapping, access entries) in the inputs. */
export function countAccessObjects(sources: AccessSources): number {
  const objects = sources.objects.filter(({ object: o }) => ACCESS_KINDS.has(String(o.kind)) || isAwsAuthConfigMap(o));
  return objects.length + sources.accessEntries.length;
}

/** The inputs hold no access objects: nothing to analyse (exit 2). */
export class NoAccessObjectsError extends Error {
  constructor(paths: readonly string[], sources: AccessSources) {
    const read = sources.files.length ? `read ${sources.files.length} file(s) with Kubernetes objects or templates, none of them access objects` : 'found no Kubernetes manifest or CloudFormation template';
    super(`--from ${paths.join(', ')}: no access objects (Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, the aws-auth ConfigMap, IAMIdentityMappings or EKS access entries); ${read}. Give a cdk.out folder, a manifest file or a folder of manifests`);
    this.name = 'NoAccessObjectsError';
  }
}
