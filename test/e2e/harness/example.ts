import { Testing } from 'cdk8s';
import { exampleAccessModel } from '../../../bin/example-access';
import { AccessChart } from '../../../lib/k8s';
import { AccessModel, AuthenticationMode, awsAuthRows, PrincipalJson } from '../../../lib/model';
import type { RoleMapping, UserMapping } from '../../../authenticator/mapper/types';

/** The example app's Kubernetes manifests, synthesized exactly as the app does (one model → AccessChart). */
export function exampleManifests(
  model: AccessModel = exampleAccessModel(),
  opts: { iamIdentityMappings?: boolean } = {},
): Array<Record<string, unknown>> {
  return Testing.synth(new AccessChart(Testing.app(), 'example', { model, ...opts })) as Array<Record<string, unknown>>;
}

/**
 * The example's identity mapping as aws-auth rows (the model's `awsAuthRows` view in CONFIG_MAP mode): what a
 * self-managed cluster's authenticator is configured with.
 */
export function exampleAwsAuthRows(): { mapRoles: RoleMapping[]; mapUsers: UserMapping[]; mapAccounts: string[] } {
  return awsAuthRows(exampleAccessModel(AuthenticationMode.CONFIG_MAP));
}

/** A principal of the example model by its id (`testuser`, `read-only`, ...). */
export function examplePrincipal(id: string): PrincipalJson {
  const p = exampleAccessModel().principals.find((x) => x.id === id);
  if (!p) throw new Error(`the example model has no principal '${id}'`);
  return p;
}

/** IAM name and path of a principal's ARN (`arn:aws:iam::1:user/eks/read-only-user` → path `/eks/`). */
export function iamNameAndPath(arn: string): { name: string; path: string } {
  const resource = arn.split(':').slice(5).join(':').split('/').slice(1);
  const name = resource.pop() ?? '';
  return { name, path: resource.length ? `/${resource.join('/')}/` : '/' };
}

/** Serialises rows the way the aws-auth ConfigMap (and our file backend) hold them: lower-case keys as EKS writes. */
export function awsAuthDocument(rows: { mapRoles: RoleMapping[]; mapUsers: UserMapping[]; mapAccounts: string[] }): object {
  return {
    mapRoles: rows.mapRoles.map((r) => ({ rolearn: r.roleArn, username: r.username, groups: [...r.groups] })),
    mapUsers: rows.mapUsers.map((u) => ({ userarn: u.userArn, username: u.username, groups: [...u.groups] })),
    mapAccounts: [...rows.mapAccounts],
  };
}
