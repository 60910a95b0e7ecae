/** CPU time (user + system) a process has used so far, from /proc (Linux): to compare servers' CPU per request. */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux x86-64 and arm64

export function processCpuMs(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
