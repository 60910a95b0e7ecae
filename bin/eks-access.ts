#!/usr/bin/env node
/**
 * The `eks-access` command-line tool. Each sub-command lives in bin/commands/<name>.ts and is loaded only when
 * called, so that the hot path (`eks-access token`, run by kubectl on every request) loads nothing else. In the built
 * package `token` runs from its own single-file bundle (dist/token, scripts/bundle-token.ts): one file to read and
 * compile instead of the dozens of SDK modules its signing needs (bench/results/RESULTS.md, token CLI).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli-main';
import { runAsProcess } from './run-process';

const TOKEN_BUNDLE = join(__dirname, '..', 'token', 'eks-access-token.js');

function main(argv: string[]): Promise<number> {
  if (argv[0] === 'token' && existsSync(TOKEN_BUNDLE)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file built beside this one, not a module
    return (require(TOKEN_BUNDLE) as { run(args: string[]): Promise<number> }).run(argv.slice(1));
  }
  return runCli(argv);
}

runAsProcess(main);
