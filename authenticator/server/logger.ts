/**
 * The webhook's structured JSON logger, in a file of its own so the Lambda handler can use it without pulling the
 * HTTPS server and prom-client into its bundle.
 */
import pino, { DestinationStream, Logger } from 'pino';
import { PLAIN_LINES, PlainLineWriter } from './log-line';

/**
 * stdout written synchronously, as Node itself writes process.stdout to pipes and files on Linux, but in batches: the
 * lines logged within FLUSH_DELAY_MS (two per review; many reviews under load) leave in one write, or sooner once
 * FLUSH_BYTES are pending. pino's default destination (`pino.destination(1)`, asynchronous) hands every line to the
 * libuv thread pool and back, which cost ~17% of the server's CPU at one review at a time; one synchronous write per
 * line still cost ~8%, one per event-loop turn ~6% (bench/results/RESULTS.md, webhook): at one review at a time a turn
 * holds one review, so the batch is bounded by time instead. A line waits at most FLUSH_DELAY_MS; lines still pending
 * when the process exits are written by the 'exit' handler (a SIGKILL loses at most that much).
 */
export const FLUSH_DELAY_MS = 5;
/** A batch this large is written at once, without waiting for the timer. */
export const FLUSH_BYTES = 16 * 1024;
/**
 * POSIX makes a pipe write atomic only up to PIPE_BUF bytes (4096 on Linux, pipe(7)): when several worker processes
 * of `serve --workers` share one stdout pipe (a container's log pipe), a longer write may interleave with another
 * worker's mid-line. Their batches are therefore cut at line ends into writes of at most this many bytes.
 */
export const PIPE_BUF = 4096;

export class BatchedDestination implements DestinationStream {
  private pending: string[] = [];
  /** Characters pending: bytes up to UTF-8 (a character is 1–3 bytes here), a cheap bound for FLUSH_BYTES. */
  private pendingChars = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly flushSoon = () => {
    this.timer = undefined;
    this.flush();
  };

  /** @param atomicWrites cut each batch into whole-line writes of at most PIPE_BUF bytes (stdout shared by processes). */
  constructor(readonly out: DestinationStream = pino.destination({ dest: 1, sync: true }), private readonly atomicWrites = false) {}

  write(line: string): void {
    if (this.pending.length === 0) {
      // Unreferenced: a pending batch does not keep the process alive (the 'exit' handler writes it).
      this.timer = setTimeout(this.flushSoon, FLUSH_DELAY_MS);
      this.timer.unref();
      waiting.add(this);
    }
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    waiting.delete(this);
    if (this.atomicWrites) return this.writeAtomically(pending);
    this.out.write(pending.length === 1 ? pending[0] : pending.join(''));
  }

  private writeAtomically(lines: readonly string[]): void {
    let batch: string[] = [];
    let bytes = 0;
    for (const line of lines) {
      const size = Buffer.byteLength(line);
      if (bytes + size > PIPE_BUF && batch.length > 0) {
        this.out.write(batch.join(''));
        [batch, bytes] = [[], 0];
      }
      batch.push(line);
      bytes += size;
    }
    if (batch.length > 0) this.out.write(batch.join(''));
  }
}

/** Destinations with lines not yet written; one 'exit' handler writes them all. */
const waiting = new Set<BatchedDestination>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const d of [...waiting]) d.flush();
  });
}

/** pino logger that can never print a token, a presigned URL or an Authorization header, whatever a caller logs. */
export function createWebhookLogger(level: string, destination?: DestinationStream): Logger {
  if (!destination) installExitHook();
  const logger = pino({
    level,
    base: { service: 'eks-access-webhook' },
    redact: {
      paths: ['token', '*.token', 'spec.token', 'url', '*.url', 'headers.authorization', '*.headers.authorization'],
      censor: '<redacted>',
    },
  }, destination ?? new BatchedDestination(undefined, process.env.NODE_UNIQUE_ID !== undefined)); // NODE_UNIQUE_ID: a node:cluster worker
  // No custom serializers, formatters or hooks: logInfo may build this logger's (and its children's) info lines itself,
  // unless the destination wants pino's per-line metadata (pino.multistream routes lines by it).
  const internals = logger as unknown as Record<symbol, unknown>;
  if (!(destination as unknown as Record<symbol, unknown> | undefined)?.[pino.symbols.needsMetadataGsym]) {
    const writer: PlainLineWriter = {
      prefix: (l) => `{"level":30,"time":${Date.now()}${(l as unknown as Record<symbol, string>)[pino.symbols.chindingsSym]}`,
      stream: internals[pino.symbols.streamSym] as DestinationStream,
    };
    internals[PLAIN_LINES] = writer;
  }
  return logger;
}
