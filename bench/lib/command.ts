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
