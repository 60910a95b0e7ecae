import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** What a worker measures about itself: wall time of the work and the process's peak resident set. */
export interface WorkerMeasurement {
  readonly ms: number;
  /** CPU time (user + system, all threads) of the work: much less sensitive than wall time to other load on the machine. */
  readonly cpuMs: number;
  readonly maxRssMiB: number;
}

/**
 * Runs one worker script (bench/workers/NAME.ts, compiled) in a fresh Node process, so that each measurement starts
 * from a cold heap and its peak RSS is its own.
 */
export function runWorker(name: string, args: readonly string[]): WorkerMeasurement {
  const script = path.join(__dirname, '..', 'workers', `${name}.js`);
  const res = spawnSync(process.execPath, ['--max-old-space-size=8192', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`worker ${name} ${args.join(' ')} failed: ${res.stderr.slice(-2000)}`);
  const last = res.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as WorkerMeasurement;
}

/** Inside a worker: time `work` and print the measurement as the last stdout line. */
export async function measureSelf(work: () => Promise<void> | void): Promise<void> {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  await work();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB })}\n`);
}
