/**
 * Bundles the `eks-access` CLI (whose `serve` command is the containerised webhook) into ONE self-contained CommonJS
 * file for Node.js 22: `<OUT_DIR>/eks-access.js`. The Dockerfile's build stage runs this; the runtime image holds only
 * that file, and test/k8s/container-bundle.test.ts starts exactly this bundle and sends it a TokenReview.
 *
 *   npx ts-node scripts/bundle-server.ts [OUT_DIR]     (default dist/container)
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const SERVER_ENTRY = resolve(__dirname, '..', 'bin', 'eks-access.ts');

/** Writes `<outDir>/eks-access.js` and returns its path. */
export async function bundleServer(outDir: string): Promise<string> {
  const outfile = join(resolve(outDir), 'eks-access.js');
  await build({
    entryPoints: [SERVER_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

if (require.main === module) {
  bundleServer(process.argv[2] ?? 'dist/container').then(
    (file) => process.stdout.write(`wrote ${file} (${Math.round(statSync(file).size / 1024)} KiB)\n`),
    (e: Error) => {
      process.stderr.write(`bundle-server: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
