/**
 * A closed-loop load client with sub-millisecond timing (autocannon reports whole milliseconds and mis-times servers
 * that close every connection, as the STS stand-in does): `concurrency` workers each send one request after another
 * for `durationMs`.
 */
import { percentile } from './stats';

export interface LoopResult {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export async function closedLoop(concurrency: number, durationMs: number, send: () => Promise<boolean>): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs * 1e6);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (process.hrtime.bigint() < deadline) {
        const t0 = process.hrtime.bigint();
        const ok = await send().catch(() => false);
        if (ok) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        else errors++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (latencies.length === 0) throw new Error(`closed loop: all ${errors} requests failed`);
  return { reqPerSec: latencies.length / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), errors };
}
