/**
 * Holds the machine's idle CPUs polling instead of halting while a loopback benchmark measures, through the kernel's
 * CPU latency QoS: a process that opens /dev/cpu_dma_latency and writes a 32-bit target of 0 µs keeps every CPU out
 * of any idle state with an exit latency above 0 — only the polling state is left — until it closes the file (or
 * exits). Linux Documentation/power/pm_qos_interface.rst, "From user space"; reading the file returns the aggregated
 * target in force. cyclictest and tuned's latency profiles hold it the same way.
 *
 * Why (docs/benchmarks.md, "Idle CPUs"): on a KVM guest whose idle CPUs halt at once — this machine boots with
 * `cpuidle_haltpoll.force=1 haltpoll.guest_halt_poll_ns=0`, against the kernel's default of 200 µs of polling before a
 * halt (Documentation/virt/guest-halt-polling.rst) — each socket write on loopback that wakes a halted peer sends it
 * an inter-processor interrupt, paid on the writer's CPU (the loopback receive runs inline in the write). A server
 * measured against wrk and the STS stand-in on the other CPU is then charged for waking them, more the slower it is:
 * the peers of a fast server are still busy when its next write comes. With the CPUs held polling, a wake-up is a flag
 * the polling CPU sees, for every server alike. `BENCH_IDLE_POLL=0` measures as the host booted.
 */
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import type { BenchResult } from './result';

export const CPU_LATENCY_DEVICE = '/dev/cpu_dma_latency';

export interface IdlePolling {
  /** True while this process holds the CPUs polling. */
  readonly held: boolean;
  /** For the results: what the idle CPUs did during the measured runs, and why when not held. */
  readonly description: string;
  /** Lets the CPUs halt again (closing the file drops the request). Idempotent. */
  release(): void;
}

/** The CPU latency target in force (µs), as the device reads; undefined when it cannot be read. */
export function cpuLatencyTargetUs(device = CPU_LATENCY_DEVICE): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(device, 'r');
    const buf = Buffer.alloc(4);
    return readSync(fd, buf, 0, 4, null) === 4 ? buf.readInt32LE(0) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const HELD_DESCRIPTION = 'idle CPUs held polling (CPU latency QoS 0 µs through /dev/cpu_dma_latency): a wake-up on loopback costs no interrupt';

/**
 * Holds the CPUs polling unless `env.BENCH_IDLE_POLL` is `0`. Never throws: a machine where the device is missing or
 * not writable (not root, another OS) is measured as it is, and the description says so.
 */
export function holdIdlePolling(options: { device?: string; env?: NodeJS.ProcessEnv } = {}): IdlePolling {
  const device = options.device ?? CPU_LATENCY_DEVICE;
  const env = options.env ?? process.env;
  const notHeld = (why: string): IdlePolling => ({ held: false, description: `idle CPUs as the host booted them (${why})`, release: () => {} });
  if (env.BENCH_IDLE_POLL === '0') return notHeld('BENCH_IDLE_POLL=0');
  let fd: number | undefined;
  try {
    fd = openSync(device, constants.O_WRONLY); // never created: a missing device is not a file to make
    const target = Buffer.alloc(4);
    target.writeInt32LE(0, 0);
    if (writeSync(fd, target) !== 4) throw new Error('short write');
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    return notHeld(`${device} could not be held: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let open: number | undefined = fd;
  return {
    get held() {
      return open !== undefined;
    },
    description: HELD_DESCRIPTION,
    release() {
      if (open === undefined) return;
      closeSync(open);
      open = undefined;
    },
  };
}

/** The note a result carries first: what the idle CPUs did while it was measured. */
export function idleConditionNote(description: string): string {
  return `Idle CPUs during the run: ${description} (bench/lib/idle-poll.ts; docs/benchmarks.md, "Idle CPUs").`;
}

/**
 * Runs a loopback benchmark with the idle CPUs held polling (released afterwards, whatever happens) and puts the
 * condition's note first in its result.
 */
export async function withIdlePolling(measure: () => Promise<BenchResult>, options: { device?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BenchResult> {
  const idle = holdIdlePolling(options);
  try {
    const result = await measure();
    return { ...result, notes: [idleConditionNote(idle.description), ...result.notes] };
  } finally {
    idle.release();
  }
}
