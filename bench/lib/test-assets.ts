/**
 * The benchmarks share the harness with the tests (harness/: STS stand-in, e2e binaries, Lambda runtime API), compiled
 * by tsc into dist/harness. Those modules find their non-TypeScript companions (moto_sts.py, build-binaries.sh) next
 * to themselves via __dirname, which tsc does not copy; this puts them there before a benchmark starts.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(REPO, 'dist');
const ASSET = /\.(py|sh|json|pem|yaml)$/;

function copyAssets(relDir: string): void {
  const from = path.join(REPO, relDir);
  if (!existsSync(from)) return;
  for (const entry of readdirSync(from)) {
    const src = path.join(from, entry);
    if (statSync(src).isDirectory()) copyAssets(path.join(relDir, entry));
    else if (ASSET.test(entry)) {
      mkdirSync(path.join(DIST, relDir), { recursive: true });
      copyFileSync(src, path.join(DIST, relDir, entry));
    }
  }
}

export function copyTestAssets(): void {
  copyAssets('harness');
}
