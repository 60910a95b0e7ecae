/** Runs `eks-access <args>` in-process (the real dispatcher and command modules) and captures its output. */
import { runCli } from '../../bin/cli-main';
import { captureCli, CliResult } from '../helpers/cli-output';

export function runEksAccess(...args: string[]): Promise<CliResult> {
  return captureCli(runCli, args);
}
