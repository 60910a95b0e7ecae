/**
 * The example access definition used by `examples/app/app.ts`, the cdk8s charts, the analysis and the e2e tests: the
 * scenario of docs/walkthrough.md (who the principals are, what each may do, which commands show it) on one cluster.
 * Built once, as plain data (`AccessModel`), so every output derives from the same model.
 */
import {
  AccessModel, AccessPolicy, AuthenticationMode, ServiceAccountMechanism,
} from '../../lib/model';

/** Fixed environment so `cdk synth` needs no AWS credentials. */
export const EXAMPLE_ACCOUNT = '111122223333';
export const EXAMPLE_REGION = 'us-east-1';
export const EXAMPLE_CLUSTER_NAME = 'demo';
/** OIDC issuer of the example cluster (IRSA); an imported cluster has to be told it. */
export const EXAMPLE_OIDC_ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
/** Namespace the developer role and the example service accounts live in. */
export const EXAMPLE_DEV_NAMESPACE = 'dev';

/** Builds the example model (a new object on every call). */
export function exampleAccessModel(authenticationMode: AuthenticationMode = AuthenticationMode.API): AccessModel {
  const model = new AccessModel({ accountId: EXAMPLE_ACCOUNT, authenticationMode, iamNamePrefix: 'demo-' });
  // Access policies need access entries; in CONFIG_MAP mode the same rights come from groups bound to the
  // Kubernetes roles the policies mirror (view, edit), so the example means the same thing in every mode.
  const configMap = authenticationMode === AuthenticationMode.CONFIG_MAP;
  const readOnly = configMap ? { kubernetesGroups: ['read-only'] } : { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] };
  const developer = configMap
    ? { kubernetesGroups: ['developer'] }
    : { accessPolicies: [AccessPolicy.AMAZON_EKS_EDIT_POLICY.inNamespaces(EXAMPLE_DEV_NAMESPACE)] };
  if (configMap) {
    model.addGroupGrant({ group: 'read-only', clusterRole: 'view' });
    model.addGroupGrant({ group: 'developer', clusterRole: 'edit', namespaces: [EXAMPLE_DEV_NAMESPACE] });
  }

  // A read-only role assumable by exactly one IAM user (that user gets nothing in the cluster by itself).
  model.addUser('read-only-user', { path: '/eks/' });
  model.addRole('read-only', {
    assumableBy: { principalIds: ['read-only-user'], requireMfa: true },
    ...readOnly,
  });

  // testuser: cluster admin through the access policy, not system:masters.
  model.addUser('testuser', {
    userName: 'testuser',
    accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()],
  });

  // Users whose rights come from RBAC on their Kubernetes groups (rendered by the cdk8s RBAC chart).
  model.addUser('pod-viewer-user', { kubernetesGroups: ['pod-viewer'], username: 'pod-viewer-user' });
  model.addUser('pod-admin-user', { kubernetesGroups: ['pod-admin'], username: 'pod-admin-user', createAccessKey: true });
  model.addGroupGrant({
    group: 'pod-viewer',
    rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
  });
  model.addGroupGrant({
    group: 'pod-admin',
    rules: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec'], verbs: ['*'] }],
  });

  // A developer role limited to one namespace, assumable from the account with MFA and an audit-friendly session.
  model.addRole('developer', {
    path: '/eks/',
    username: 'developer:{{SessionName}}',
    assumableBy: { accountIds: [EXAMPLE_ACCOUNT], requireMfa: true, allowSourceIdentity: true, allowSessionTags: true },
    maxSessionDurationSeconds: 14400,
    ...developer,
  });

  // Service accounts with their own AWS credentials: one through IRSA, one through EKS Pod Identity.
  model.addServiceAccount('s3-reader', {
    namespace: EXAMPLE_DEV_NAMESPACE,
    name: 's3-reader',
    mechanism: ServiceAccountMechanism.IRSA,
    policyStatements: [{ actions: ['s3:GetObject', 's3:ListBucket'], resources: ['arn:aws:s3:::demo-bucket', 'arn:aws:s3:::demo-bucket/*'] }],
  });
  model.addServiceAccount('table-writer', {
    namespace: EXAMPLE_DEV_NAMESPACE,
    name: 'table-writer',
    mechanism: ServiceAccountMechanism.POD_IDENTITY,
    policyStatements: [{ actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [`arn:aws:dynamodb:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:table/demo`] }],
  });
  return model;
}
