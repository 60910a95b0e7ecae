/**
 * How many CPUs this process is given: the CPUs it may run on (`os.availableParallelism()`, which honours the
 * affinity mask — taskset, cpuset) bounded by the cgroup's CPU bandwidth limit, as a pod's `resources.limits.cpu`
 * sets it. cgroup v2: `cpu.max` ("QUOTA PERIOD" or "max PERIOD"), in the process's own cgroup (the path after "0::"
 * in /proc/self/cgroup) or, inside a cgroup namespace, at the root of /sys/fs/cgroup; cgroup v1: cpu.cfs_quota_us /
 * cpu.cfs_period_us (-1: no limit). A fractional limit is rounded up, as Go's container-aware GOMAXPROCS does
 * (Go 1.25, src/runtime/cgroup_linux.go; proposal golang/go#73193), so that Go's server and ours count alike.
 * Like Go's, only the leaf cgroup's limit is read (golang/go#81180: a tighter parent limit is not seen).
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The CPU limit a `cpu.max` file states, in CPUs (e.g. 1.5), or undefined for "max" or an unreadable text. */
export function cpuMaxLimit(text: string): number | undefined {
  const m = /^(max|\d+)\s+(\d+)\s*$/.exec(text.trim());
  if (!m || m[1] === 'max') return undefined;
  const [quota, period] = [Number(m[1]), Number(m[2])];
  return quota > 0 && period > 0 ? quota / period : undefined;
}

/** The cgroup v1 limit (cpu.cfs_quota_us, cpu.cfs_period_us), or undefined for -1 / unreadable. */
export function cfsLimit(quotaText: string, periodText: string): number | undefined {
  const [quota, period] = [Number(quotaText.trim()), Number(periodText.trim())];
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? quota / period : undefined;
}

function read(file: string): string | undefined {
  try {
    // Bounded: these files are a line each; a hostile or odd mount does not make us read more than 4 KiB.
    return readFileSync(file, 'utf8').slice(0, 4096);
  } catch {
    return undefined;
  }
}

/** The cgroup CPU limit of this process in CPUs, or undefined when there is none (or no cgroup fs). */
export function cgroupCpuLimit(root = '/sys/fs/cgroup', procSelfCgroup = '/proc/self/cgroup'): number | undefined {
  const own = (read(procSelfCgroup) ?? '').split('\n').find((l) => l.startsWith('0::'))?.slice(3).trim();
  // `..` in a path read from /proc would leave the cgroup fs: only a plain absolute path is joined.
  const candidates = own && own.startsWith('/') && !own.split('/').includes('..') ? [path.join(root, own, 'cpu.max')] : [];
  for (const file of [...candidates, path.join(root, 'cpu.max')]) {
    const text = read(file);
    if (text !== undefined) return cpuMaxLimit(text);
  }
  const [quota, period] = [read(path.join(root, 'cpu', 'cpu.cfs_quota_us')), read(path.join(root, 'cpu', 'cpu.cfs_period_us'))];
  return quota !== undefined && period !== undefined ? cfsLimit(quota, period) : undefined;
}

/**
 * Memory one worker may need: its peak RSS under load, 108 MiB measured for the image's server bundle
 * (bench/results/RESULTS.md, container), rounded up. `auto` starts no more workers than the cgroup memory limit holds:
 * the chart's pod (500m CPU, 192 Mi) gets one, and a pod whose CPU limit is raised without its memory limit is not
 * OOM-killed over and over by workers it cannot hold.
 */
export const WORKER_MEMORY_BYTES = 128 * 1024 * 1024;

/** The cgroup memory limit of this process in bytes (v2 memory.max, v1 memory.limit_in_bytes), or undefined. */
export function cgroupMemoryLimit(root = '/sys/fs/cgroup', procSelfCgroup = '/proc/self/cgroup'): number | undefined {
  const own = (read(procSelfCgroup) ?? '').split('\n').find((l) => l.startsWith('0::'))?.slice(3).trim();
  const candidates = own && own.startsWith('/') && !own.split('/').includes('..') ? [path.join(root, own, 'memory.max')] : [];
  for (const file of [...candidates, path.join(root, 'memory.max'), path.join(root, 'memory', 'memory.limit_in_bytes')]) {
    const text = read(file)?.trim();
    if (text === undefined) continue;
    // v1 reports "no limit" as a huge number (PAGE_COUNTER_MAX pages); anything past 2^60 is no limit.
    return /^\d+$/.test(text) && Number(text) > 0 && Number(text) < 2 ** 60 ? Number(text) : undefined;
  }
  return undefined;
}

/** Worker processes for `serve --workers auto`: the CPUs given, the cgroup CPU limit rounded up, no more than the memory limit holds, at least 1. */
export function autoWorkerCount(available = os.availableParallelism(), limit = cgroupCpuLimit(), memoryLimit = cgroupMemoryLimit()): number {
  const byLimit = limit === undefined ? Infinity : Math.ceil(limit - 1e-9);
  const byMemory = memoryLimit === undefined ? Infinity : Math.floor(memoryLimit / WORKER_MEMORY_BYTES);
  return Math.max(1, Math.min(available, byLimit, byMemory));
}
