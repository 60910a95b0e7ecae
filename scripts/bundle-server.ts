/**
 * Bundles the webhook's `eks-access` CLI (bin/eks-access-webhook.ts: `serve`, the containerised webhook, plus `init`,
 * `verify` and `token`) into ONE self-contained CommonJS file for Node.js 22: `<OUT_DIR>/eks-access.js`. The Dockerfile's build stage runs this; the runtime image holds only
 * that file, and test/k8s/container-bundle.test.ts starts exactly this bundle and sends it a TokenReview.
 *
 *   npx ts-node scripts/bundle-server.ts [OUT_DIR]     (default dist/container)
 */
import { resolve } from 'node:path';
import { bundleForNode22, runBundleScript } from './node-bundle';

// The sources, also when this script runs compiled from dist/scripts (the container benchmark).
export const SERVER_ENTRY = resolve(resolve(__dirname, '..').replace(/[\\/]dist$/, ''), 'bin', 'eks-access-webhook.ts');

/**
 * Writes `<outDir>/eks-access.js` and returns its path. No source map: inline it was 11.8 MB read by nothing (the
 * entrypoint runs without --enable-source-maps) and Node keeps a script's whole source in memory, ~48 MB of idle RSS
 * (bench/results/RESULTS.md, container).
 */
export function bundleServer(outDir: string): Promise<string> {
  return bundleForNode22(SERVER_ENTRY, outDir, 'eks-access.js', { sourcemap: false, legalComments: 'none' });
}

if (require.main === module) runBundleScript('bundle-server', bundleServer, 'dist/container');
