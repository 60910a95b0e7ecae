import { spawnSync } from 'node:child_process';
import { repeat } from './stats';

/** Wall time in milliseconds of each of `times` runs of a command, failing loudly if a run fails. */
export async function timeCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  times: number,
): Promise<number[]> {
  return repeat(times, async () => {
    const start = process.hrtime.bigint();
    const res = spawnSync(command, args, { env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} exited ${res.status}: ${(res.stderr || String(res.error)).slice(0, 500)}`);
    }
    return ms;
  });
}

/**
 * CPU time (user + system, ms) of each of `times` runs of a command, from the kernel's accounting of the finished
 * child (wait4(2) rusage, microsecond fields), read by a python3 parent that forks and execs it. Less swayed by other
 * jobs on the machine than wall time: a process waiting for a core accrues none.
 */
export async function cpuOfCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  times: number,
): Promise<number[]> {
  const python = [
    'import os, sys',
    'pid = os.fork()',
    'if pid == 0:',
    '    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)',
    '_, status, ru = os.wait4(pid, 0)',
    'os.write(3, ("%d %.3f" % (os.waitstatus_to_exitcode(status), (ru.ru_utime + ru.ru_stime) * 1000)).encode())',
  ].join('\n');
  return repeat(times, async () => {
    const res = spawnSync('python3', ['-c', python, command, ...args], { env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    const [code, ms] = String(res.output[3] ?? '').split(' ');
    if (code !== '0') throw new Error(`${command} ${args.join(' ')} exited ${code}: ${(res.stderr || String(res.error)).slice(0, 500)}`);
    return Number(ms);
  });
}
