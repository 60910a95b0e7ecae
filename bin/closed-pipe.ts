/**
 * `eks-access report --output json | head -1`: once the reader closes the pipe, every further write fails with EPIPE,
 * which Node raises as an unhandled 'error' event (a stack trace and exit 1). A closed pipe only means nobody reads
 * any more: writes to it are dropped from then on, quietly, and the command still finishes and sets its exit code, so
 * a CI gate (`risks --fail-on high | head`, with pipefail) keeps its verdict instead of passing or crashing.
 */
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
