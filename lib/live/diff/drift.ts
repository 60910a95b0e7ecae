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
