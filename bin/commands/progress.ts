/**
 * Progress of long work (report, snapshot, diff --cluster, import) on stderr, only when stderr is a terminal and the
 * command was not asked to be quiet or to print JSON/YAML: a pipe, a CI log or a file never gets a progress line.
 * One line, rewritten in place at most every `intervalMs`, cleared when the work ends. Labels pass through
 * {@link terminalSafe}, since they may carry names read from a cluster.
 */
import { terminalSafe } from './terminal-text';

/** What a long-running step reports; lib/ functions take this as an optional callback and know nothing of terminals. */
export interface ProgressEvent {
  /** What is being done, e.g. `reading access entries`. */
  readonly phase: string;
  /** Items done so far in this phase. */
  readonly done: number;
  /** Items in this phase, when known. */
  readonly total?: number;
}

export interface ProgressOptions {
  /** @default process.stderr */
  readonly stream?: NodeJS.WriteStream | { isTTY?: boolean; write(chunk: string): boolean };
  /** No output at all (`-q`, `--output json|yaml`). @default false */
  readonly quiet?: boolean;
  /** Minimum time between two redraws. @default 100 */
  readonly intervalMs?: number;
  /** The clock, injectable for tests. @default Date.now */
  readonly now?: () => number;
}

export interface Progress {
  /** Reports an event; redraws when the interval has passed or the phase changed. */
  readonly update: (event: ProgressEvent) => void;
  /** Clears the line. Safe to call more than once. */
  readonly done: () => void;
  /** Whether anything is drawn at all. */
  readonly enabled: boolean;
}

/** A progress line on a terminal, or a no-op everywhere else. */
export function createProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = !opts.quiet && stream.isTTY === true;
  if (!enabled) return { update: () => undefined, done: () => undefined, enabled };
  const interval = opts.intervalMs ?? 100;
  const now = opts.now ?? Date.now;
  let last = -Infinity;
  let lastPhase = '';
  let drawn = false;
  return {
    enabled,
    update(event) {
      const t = now();
      if (event.phase === lastPhase && t - last < interval && event.done !== event.total) return;
      last = t;
      lastPhase = event.phase;
      const count = event.total !== undefined ? `${event.done}/${event.total}` : `${event.done}`;
      stream.write(`\r\x1b[2K${terminalSafe(event.phase)} ${count}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
