#!/usr/bin/env node
/**
 * The `eks-access` command-line tool. Each sub-command lives in bin/commands/<name>.ts and is loaded only when
 * called, so that the hot path (`eks-access token`, run by kubectl on every request) loads nothing else. In the built
 * package `token` runs from its own single-file bundle (dist/token, scripts/bundle-token.ts): one file to read and
 * compile instead of the dozens of SDK modules its signing needs, compiled from V8's code cache after the first run
 * (code-cache.ts), started by one bundled entry (token-entry.ts); nothing else is imported here before the command is
 * known (bench/results/RESULTS.md, token CLI).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const TOKEN_DIR = join(__dirname, '..', 'token');
const TOKEN_BUNDLE = join(TOKEN_DIR, 'eks-access-token.js');
const TOKEN_ENTRY = join(TOKEN_DIR, 'eks-access-token-entry.js');

async function start(): Promise<void> {
  if (process.argv[2] === 'token' && existsSync(TOKEN_ENTRY)) {
    const entry = (await import(TOKEN_ENTRY)) as typeof import('./token-entry');
    entry.runTokenProcess(TOKEN_BUNDLE);
    return;
  }
  // Without a build (sources through ts-node): `token` from the command table, as every other command.
  const [{ runAsProcess }, { runCli }] = await Promise.all([import('./run-process'), import('./cli-main')]);
  runAsProcess(runCli);
}

start().catch(async (err: unknown) => {
  // Only a module that failed to load gets here (runAsProcess reports the commands' own errors): one line, exit 1.
  const { errorLine } = await import('./commands/help');
  process.stderr.write(errorLine(undefined, err instanceof Error ? err.message : String(err)));
  process.exitCode = 1;
});
