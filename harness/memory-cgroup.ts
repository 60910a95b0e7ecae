/**
 * A memory cgroup of a given limit, as a pod's container gets one (the kubelet sets it from `resources.limits.memory`),
 * for tests and benchmarks that run a process under it: cgroup v1 (`memory.limit_in_bytes`) or v2 (`memory.max`).
 * Making one needs a writable cgroup hierarchy (root, as on the project's CI machine); `makeMemoryCgroup` says why
 * when there is none, so a caller can skip and say so.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  readonly dir: string;
  /** Highest memory charged to the cgroup since it was made or since `resetPeak` (bytes). */
  peakBytes(): number;
  resetPeak(): void;
  /** Processes of the cgroup the kernel's OOM killer killed (0 if the kernel does not say). */
  oomKills(): number;
  /** `[command, args]` that start `command` inside this cgroup (a shell moves itself in, then execs: the same pid). */
  wrap(command: string, args: readonly string[]): [string, string[]];
  /** Removes the cgroup (its processes must have exited). */
  remove(): void;
}

const V1 = '/sys/fs/cgroup/memory';
const V2 = '/sys/fs/cgroup';

export function makeMemoryCgroup(limitBytes: number, name = `eks-access-${process.pid}-${Date.now()}`): MemoryCgroup | { reason: string } {
  let v1: boolean;
  try {
    if (existsSync(join(V1, 'memory.limit_in_bytes'))) {
      accessSync(V1, constants.W_OK);
      v1 = true;
    } else if (readFileSync(join(V2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory')) {
      accessSync(V2, constants.W_OK);
      v1 = false;
    } else {
      return { reason: 'no memory controller in /sys/fs/cgroup' };
    }
  } catch (e) {
    return { reason: `no writable memory cgroup hierarchy (${(e as Error).message})` };
  }
  const dir = join(v1 ? V1 : V2, name);
  mkdirSync(dir);
  const file = (f: string) => join(dir, f);
  writeFileSync(file(v1 ? 'memory.limit_in_bytes' : 'memory.max'), String(limitBytes));
  return {
    dir,
    peakBytes: () => Number(readFileSync(file(v1 ? 'memory.max_usage_in_bytes' : 'memory.peak'), 'utf8').trim()),
    // v2's memory.peak resets on a write only from Linux 6.12 on; before that the peak stays the cgroup's whole life.
    resetPeak: () => writeFileSync(file(v1 ? 'memory.max_usage_in_bytes' : 'memory.peak'), '0'),
    oomKills: () => {
      const text = readFileSync(file(v1 ? 'memory.oom_control' : 'memory.events'), 'utf8');
      return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
    },
    wrap: (command, args) => ['sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, command, ...args]],
    remove: () => rmdirSync(dir),
  };
}
