/** Order statistics for repeated measurements: medians and percentiles, never means (noisy machines). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * The sample median: the middle value, or the mean of the two middle values of an even count. (Until 2026-12-07 it was
 * the nearest-rank 50th percentile, i.e. the lower of the two: biased low for an even count — with four paired rounds
 * per kube-apiserver cell, the second-lowest round decided a "≥ 1×" target.)
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` `times` times, returning each run's result (sequentially, so runs never compete for the 2 cores). */
export async function repeat<T>(times: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}
