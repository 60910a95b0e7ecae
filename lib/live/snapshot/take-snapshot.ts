/**
 * `eks-access snapshot`: reads EKS, Kubernetes and IAM (each source on its own, so one missing permission costs only
 * that source) and writes the snapshot folder (format.ts).
 *
 * At size (thousands of access entries, each two EKS calls, and as many IAM roles) the reads overlap: the entry list
 * and the Kubernetes collections first, side by side; then every entry's details and policies and every role's trust
 * policy, `concurrency` entries at a time (each entry's two EKS calls together) and `concurrency` roles at a time
 * (two services, two throttling budgets).
 * Throttling that remains is retried by the AWS SDK's adaptive retry mode (client-side rate limiting that backs off
 * when the service throttles: AWS SDKs and Tools Reference Guide, "Retry behavior").
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { stringify } from 'yaml';
import { isIamRoleArn } from '../../../authenticator/arn';
import { parseAwsAuth } from '../../../authenticator/mapper/aws-auth';
import { bulkReadClientConfig } from '../aws-retry';
import { KubeClient, KubeClientLimits, LiveObject } from '../kube/client';
import { KUBERNETES_DIR, LiveSnapshot, SNAPSHOT_API_VERSION, SNAPSHOT_FILE, SNAPSHOT_FORMER_KUBE_FILES, SNAPSHOT_KIND, SNAPSHOT_KUBE_FILES } from './format';
import { limiter, SnapshotProgressEvent } from './limiter';
import { problemOf } from './problems';
import { describeAccessEntries, listAccessEntries } from './read-eks';
import { TrustPolicyReader } from './read-iam';
import { KubeState, readKube } from './read-kube';

/** Access entries (two EKS calls each) and IAM roles (one call each) read at a time, when not told otherwise. */
export const DEFAULT_SNAPSHOT_CONCURRENCY = 8;

export interface SnapshotOptions {
  readonly clusterName: string;
  readonly region?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /**
   * Clients to use instead of the default ones (which read the environment: credentials, `AWS_ENDPOINT_URL_*`, and
   * retry with AWS_BULK_READ_RETRY, lib/live/aws-retry.ts).
   */
  readonly eksClient?: EKSClient;
  readonly iamClient?: IAMClient;
  /** Access entries read at a time (two EKS calls each), and IAM roles read at a time. @default 8 */
  readonly concurrency?: number;
  /** Bounds of the Kubernetes client (pages per LIST, bytes, time); see KUBE_CLIENT_DEFAULTS. */
  readonly kubeLimits?: KubeClientLimits;
  /** Called as the reads progress (the CLI draws it on a terminal); the library prints nothing. */
  readonly onProgress?: (event: SnapshotProgressEvent) => void;
  /** Environment for `KUBECONFIG`. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface TakenSnapshot {
  readonly snapshot: LiveSnapshot;
  readonly kube: KubeState;
  /**
   * What the user must be told although every source was read (TLS verification switched off by the kubeconfig).
   * Input-derived text: escape it for a terminal.
   */
  readonly warnings: string[];
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
  const concurrency = options.concurrency ?? DEFAULT_SNAPSHOT_CONCURRENCY;
  const eksLimit = limiter(concurrency);
  const iamLimit = limiter(concurrency);
  const progress = options.onProgress ?? (() => undefined);
  const eks = options.eksClient ?? new EKSClient(bulkReadClientConfig(region));
  const iam = options.iamClient ?? new IAMClient(bulkReadClientConfig(region));
  try {
    const warnings: string[] = [];
    const readKubernetes = async (): Promise<KubeState> => {
      let client: KubeClient;
      try {
        client = KubeClient.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context, ...options.kubeLimits }, options.env);
      } catch (e) {
        // The kubeconfig itself is unusable: every Kubernetes source is unread, for the same reason.
        return { rbac: [], problems: [problemOf('kubernetes (kubeconfig)', e)] };
      }
      warnings.push(...client.warnings);
      return readKube(client);
    };
    // Pipelined: each page of the entry list starts its entries' reads (and their roles') while the next page is asked
    // for, and the Kubernetes collections are read meanwhile; aws-auth's and the mappings' roles join once known.
    const phase = 'reading access entries and IAM roles';
    let done = 0;
    let total = 0;
    const tick = () => progress({ phase, done: ++done, total });
    const trustReader = new TrustPolicyReader(iam, iamLimit, tick);
    const described: Array<ReturnType<typeof describeAccessEntries>> = [];
    const onPage = (arns: string[]) => {
      total += arns.length + trustReader.add(arns);
      progress({ phase, done, total });
      described.push(describeAccessEntries(eks, options.clusterName, arns, eksLimit, tick));
    };
    progress({ phase, done, total });
    const [listing, kube] = await Promise.all([listAccessEntries(eks, options.clusterName, onPage), readKubernetes()]);
    total += trustReader.add(roleArns([], kube));
    progress({ phase, done, total });
    const parts = await Promise.all(described);
    const trust = await trustReader.done();
    const entries = {
      accessEntries: parts.flatMap((p) => p.accessEntries).sort((a, b) => a.principalArn.localeCompare(b.principalArn)),
      problems: parts.flatMap((p) => p.problems).sort((a, b) => a.source.localeCompare(b.source)),
    };
    const authenticationMode = listing.authenticationMode;
    const snapshot: LiveSnapshot = {
      apiVersion: SNAPSHOT_API_VERSION,
      kind: SNAPSHOT_KIND,
      cluster: { name: options.clusterName, ...(region ? { region } : {}), ...(authenticationMode ? { authenticationMode } : {}) },
      takenAt: new Date().toISOString(),
      accessEntries: entries.accessEntries,
      iamRoles: trust.roles,
      problems: [...listing.problems, ...entries.problems, ...kube.problems, ...trust.problems],
    };
    return { snapshot, kube, warnings };
  } finally {
    if (!options.eksClient) eks.destroy();
    if (!options.iamClient) iam.destroy();
  }
}

/** A Kubernetes `List` as `kubectl get -o json` prints it (format.ts, SNAPSHOT_KUBE_FILES: why JSON). */
const list = (items: LiveObject[]) => `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`;

/** Writes the folder; returns the files written. */
export function writeSnapshot(dir: string, taken: TakenSnapshot): string[] {
  const kubeDir = join(dir, KUBERNETES_DIR);
  mkdirSync(kubeDir, { recursive: true });
  // A folder re-used for a new snapshot must not keep an object that is gone live (aws-auth deleted, CRD removed),
  // nor the files of an earlier layout, which `--from DIR` would read beside the new ones.
  for (const f of [...Object.values(SNAPSHOT_KUBE_FILES), ...SNAPSHOT_FORMER_KUBE_FILES]) rmSync(join(kubeDir, f), { force: true });
  const files: Array<[string, string]> = [[join(dir, SNAPSHOT_FILE), `${JSON.stringify(taken.snapshot, null, 2)}\n`]];
  if (taken.kube.awsAuth) files.push([join(kubeDir, SNAPSHOT_KUBE_FILES.awsAuth), stringify(taken.kube.awsAuth)]);
  files.push([join(kubeDir, SNAPSHOT_KUBE_FILES.rbac), list(taken.kube.rbac)]);
  if (taken.kube.iamIdentityMappings) files.push([join(kubeDir, SNAPSHOT_KUBE_FILES.iamIdentityMappings), list(taken.kube.iamIdentityMappings)]);
  for (const [file, text] of files) writeFileSync(file, text);
  return files.map(([f]) => f);
}
