import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/** The facts a reader needs to weigh the figures: cores, CPU model, memory, Node and Go versions. */
export interface MachineFacts {
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly go: string;
  readonly platform: string;
  /**
   * How idle CPUs wait as the host booted them (the cpuidle driver, and for haltpoll how long a CPU polls before it
   * halts): loopback benchmarks pay for waking a halted CPU (bench/lib/idle-poll.ts). Absent where sysfs does not say.
   */
  readonly cpuIdle?: string;
  /** What else loaded the machine during the run (1-min load averages), when known. */
  readonly conditions?: string;
}

function goVersion(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'not installed';
  }
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** `cpuidle <driver>[, halt polling <ns> ns before a halt]`, from sysfs (Linux Documentation/admin-guide/pm/cpuidle.rst). */
export function cpuIdleFacts(sys = '/sys'): string | undefined {
  const driver = read(`${sys}/devices/system/cpu/cpuidle/current_driver`);
  if (!driver) return undefined;
  const pollNs = driver === 'haltpoll' ? read(`${sys}/module/haltpoll/parameters/guest_halt_poll_ns`) : undefined;
  return `cpuidle ${driver}${pollNs === undefined ? '' : `, polling ${pollNs} ns before a halt`}`;
}

/**
 * The machine in one phrase, the same wherever a report names it (RESULTS.md's header and Host lines, the analysis
 * and fleet reports): `<cpu>, <n> cores, <m> GiB, <platform> (<cpuIdle>); Node <version>`.
 */
export function describeMachine(m: Pick<MachineFacts, 'cpu' | 'cores' | 'memoryGiB' | 'platform' | 'cpuIdle' | 'node'>): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}${m.cpuIdle ? ` (${m.cpuIdle})` : ''}; Node ${m.node}`;
}

export function machineFacts(): MachineFacts {
  return {
    date: new Date().toISOString(),
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    go: goVersion(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuIdle: cpuIdleFacts(),
  };
}
