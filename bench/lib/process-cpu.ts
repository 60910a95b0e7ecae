/**
 * CPU time (user + system) a process has used so far, and its peak memory, from /proc (Linux): to compare servers' CPU
 * per request and what they held.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux x86-64 and arm64

export function processCpuMs(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time of a process and all its descendants (a `serve --workers` primary and its workers): each one's own
 * utime + stime, plus the primary's cutime + cstime (children it has reaped, e.g. a replaced worker).
 */
export function processTreeCpuMs(pid: number): number {
  let total = reapedChildrenCpuMs(pid);
  for (const p of processTree(pid)) {
    try {
      total += processCpuMs(p);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/**
 * Peak resident memory (VmHWM, MB) of a process and its live descendants, summed: each one's high-water mark, so an
 * upper bound of what the tree held at once.
 */
export function processTreePeakRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += statusKb(p, 'VmHWM');
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024;
}

/** Resident memory of one process now (VmRSS, MB). */
export function processRssMb(pid: number): number {
  return statusKb(pid, 'VmRSS') / 1024;
}

/** A `kB` field of /proc/PID/status (0 if absent, as for a kernel thread). */
function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** `pid` and its live descendants. */
function processTree(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const inTree = (p: number): boolean => {
    for (let q: number | undefined = p, hops = 0; q !== undefined && q > 1 && hops < 64; q = parentOf.get(q), hops++) if (q === pid) return true;
    return false;
  };
  return [...parentOf.keys()].filter(inTree);
}

function reapedChildrenCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}
