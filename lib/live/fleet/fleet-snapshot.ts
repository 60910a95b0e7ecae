/**
 * `snapshot --fleet`: one snapshot per cluster of a fleet file, each in `OUT/<cluster name>/` in the single-cluster
 * format (take-snapshot.ts, read back by every `--from`), a few clusters at a time, plus `OUT/fleet.json` saying how
 * each one went. A cluster that cannot be read at all costs that cluster only: its folder says why (problems), the
 * others are written.
 *
 * The EKS and IAM reads of a cluster with `readRoleArn` use that role's temporary credentials (STS AssumeRole through
 * the SDK's own provider, `fromTemporaryCredentials` of @aws-sdk/credential-providers, which refreshes them before they
 * expire; ExternalId sent when given); the Kubernetes reads use the cluster's kubeconfig and context, whose exec
 * plugin authenticates as it always does (`eks-access token -i NAME -r ROLE` assumes a role there).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { KubeClientLimits } from '../kube/client';
import { limiter, SnapshotProgressEvent } from '../snapshot/limiter';
import { problemOf } from '../snapshot/problems';
import { takeSnapshot, writeSnapshot } from '../snapshot/take-snapshot';
import { AWS_BULK_READ_RETRY } from '../aws-retry';
import { Fleet, FleetCluster } from './fleet-file';
import {
  FLEET_SNAPSHOT_FILE, FLEET_SNAPSHOT_KIND, FleetClusterSnapshot, FleetSnapshotSummary, fleetClusterDir,
} from '../../analysis/inputs/fleet-snapshot-format';

export { FLEET_SNAPSHOT_FILE } from '../../analysis/inputs/fleet-snapshot-format';
export type { FleetSnapshotSummary, FleetClusterSnapshot } from '../../analysis/inputs/fleet-snapshot-format';

/** Clusters snapshotted at a time, when not told otherwise (each one already reads `concurrency` entries at a time). */
export const DEFAULT_FLEET_CONCURRENCY = 4;
/** The session name of the read role's sessions (CloudTrail shows it): who read. */
export const FLEET_READ_SESSION_NAME = 'eks-access-snapshot';

export interface FleetSnapshotOptions {
  readonly fleet: Fleet;
  readonly out: string;
  /** Clusters at a time. @default 4 */
  readonly fleetConcurrency?: number;
  /** Per cluster: access entries and IAM roles read at a time (take-snapshot.ts). */
  readonly concurrency?: number;
  readonly kubeLimits?: KubeClientLimits;
  /** Events carry the cluster's name in the phase. */
  readonly onProgress?: (event: SnapshotProgressEvent) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** The credentials of a cluster's reads: its read role's, assumed from the caller's own, or the caller's. */
export function readCredentials(cluster: FleetCluster): ReturnType<typeof fromTemporaryCredentials> | undefined {
  if (!cluster.readRoleArn) return undefined;
  return fromTemporaryCredentials({
    params: {
      RoleArn: cluster.readRoleArn, RoleSessionName: FLEET_READ_SESSION_NAME,
      ...(cluster.externalId !== undefined ? { ExternalId: cluster.externalId } : {}),
    },
    clientConfig: { region: cluster.region },
  });
}

async function snapshotOne(c: FleetCluster, opts: FleetSnapshotOptions, report: (e: SnapshotProgressEvent) => void): Promise<FleetClusterSnapshot> {
  const dir = fleetClusterDir(opts.out, c.name);
  const base = { name: c.name, clusterName: c.clusterName, account: c.account, region: c.region, labels: c.labels };
  const credentials = readCredentials(c);
  const clientConfig = { ...AWS_BULK_READ_RETRY, region: c.region, ...(credentials ? { credentials } : {}) };
  const eks = new EKSClient(clientConfig);
  const iam = new IAMClient(clientConfig);
  try {
    const taken = await takeSnapshot({
      clusterName: c.clusterName, region: c.region, kubeconfig: c.kubeconfig, context: c.context, eksClient: eks, iamClient: iam,
      concurrency: opts.concurrency, kubeLimits: opts.kubeLimits, env: opts.env, onProgress: (e) => report({ ...e, phase: `${c.name}: ${e.phase}` }),
    });
    writeSnapshot(dir, taken);
    const { snapshot } = taken;
    return {
      ...base, status: snapshot.problems.length ? 'partial' : 'complete', problems: snapshot.problems, warnings: taken.warnings,
      accessEntries: snapshot.accessEntries.length, rbacObjects: taken.kube.rbac.length, iamRoles: snapshot.iamRoles.length,
    };
  } catch (e) {
    // takeSnapshot keeps each source's failure as a problem; what reaches here stopped the whole cluster (a folder
    // that cannot be written). Nothing half-written is left to be mistaken for a snapshot.
    rmSync(join(dir, 'cluster.json'), { force: true });
    return { ...base, status: 'failed', problems: [problemOf(`snapshot ${c.name}`, e)], warnings: [], accessEntries: 0, rbacObjects: 0, iamRoles: 0 };
  } finally {
    eks.destroy();
    iam.destroy();
  }
}

/** Snapshots every cluster of the fleet into `out`; never throws for one cluster's sake. */
export async function snapshotFleet(opts: FleetSnapshotOptions): Promise<FleetSnapshotSummary> {
  const limit = limiter(opts.fleetConcurrency ?? DEFAULT_FLEET_CONCURRENCY);
  const report = opts.onProgress ?? (() => undefined);
  mkdirSync(opts.out, { recursive: true });
  let done = 0;
  const total = opts.fleet.clusters.length;
  report({ phase: 'clusters', done, total });
  const clusters = await Promise.all(opts.fleet.clusters.map((c) => limit(async () => {
    const r = await snapshotOne(c, opts, report);
    report({ phase: 'clusters', done: ++done, total });
    return r;
  })));
  const summary: FleetSnapshotSummary = { kind: FLEET_SNAPSHOT_KIND, fleetFile: opts.fleet.file, takenAt: new Date().toISOString(), clusters };
  writeFileSync(join(opts.out, FLEET_SNAPSHOT_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
