/**
 * Bundles the Lambda TokenReview handler (authenticator/lambda.ts) into ONE CommonJS file for the Node.js 22
 * runtime: `index.js` exporting `handler` (Lambda handler string `index.handler`). Every dependency is bundled but
 * the AWS SDK v3 (`@aws-sdk/*`), which the Lambda Node.js runtime provides — as aws-cdk-lib's NodejsFunction does by
 * default. Bundling the SDK too (its EC2 client alone is ~1 MB minified, though only the `{{EC2PrivateDNSName}}`
 * template ever loads it) made a ~2 MB bundle and doubled cold init (bench/results/RESULTS.md, Lambda).
 *
 *   npx ts-node scripts/bundle-lambda.ts [OUT_DIR]     (default dist/lambda)
 */
import { resolve } from 'node:path';
import { bundleForNode22, runBundleScript } from './node-bundle';

/** Modules the Lambda Node.js runtime ships (in /var/runtime/node_modules), left out of the bundle. */
export const LAMBDA_RUNTIME_PROVIDED = ['@aws-sdk/*'];

export const LAMBDA_ENTRY = resolve(__dirname, '..', 'authenticator', 'lambda.ts');

/** Writes `<outDir>/index.js` (+ source map) and returns its path. */
export function bundleLambda(outDir: string): Promise<string> {
  return bundleForNode22(LAMBDA_ENTRY, outDir, 'index.js', { sourcemap: true, legalComments: 'linked', external: LAMBDA_RUNTIME_PROVIDED });
}

if (require.main === module) runBundleScript('bundle-lambda', bundleLambda, 'dist/lambda');
