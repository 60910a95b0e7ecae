/**
 * Bundles the `eks-access token` path alone (bin/commands/token.ts and what it signs with) into ONE CommonJS file,
 * `<OUT_DIR>/eks-access-token.js`, which bin/eks-access.ts runs for `token` instead of loading the CLI's modules one
 * by one: kubectl starts this command for every request it makes without a cached credential, so start-up time is
 * the figure that matters (bench/results/RESULTS.md, token CLI). The SDK parts only some credential sources need
 * (the default provider chain, the STS client for role assumption) and the YAML parser of `--cache` stay external:
 * they are loaded from the package's node_modules only when such a source is used, so they cost nothing otherwise.
 *
 *   npx ts-node scripts/bundle-token.ts [OUT_DIR]     (default dist/token; `npm run build` runs it)
 */
import { resolve } from 'node:path';
import { bundleForNode22, runBundleScript } from './node-bundle';

export const TOKEN_ENTRY = resolve(__dirname, '..', 'bin', 'commands', 'token.ts');
export const TOKEN_BUNDLE_FILE = 'eks-access-token.js';
/** Loaded lazily from node_modules (package dependencies) by the credential sources that need them. */
const LAZY_DEPENDENCIES = ['@aws-sdk/credential-providers', '@aws-sdk/client-sts', 'yaml'];

export function bundleToken(outDir: string): Promise<string> {
  return bundleForNode22(TOKEN_ENTRY, outDir, TOKEN_BUNDLE_FILE, { sourcemap: false, legalComments: 'none', external: LAZY_DEPENDENCIES });
}

if (require.main === module) runBundleScript('bundle-token', bundleToken, 'dist/token');
