/**
 * `diff --fleet`: drift per cluster of a fleet between the code and each cluster's snapshot (a fleet snapshot folder,
 * or snapshots taken now).
 *
 * Which part of the code is a cluster's: templates say it themselves. Every `AWS::EKS::AccessEntry` and every
 * `Custom::AWSCDK-EKS-KubernetesResource` names its cluster (`ClusterName`, resolved offline: a literal, a parameter
 * default, or the `Name` of a cluster in the same template), and its stack's environment (account and region, from the
 * cloud assembly's manifest.json) is known unless the stack is environment-agnostic. A resource is a cluster's when
 * the names match and, where the stack has an account or region, those match too (two accounts may each have a
 * cluster `main`). Manifest files name no cluster: they are every cluster's. Resources that name no cluster of the
 * fleet are reported, never silently dropped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AccessEntryRecord } from '../../analysis/access-entries';
import { AccessSources, loadSources, LoadOptions } from '../../analysis/inputs/load-sources';
import { SourcedObject } from '../../analysis/rbac-from-objects';
import { compareAccess, DriftItem } from '../diff/compare';
import { accessState } from '../diff/state';
import { SNAPSHOT_FILE } from '../snapshot/format';
import { fleetClusterDir } from '../../analysis/inputs/fleet-snapshot-format';
import { limiter } from '../snapshot/limiter';
import { Fleet, FleetCluster } from './fleet-file';

/** `clean` no drift, `drift` some, `cannot-tell` the cluster's snapshot is missing or could not read a source. */
export type FleetDiffStatus = 'clean' | 'drift' | 'cannot-tell';

export interface FleetClusterDrift {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly status: FleetDiffStatus;
  readonly items: readonly DriftItem[];
  /** Why the answer cannot be trusted (input-derived: escape for a terminal). */
  readonly unknown: readonly string[];
}

export interface FleetDrift {
  readonly clusters: readonly FleetClusterDrift[];
  /** Resources of the code that name no cluster of the fleet, and other input warnings of the code. */
  readonly warnings: readonly string[];
}

type Placed = Pick<AccessEntryRecord, 'clusterName' | 'stackEnvironment'> | Pick<SourcedObject, 'clusterName' | 'stackEnvironment'>;

/** Whether a resource of the code is for this cluster (see the module comment). */
export function isForCluster(r: Placed, c: FleetCluster): boolean {
  if (r.clusterName === undefined) return true;
  if (r.clusterName !== c.clusterName) return false;
  const env = r.stackEnvironment;
  return (env?.account === undefined || env.account === c.account) && (env?.region === undefined || env.region === c.region);
}

/** The part of the code that is this cluster's. */
export function desiredForCluster(desired: AccessSources, c: FleetCluster): AccessSources {
  return { ...desired, accessEntries: desired.accessEntries.filter((e) => isForCluster(e, c)), objects: desired.objects.filter((o) => isForCluster(o, c)) };
}

/** Resources that name a cluster that is not in the fleet, one line per cluster name (with where it is declared). */
export function unplacedWarnings(desired: AccessSources, fleet: Fleet): string[] {
  const unplaced = new Map<string, string[]>();
  for (const r of [...desired.accessEntries, ...desired.objects]) {
    if (r.clusterName === undefined || fleet.clusters.some((c) => isForCluster(r, c))) continue;
    const env = r.stackEnvironment;
    const key = `${r.clusterName}${env ? ` (${env.account ?? 'any account'}/${env.region ?? 'any region'})` : ''}`;
    unplaced.set(key, [...(unplaced.get(key) ?? []), r.origin ?? '?']);
  }
  return [...unplaced].map(([cluster, origins]) =>
    `${origins.length} resource(s) of the code are for cluster ${cluster}, which is not in the fleet file (e.g. ${origins[0]}); not compared`);
}

/**
 * Compares the code with each cluster's snapshot folder `liveDir/<name>`; `concurrency` clusters at a time. With
 * `clusters` (a label selection of the fleet) only those are compared, and code is "outside the fleet" only when it
 * is for no cluster of the whole fleet file.
 */
export async function driftFleet(
  fleet: Fleet, desiredPaths: readonly string[], liveDir: string, opts: LoadOptions & { concurrency?: number; clusters?: readonly FleetCluster[] } = {},
): Promise<FleetDrift> {
  const desired = await loadSources(desiredPaths, opts);
  const limit = limiter(opts.concurrency ?? 4);
  const clusters = await Promise.all((opts.clusters ?? fleet.clusters).map((c) => limit(async (): Promise<FleetClusterDrift> => {
    const base = { name: c.name, account: c.account, region: c.region };
    const dir = fleetClusterDir(liveDir, c.name);
    if (!existsSync(join(dir, SNAPSHOT_FILE))) {
      return { ...base, status: 'cannot-tell', items: [], unknown: [`${dir} holds no ${SNAPSHOT_FILE} (the cluster's snapshot is missing or failed)`] };
    }
    const live = await loadSources([dir], opts);
    const mine = desiredForCluster(desired, c);
    const items = compareAccess(accessState(mine), accessState(live));
    const names = (live.snapshots ?? []).map((s) => s.cluster.name);
    const unknown = [
      ...(names.length ? [] : [`${dir} holds no snapshot`]),
      // A folder of another cluster (copied, renamed) must not pass for this one.
      ...(names.some((n) => n !== c.clusterName) ? [`${dir} holds a snapshot of cluster ${JSON.stringify(names.find((n) => n !== c.clusterName))}, not ${c.clusterName}`] : []),
      ...live.warnings,
    ];
    return { ...base, status: unknown.length ? 'cannot-tell' : items.length ? 'drift' : 'clean', items, unknown };
  })));
  return { clusters, warnings: [...desired.warnings, ...unplacedWarnings(desired, fleet)] };
}
