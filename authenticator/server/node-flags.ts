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
 *
 * `--max-semi-space-size=16`: V8's young generation at 16 MB per semi-space whatever memory the pod is given
 * (https://nodejs.org/docs/latest-v22.x/api/cli.html#--max-semi-space-sizesize-in-mib). Unset, V8 derives it from the
 * heap limit, which Node derives from the cgroup's memory limit: measured with Node 22 in a memory cgroup, every limit
 * from 128 MiB to 512 MiB (the authenticator pod's default is 192 MiB, lib/k8s/authenticator-pod.ts) gives a 2 MB new
 * space (1 MB semi-spaces), 1 GiB 8 MB, 2 GiB and an unlimited machine 32 MB (test/authenticator/server/
 * node-flags-heap.test.ts checks 192 MiB). A review allocates ~46 KB, so at ~3,700 unique reviews a second a 1 MB
 * semi-space means a scavenge every few milliseconds. In a 192 MiB cgroup, pinned to one core, unique tokens
 * (bench/results/RESULTS.md, webhook-pod, 2026-12-07): with the flag 2.1× the req/s at 64 in flight at 0.47× the CPU
 * per review, p99 at one review at a time 0.66×; the pod's memory peaked at 87 MB against 53 MB, no OOM kill.
 * Larger is no better: without a limit, 32 and 64 MB gave a p99 of 1.62 and 2.10 ms at one review at a time against
 * 1.30 ms with 16 (h2 stand-in, five runs of 6 s each) — each scavenge copies every identity cached since the one
 * before, so fewer scavenges are each longer; 8 MB gave 1.50 ms and 4 MB cost 64 in flight a fifth of its req/s.
 * On an Intel Xeon host (docs/benchmarks.md, "Tried on the Intel host", 2026-12-07) 1 and 2 MB cost 64 in flight
 * a fifth to four fifths more CPU per review than 16; 4, 32 and 64 MB differed from 16 by less than two trials of
 * 16 differed from each other.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--v8-pool-size=1', '--max-semi-space-size=16'];

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
 * NODE_OPTIONS (where Node accepts both).
 */
export function missingServeNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  return SERVE_NODE_FLAGS.filter((flag) => !sets(given, flag));
}
