#!/usr/bin/env node
/**
 * The `eks-access` command-line tool. Each sub-command lives in bin/commands/<name>.ts and is loaded only when
 * called, so that the hot path (`eks-access token`, run by kubectl on every request) loads nothing else.
 */
import { runCli } from './cli-main';
import { endQuietlyOnClosedPipe } from './closed-pipe';

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`eks-access: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
