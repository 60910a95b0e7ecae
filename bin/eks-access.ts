#!/usr/bin/env node
/**
 * The `eks-access` command-line tool. Each sub-command lives in bin/commands/<name>.ts and is loaded only when
 * called, so that the hot path (`eks-access token`, run by kubectl on every request) loads nothing else. In the built
 * package `token` runs from its own single-file bundle (dist/token, scripts/bundle-token.ts): one file to read and
 * compile instead of the dozens of SDK modules its signing needs, compiled from V8's code cache after the first run
 * (code-cache.ts; bench/results/RESULTS.md, token CLI).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeCacheDir, requireWithCodeCache } from './code-cache';
import { runAsProcess } from './run-process';

const TOKEN_BUNDLE = join(__dirname, '..', 'token', 'eks-access-token.js');

async function runToken(args: string[]): Promise<number> {
  const bundle = requireWithCodeCache<{ run(args: string[]): Promise<number> }>(TOKEN_BUNDLE, codeCacheDir());
  const code = await bundle.exports.run(args);
  bundle.saveCache();
  return code;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'token' && existsSync(TOKEN_BUNDLE)) return runToken(argv.slice(1));
  // Loaded only here: `token` needs none of the CLI's command table.
  const { runCli } = await import('./cli-main');
  return runCli(argv);
}

runAsProcess(main);
