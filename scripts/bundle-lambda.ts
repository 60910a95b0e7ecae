/**
 * Bundles the Lambda TokenReview handler (authenticator/lambda.ts) into ONE CommonJS file for the Node.js 22
 * runtime: `index.js` exporting `handler` (Lambda handler string `index.handler`). All dependencies, the AWS SDK
 * included, are bundled so the function runs exactly the versions that were tested.
 *
 *   npx ts-node scripts/bundle-lambda.ts [OUT_DIR]     (default dist/lambda)
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const LAMBDA_ENTRY = resolve(__dirname, '..', 'authenticator', 'lambda.ts');

/** Writes `<outDir>/index.js` (+ source map) and returns its path. */
export async function bundleLambda(outDir: string): Promise<string> {
  const outfile = join(resolve(outDir), 'index.js');
  await build({
    entryPoints: [LAMBDA_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}

if (require.main === module) {
  bundleLambda(process.argv[2] ?? 'dist/lambda').then(
    (file) => process.stdout.write(`wrote ${file} (${Math.round(statSync(file).size / 1024)} KiB)\n`),
    (e: Error) => {
      process.stderr.write(`bundle-lambda: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
