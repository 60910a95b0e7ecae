/** Loads both sides and compares them (the library form of `eks-access diff`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources, LoadOptions } from '../../analysis/inputs/load-sources';
import { SnapshotOptions, takeSnapshot, writeSnapshot } from '../snapshot/take-snapshot';
import { compareAccess, DriftReport } from './compare';
import { accessState } from './state';

export async function driftBetween(desiredPaths: readonly string[], liveDir: string, opts: LoadOptions = {}): Promise<DriftReport> {
  const [desired, live] = [await loadSources(desiredPaths, opts), await loadSources([liveDir], opts)];
  const unknown = [...(live.snapshots?.length ? [] : [`${liveDir} holds no cluster.json of eks-access snapshot`]), ...live.warnings, ...desired.warnings];
  return { items: compareAccess(accessState(desired), accessState(live)), unknown };
}

/**
 * Code against code: `desiredPaths` (e.g. a synthesized `usage --propose` module) against `currentPaths` (the code as
 * it is today: cdk.out and/or manifests), with the same comparison, so `added` = held by the current code and not by
 * the desired one (what applying it would take away; aws-auth rows too, when only the current code manages the
 * ConfigMap). No snapshot is needed on either side.
 */
export async function driftBetweenCode(desiredPaths: readonly string[], currentPaths: readonly string[], opts: LoadOptions = {}): Promise<DriftReport> {
  const [desired, current] = [await loadSources(desiredPaths, opts), await loadSources(currentPaths, opts)];
  return { items: compareAccess(accessState(desired), accessState(current), { otherIsCode: true }), unknown: [...current.warnings, ...desired.warnings] };
}

/** Snapshots the cluster into a temporary folder, then compares. */
export async function driftAgainstCluster(desiredPaths: readonly string[], cluster: SnapshotOptions, opts: LoadOptions = {}): Promise<DriftReport> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-live-'));
  try {
    const taken = await takeSnapshot(cluster);
    writeSnapshot(dir, taken);
    return { ...(await driftBetween(desiredPaths, dir, opts)), warnings: taken.warnings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
