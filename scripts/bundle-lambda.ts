/**
 * Bundles the Lambda TokenReview handler (authenticator/lambda.ts) into ONE CommonJS file for the Node.js 22
 * runtime: `index.js` exporting `handler` (Lambda handler string `index.handler`). All dependencies, the AWS SDK
 * included, are bundled so the function runs exactly the versions that were tested.
 *
 *   npx ts-node scripts/bundle-lambda.ts [OUT_DIR]     (default dist/lambda)
 */
import { resolve } from 'node:path';
import { bundleForNode22, runBundleScript } from './node-bundle';

export const LAMBDA_ENTRY = resolve(__dirname, '..', 'authenticator', 'lambda.ts');

/** Writes `<outDir>/index.js` (+ source map) and returns its path. */
export function bundleLambda(outDir: string): Promise<string> {
  return bundleForNode22(LAMBDA_ENTRY, outDir, 'index.js', { sourcemap: true, legalComments: 'linked' });
}

if (require.main === module) runBundleScript('bundle-lambda', bundleLambda, 'dist/lambda');
