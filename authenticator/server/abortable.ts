/** Promise helpers bounded by an AbortSignal (the review deadline), so no await can outlive it. */

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts (even if `promise` ignores it). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Resolves when `ms` elapsed, rejects early if `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `promise`, or rejects with the signal's reason when it aborts, or with `onTimeout()` after `ms`: one
 * timer and one listener, both removed when it settles (AbortSignal.timeout + AbortSignal.any per call cost ~4% of a
 * loaded server's CPU, mostly in the weak references and GC they bring).
 */
export function raceAbortWithin<T>(promise: Promise<T>, signal: AbortSignal, ms: number, onTimeout: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      reject(onTimeout());
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * A review's deadline: one timer per review; the AbortSignal (for STS calls) is created only when something asks for
 * it, so a review answered from the cache makes none (an AbortController per review was ~4% of a loaded server's CPU,
 * bench/results/RESULTS.md, webhook).
 */
export class Deadline {
  private controller?: AbortController;
  private readonly timer: NodeJS.Timeout;
  private passed?: Error;
  /** Rejects the race in progress (reviews await one thing at a time). */
  private rejectRace?: (reason: Error) => void;

  constructor(private readonly ms: number) {
    this.timer = setTimeout(() => this.expire(), ms);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.passed) this.controller.abort(this.passed);
    }
    return this.controller.signal;
  }

  /** Settles with `promise`, or rejects as soon as the deadline passes (even if `promise` never settles). */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.passed) return Promise.reject(this.passed);
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      promise.then(resolve, reject);
    });
  }

  /** Stops the timer; call when the review is answered. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  private expire(): void {
    this.passed = new Error(`review deadline of ${this.ms} ms passed`);
    this.controller?.abort(this.passed);
    this.rejectRace?.(this.passed);
  }
}
