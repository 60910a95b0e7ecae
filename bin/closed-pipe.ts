/**
 * `eks-access report --output json | head -1`: once the reader closes the pipe, every further write fails with EPIPE,
 * which Node raises as an unhandled 'error' event (a stack trace and exit 1). A closed pipe only means nobody reads
 * any more: writes to it are dropped from then on, quietly, and the command still finishes and sets its exit code, so
 * a CI gate (`risks --fail-on high | head`, with pipefail) keeps its verdict instead of passing or crashing.
 */
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

export function endQuietlyOnClosedPipe(stream: Writable): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    // Nobody reads any more: drop every later write instead of failing again.
    stream.write = ((_chunk: unknown, encoding?: unknown, cb?: unknown) => {
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as Writable['write'];
  });
}

/**
 * `endQuietlyOnClosedPipe(process[name])` when the stream is first used, not before: Node creates `process.stdout`
 * and `process.stderr` on first access (lib/internal/bootstrap/switches/is_main_thread.js, `defineStream`, a
 * configurable getter), and creating one loads Node's stream modules, ~1–2 ms of every `eks-access token` that kubectl
 * starts (bench/results/RESULTS.md, token CLI), which prints through `writeStdoutSync` and never needs them.
 */
export function endQuietlyOnClosedPipeWhenUsed(name: 'stdout' | 'stderr'): void {
  const original = Object.getOwnPropertyDescriptor(process, name);
  if (!original?.get || !original.configurable) {
    endQuietlyOnClosedPipe(process[name]);
    return;
  }
  const getter = original.get;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: original.enumerable,
    get() {
      Object.defineProperty(process, name, original);
      const stream = getter.call(process) as NodeJS.WriteStream;
      endQuietlyOnClosedPipe(stream);
      return stream;
    },
  });
}

/**
 * Set on `process` (a global symbol, so that the token entry and the token bundle, two bundles each with its own copy
 * of this module, see the same) by a process entry that owns standard output: nothing else writes there before.
 */
const RAW_STDOUT = Symbol.for('cdk-eks-access.raw-stdout');

/** The process entry owns standard output (bin/token-entry.ts): `writeStdoutSync` may write to descriptor 1 itself. */
export function claimRawStdout(): void {
  (process as unknown as Record<symbol, boolean>)[RAW_STDOUT] = true;
}

/**
 * Writes `text` to standard output with write(2) on descriptor 1, without creating `process.stdout` (see above), for
 * a command that prints once and exits (`token`), when the process entry claimed standard output (`claimRawStdout`);
 * otherwise (the command called in-process: a test capturing `process.stdout.write`, a library caller) through
 * `process.stdout`. Same rules as the stream: a closed pipe (EPIPE) drops the text quietly; a non-blocking descriptor
 * that is full (EAGAIN: the reader is slow) hands the rest to `process.stdout`, which queues it and flushes before the
 * process exits.
 */
export function writeStdoutSync(text: string): void {
  if (!(process as unknown as Record<symbol, boolean>)[RAW_STDOUT]) {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') process.stdout.write(bytes.subarray(written));
    else if (code !== 'EPIPE') throw e;
  }
}
