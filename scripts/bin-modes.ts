/**
 * Sets the execute bits of the executables in dist/bin: every file package.json "bin" names and every other
 * dist/bin/*.js that starts with a `#!` line (the container's entry). npm sets them when it installs
 * the package, but a clone is never installed: without this step `npx eks-access` after `npm run build` fails with
 * "Permission denied", and kubectl cannot run the plugin (kubectl-eks_access) from dist/bin.
 *
 *   npx ts-node --transpile-only scripts/bin-modes.ts      (`npm run build:bins`; `npm run build` runs it after tsc)
 */
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** Makes each executable (u+x, and g/o+x where they may read it, as npm does); returns their paths. */
export function makeBinsExecutable(root = ROOT): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  const binDir = join(root, 'dist', 'bin');
  const scripts = readdirSync(binDir).filter((f) => f.endsWith('.js')).map((f) => join(binDir, f))
    .filter((f) => readFileSync(f, 'utf8').startsWith('#!'));
  const files = [...new Set([...Object.values(pkg.bin ?? {}).map((rel) => join(root, rel)), ...scripts])];
  return files.map((file) => {
    const mode = statSync(file).mode & 0o777;
    chmodSync(file, mode | 0o100 | ((mode & 0o040) >> 2) | ((mode & 0o004) >> 2));
    return file;
  });
}

if (require.main === module) {
  try {
    for (const f of makeBinsExecutable()) process.stdout.write(`executable: ${f}\n`);
  } catch (e) {
    process.stderr.write(`bin-modes: ${(e as Error).message} (run tsc -p tsconfig.build.json first)\n`);
    process.exitCode = 1;
  }
}
