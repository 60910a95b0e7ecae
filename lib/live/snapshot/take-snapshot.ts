/**
 * `eks-access snapshot`: reads EKS, Kubernetes and IAM (each source on its own, so one missing permission costs only
 * that source) and writes the snapshot folder (format.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { stringify } from 'yaml';
import { isIamRoleArn } from '../../../authenticator/arn';
import { parseAwsAuth } from '../../../authenticator/mapper/aws-auth';
import { KubeClient, LiveObject } from '../kube/client';
import { KUBERNETES_DIR, LiveSnapshot, SNAPSHOT_API_VERSION, SNAPSHOT_FILE, SNAPSHOT_KIND } from './format';
import { problemOf } from './problems';
import { readEks } from './read-eks';
import { readTrustPolicies } from './read-iam';
import { KubeState, readKube } from './read-kube';

export interface SnapshotOptions {
  readonly clusterName: string;
  readonly region?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Clients to use instead of the default ones (which read the environment: credentials, `AWS_ENDPOINT_URL_*`). */
  readonly eksClient?: EKSClient;
  readonly iamClient?: IAMClient;
}

export interface TakenSnapshot {
  readonly snapshot: LiveSnapshot;
  readonly kube: KubeState;
}

/** Role ARNs named by access entries, aws-auth rows and IAMIdentityMappings. */
function roleArns(snapshotEntries: readonly { principalArn: string }[], kube: KubeState): string[] {
  const arns = snapshotEntries.map((e) => e.principalArn);
  const parsed = parseAwsAuth(kube.awsAuth?.data as Record<string, string> | undefined);
  arns.push(...parsed.roles.flatMap((r) => (r.roleArn ? [r.roleArn] : [])));
  for (const m of kube.iamIdentityMappings ?? []) {
    const arn = (m.spec as { arn?: unknown } | undefined)?.arn;
    if (typeof arn === 'string') arns.push(arn);
  }
  return arns.filter(isIamRoleArn);
}

export async function takeSnapshot(options: SnapshotOptions): Promise<TakenSnapshot> {
  const region = options.region;
  const eks = options.eksClient ?? new EKSClient(region ? { region } : {});
  const iam = options.iamClient ?? new IAMClient(region ? { region } : {});
  try {
    const eksState = await readEks(eks, options.clusterName);
    let kube: KubeState;
    try {
      kube = await readKube(KubeClient.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context }));
    } catch (e) {
      // The kubeconfig itself is unusable: every Kubernetes source is unread, for the same reason.
      kube = { rbac: [], problems: [problemOf('kubernetes (kubeconfig)', e)] };
    }
    const trust = await readTrustPolicies(iam, roleArns(eksState.accessEntries, kube));
    const snapshot: LiveSnapshot = {
      apiVersion: SNAPSHOT_API_VERSION,
      kind: SNAPSHOT_KIND,
      cluster: { name: options.clusterName, ...(region ? { region } : {}), ...(eksState.authenticationMode ? { authenticationMode: eksState.authenticationMode } : {}) },
      takenAt: new Date().toISOString(),
      accessEntries: eksState.accessEntries,
      iamRoles: trust.roles,
      problems: [...eksState.problems, ...kube.problems, ...trust.problems],
    };
    return { snapshot, kube };
  } finally {
    if (!options.eksClient) eks.destroy();
    if (!options.iamClient) iam.destroy();
  }
}

const list = (items: LiveObject[]) => stringify({ apiVersion: 'v1', kind: 'List', items });

/** Writes the folder; returns the files written. */
export function writeSnapshot(dir: string, taken: TakenSnapshot): string[] {
  const kubeDir = join(dir, KUBERNETES_DIR);
  mkdirSync(kubeDir, { recursive: true });
  // A folder re-used for a new snapshot must not keep an object that is gone live (aws-auth deleted, CRD removed).
  for (const f of ['aws-auth.yaml', 'rbac.yaml', 'iamidentitymappings.yaml']) rmSync(join(kubeDir, f), { force: true });
  const files: Array<[string, string]> = [[join(dir, SNAPSHOT_FILE), `${JSON.stringify(taken.snapshot, null, 2)}\n`]];
  if (taken.kube.awsAuth) files.push([join(kubeDir, 'aws-auth.yaml'), stringify(taken.kube.awsAuth)]);
  files.push([join(kubeDir, 'rbac.yaml'), list(taken.kube.rbac)]);
  if (taken.kube.iamIdentityMappings) files.push([join(kubeDir, 'iamidentitymappings.yaml'), list(taken.kube.iamIdentityMappings)]);
  for (const [file, text] of files) writeFileSync(file, text);
  return files.map(([f]) => f);
}
