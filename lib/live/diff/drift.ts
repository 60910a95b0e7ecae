/** Loads both sides and compares them (the library form of `eks-access diff`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources, LoadOptions } from '../../analysis/inputs/load-sources';
import type { OnProgress } from '../../analysis/progress';
import { SnapshotOptions, takeSnapshot, writeSnapshot } from '../snapshot/take-snapshot';
import { compareAccess, DriftReport } from './compare';
import { accessState } from './state';

export interface DriftOptions extends LoadOptions {
  /** The steps (reading the code, reading the live side, comparing) and, with a cluster, the snapshot's reads. */
  readonly onProgress?: OnProgress;
}

export async function driftBetween(desiredPaths: readonly string[], liveDir: string, opts: DriftOptions = {}): Promise<DriftReport> {
  const step = (done: number, phase: string) => opts.onProgress?.({ phase: `diff: ${phase}`, done, total: 3 });
  step(1, 'reading the code');
  const desired = await loadSources(desiredPaths, opts);
  step(2, 'reading the live snapshot');
  const live = await loadSources([liveDir], opts);
  step(3, 'comparing');
  const unknown = [...(live.snapshots?.length ? [] : [`${liveDir} holds no cluster.json of eks-access snapshot`]), ...live.warnings, ...desired.warnings];
  return { items: compareAccess(accessState(desired), accessState(live)), unknown };
}

/**
 * Code against code: `desiredPaths` (e.g. a synthesized `usage --propose` module) against `currentPaths` (the code as
 * it is today: cdk.out and/or manifests), with the same comparison, so `added` = held by the current code and not by
 * the desired one (what applying it would take away; aws-auth rows too, when only the current code manages the
 * ConfigMap). No snapshot is needed on either side.
 */
export async function driftBetweenCode(desiredPaths: readonly string[], currentPaths: readonly string[], opts: DriftOptions = {}): Promise<DriftReport> {
  const step = (done: number, phase: string) => opts.onProgress?.({ phase: `diff: ${phase}`, done, total: 3 });
  step(1, 'reading the code');
  const desired = await loadSources(desiredPaths, opts);
  step(2, 'reading the current code');
  const current = await loadSources(currentPaths, opts);
  step(3, 'comparing');
  return { items: compareAccess(accessState(desired), accessState(current), { otherIsCode: true }), unknown: [...current.warnings, ...desired.warnings] };
}

/** Snapshots the cluster into a temporary folder, then compares. */
export async function driftAgainstCluster(desiredPaths: readonly string[], cluster: SnapshotOptions, opts: DriftOptions = {}): Promise<DriftReport> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-live-'));
  try {
    const taken = await takeSnapshot({ ...cluster, onProgress: cluster.onProgress ?? opts.onProgress });
    writeSnapshot(dir, taken);
    return { ...(await driftBetween(desiredPaths, dir, opts)), warnings: taken.warnings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
