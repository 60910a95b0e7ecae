/**
 * At most N calls in flight to one service, started in the order they were asked for. `snapshot` reads thousands of
 * access entries: one at a time they take minutes (each call is a round trip), all at once they trip the service's
 * throttling; N workers keep the pipe full within what one caller may reasonably spend (the SDK's adaptive retry
 * mode absorbs the throttling that remains, see take-snapshot.ts).
 */
export type Limiter = <T>(call: () => Promise<T>) => Promise<T>;

export function limiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency: ${concurrency} is not a whole number ≥ 1`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await call();
    } finally {
      release();
    }
  };
}

/** What a long read reports; the CLI draws it (bin/commands/progress.ts), the library never prints. */
export interface SnapshotProgressEvent {
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}
