/**
 * The `node` flags the webhook server runs with: the container image's ENTRYPOINT (Dockerfile), the workers of
 * `serve --workers N` (cluster-primary.ts passes them on), the test harness and the benchmark.
 *
 * `--v8-pool-size=1`: one V8 helper thread instead of Node's default four
 * (https://nodejs.org/docs/latest-v22.x/api/cli.html#--v8-pool-sizenum). A webhook process is one event loop given
 * about one core (a CPU limit of one, or one worker per CPU with --workers auto); V8's GC helpers (concurrent marking,
 * parallel scavenges: https://v8.dev/blog/trash-talk) do not run beside it there but take turns with it, and with four
 * of them runnable the event loop gets a fifth of the core while they work. Pinned to one core with unique tokens
 * (bench/benches/webhook.ts, h2 stand-in, three runs of 6 s each way, 2026-12-07): ours' p99 at one review at a time
 * was 1.10–1.56 ms with one helper against 1.33–2.03 ms with four, at 64 in flight 12.4–13.2k req/s against 10.8–13.4k.
 * Tried and not taken, same runs: `--single-threaded-gc` (no helpers; p99 1.28–1.55 ms but 7.1–8.8k req/s at 64 in
 * flight, its marking then on the event loop) and `--no-concurrent-marking` (likewise 8.0–8.7k req/s).
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--v8-pool-size=1'];

/** The option name of a flag (`--v8-pool-size` of `--v8-pool-size=1`). */
const nameOf = (flag: string) => flag.split('=')[0];

/** Whether `args` set the option of `flag`, to any value (an operator's own choice wins). */
function sets(args: readonly string[], flag: string): boolean {
  const name = nameOf(flag);
  return args.some((a) => a === name || a.startsWith(`${name}=`));
}

/** `execArgv` with each of SERVE_NODE_FLAGS whose option it does not set put first. */
export function withServeNodeFlags(execArgv: readonly string[]): string[] {
  return [...SERVE_NODE_FLAGS.filter((flag) => !sets(execArgv, flag)), ...execArgv];
}

/**
 * The flags of SERVE_NODE_FLAGS whose option this process was started without, on its command line or in
 * NODE_OPTIONS (where Node accepts `--v8-pool-size`).
 */
export function missingServeNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  return SERVE_NODE_FLAGS.filter((flag) => !sets(given, flag));
}
