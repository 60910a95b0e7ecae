/** Paired worker runs: ours and the baseline alternate in fresh processes, so drifting machine load hits both. */
import { median } from './stats';
import { runWorker, WorkerMeasurement } from './worker';

export interface PairedMedians {
  readonly ours: WorkerMeasurement;
  readonly baseline: WorkerMeasurement;
}

export function pairedWorkers(ours: string, baseline: string, args: readonly string[], times: number): PairedMedians {
  const a: WorkerMeasurement[] = [];
  const b: WorkerMeasurement[] = [];
  for (let i = 0; i < times; i++) {
    a.push(runWorker(ours, args));
    b.push(runWorker(baseline, args));
  }
  const med = (xs: WorkerMeasurement[]): WorkerMeasurement => ({
    ms: median(xs.map((x) => x.ms)),
    cpuMs: median(xs.map((x) => x.cpuMs)),
    maxRssMiB: median(xs.map((x) => x.maxRssMiB)),
  });
  return { ours: med(a), baseline: med(b) };
}
