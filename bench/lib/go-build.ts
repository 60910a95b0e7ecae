/** Builds one of the benchmarks' Go programs (bench/go/NAME) into the user cache; the Go build cache makes reruns quick. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function buildGoProgram(name: string): string {
  // From dist/bench/lib (npm run bench) or bench/lib (ts-jest): the first ancestor holding bench/go/NAME.
  const source = [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..')]
    .map((root) => path.join(root, 'bench', 'go', name)).find((p) => existsSync(p)) ?? path.resolve(__dirname, '..', '..', '..', 'bench', 'go', name);
  const binDir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cdk-eks-access', 'bin');
  mkdirSync(binDir, { recursive: true });
  const out = path.join(binDir, `bench-${name}`);
  try {
    execFileSync('go', ['build', '-trimpath', '-o', out, '.'], { cwd: source, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`bench: building ${source} failed (Go toolchain ≥ 1.25 and the module proxy are needed): ${String((e as { stderr?: Buffer }).stderr ?? e)}`);
  }
  return out;
}
