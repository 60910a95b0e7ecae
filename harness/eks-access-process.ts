/**
 * The `eks-access` CLI as a real child process: the compiled binary (`dist/bin/eks-access.js`, what npm publishes;
 * `npm test` and `npm run test:e2e` build it first) or, for tests that must not depend on a build, the sources through
 * ts-node. This file runs from harness/ under ts-jest, or from dist/harness when the benchmarks use it compiled.
 */
import { join, resolve } from 'node:path';
import { run, RunResult } from './run-process';

const ROOT = resolve(__dirname, '..').replace(/[\\/]dist$/, '');
/** The compiled CLI. */
export const CLI = join(ROOT, 'dist/bin/eks-access.js');
/** `node` arguments that run the CLI from its TypeScript sources (cwd: the repository root). */
export const CLI_FROM_SOURCE = ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bin/eks-access.ts')];

export interface EksAccessProcessOptions {
  /** Run the sources through ts-node instead of the compiled binary. @default false */
  readonly fromSource?: boolean;
  /** The child's whole environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. @default '' */
  readonly input?: string;
  /** @default 120000 */
  readonly timeoutMs?: number;
}

/** Runs `eks-access ARGS` in the repository root, never throwing on the exit code (look at `code`). */
export function eksAccess(args: string[], opts: EksAccessProcessOptions = {}): Promise<RunResult> {
  const env = opts.env ?? process.env;
  return run(process.execPath, [...(opts.fromSource ? CLI_FROM_SOURCE : [CLI]), ...args], {
    cwd: ROOT,
    env: opts.fromSource ? { ...env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') } : env,
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 120000,
  });
}
