/**
 * `eks-access token` as a process, from the token bundle (dist/token/eks-access-token.js) compiled through V8's code
 * cache (code-cache.ts). scripts/bundle-token.ts bundles this file with everything it imports (the code cache, the
 * private-file checks, the process frame) into ONE file, dist/token/eks-access-token-entry.js, which bin/eks-access.ts
 * requires for `token`: kubectl starts this command for every request without a cached credential, and each module
 * Node loads one by one costs a path resolution, a package.json scope lookup and a compile (bench/results/RESULTS.md,
 * token CLI). The command itself keeps the CLI's frame (bin/commands/token.ts uses command-frame.ts: flag parsing,
 * errors, exit codes); this is only how its code is loaded.
 */
import { codeCacheDir, requireWithCodeCache } from './code-cache';
import { claimRawStdout } from './closed-pipe';
import { runAsProcess } from './run-process';

/** The token bundle's entry point: bin/commands/token.ts `run`. */
interface TokenBundle {
  run(args: string[]): Promise<number>;
}

/** Runs `eks-access token ARGS` (`process.argv` after `token`) from `bundleFile` as the process. */
export function runTokenProcess(bundleFile: string): void {
  // Standard output is this process's own: the token is printed with one write(2), no stream (closed-pipe.ts).
  claimRawStdout();
  runAsProcess(async (argv) => {
    const bundle = requireWithCodeCache<TokenBundle>(bundleFile, codeCacheDir());
    const code = await bundle.exports.run(argv.slice(1));
    bundle.saveCache();
    return code;
  });
}
