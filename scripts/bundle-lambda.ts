/**
 * Bundles the Lambda TokenReview handler (authenticator/lambda.ts) into ONE CommonJS file for the Node.js 22+
 * runtime: `index.js` exporting `handler` (Lambda handler string `index.handler`; a `index.js.LEGAL.txt` would hold the
 * licences of bundled third-party code, of which there is none today). `npm run build` writes it to `dist/lambda`, which the npm package ships and
 * `AuthenticatorFunction` deploys as it is (`lambda.Code.fromAsset`), the way aws-cdk-lib ships its own handlers:
 * a consumer's synth then needs neither esbuild nor Docker, and the asset hash is the same on every machine.
 * Every dependency is bundled but the AWS SDK v3 (`@aws-sdk/*`, only the SSM/EC2 clients, loaded lazily), which the
 * Lambda Node.js runtime provides. No source map: it would double the asset, and `--enable-source-maps` slows the
 * cold start.
 *
 *   npx ts-node scripts/bundle-lambda.ts [OUT_DIR]     (default dist/lambda)
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleForNode22, runBundleScript } from './node-bundle';

/** Modules the Lambda Node.js runtime ships (in /var/runtime/node_modules), left out of the bundle. */
export const LAMBDA_RUNTIME_PROVIDED = ['@aws-sdk/*'];

export const LAMBDA_ENTRY = resolve(__dirname, '..', 'authenticator', 'lambda.ts');

/** Files a bundle of an earlier version may have left; the asset is the whole directory, so they must go. */
const STALE = ['index.js.map', 'index.js.LEGAL.txt'];

/** Writes `<outDir>/index.js` and returns its path. */
export function bundleLambda(outDir: string): Promise<string> {
  for (const f of STALE) rmSync(join(outDir, f), { force: true });
  return bundleForNode22(LAMBDA_ENTRY, outDir, 'index.js', { sourcemap: false, legalComments: 'linked', external: LAMBDA_RUNTIME_PROVIDED });
}

if (require.main === module) runBundleScript('bundle-lambda', bundleLambda, 'dist/lambda');
