/**
 * The `node` flags the webhook server runs with: the container image's ENTRYPOINT (Dockerfile), the workers of
 * `serve --workers N` (cluster-primary.ts passes them on), the test harness and the benchmark. V8 accepts them only on
 * the command line: NODE_OPTIONS refuses them ("is not allowed in NODE_OPTIONS"), and setting them once the heap
 * runs (`v8.setFlagsFromString`) crashed Node 22 in the next full GC.
 *
 * `--single-threaded-gc`: V8 otherwise scavenges and marks on helper threads beside the event loop
 * (https://v8.dev/blog/trash-talk). A webhook process is one event loop given about one core (a CPU limit of one, or
 * one worker per CPU with --workers auto), so the helpers do not run beside it: they take turns with it on the same
 * core, and a review waiting behind them is what made ours' p99 at one review at a time 2–3× Go's. Pinned to one
 * core with unique tokens (bench/benches/webhook.ts, five runs of 6 s, 2026-12-07), ours' p99 was 0.6–1.4 ms with
 * the flag against 1.1–2.5 ms without, and its CPU per review fell from 0.162–0.181 to 0.151–0.169 ms.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** `execArgv` with each of SERVE_NODE_FLAGS it lacks put first. */
export function withServeNodeFlags(execArgv: readonly string[]): string[] {
  return [...SERVE_NODE_FLAGS.filter((flag) => !execArgv.includes(flag)), ...execArgv];
}

/** The flags of SERVE_NODE_FLAGS this process was started without (`eks-access serve` run by a bare `node`). */
export function missingServeNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVE_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
