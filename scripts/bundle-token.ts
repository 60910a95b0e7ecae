/**
 * Bundles the `eks-access token` path alone (bin/commands/token.ts and what it signs with) into ONE CommonJS file,
 * `<OUT_DIR>/eks-access-token.js`, and its starter (bin/token-entry.ts: the code cache and the process frame) into
 * another, `eks-access-token-entry.js`, which bin/eks-access.ts runs for `token` instead of loading the CLI's modules
 * one by one: kubectl starts this command for every request it makes without a cached credential, so start-up time is
 * the figure that matters (bench/results/RESULTS.md, token CLI). The SDK parts only some credential sources need
 * (the default provider chain, the STS client for role assumption) and the YAML parser of `--cache` stay external:
 * they are loaded from the package's node_modules only when such a source is used, so they cost nothing otherwise.
 *
 *   npx ts-node scripts/bundle-token.ts [OUT_DIR]     (default dist/token; `npm run build` runs it)
 */
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { bundleForNode22, NodeBundleOptions, runBundleScript } from './node-bundle';

export const TOKEN_COMMAND = resolve(__dirname, '..', 'bin', 'commands', 'token.ts');
export const TOKEN_BUNDLE_FILE = 'eks-access-token.js';
/** bin/token-entry.ts and what it imports, bundled: what bin/eks-access.ts requires for `token`. */
export const TOKEN_ENTRY = resolve(__dirname, '..', 'bin', 'token-entry.ts');
export const TOKEN_ENTRY_FILE = 'eks-access-token-entry.js';
/** Loaded lazily from node_modules (package dependencies) by the credential sources that need them. */
const LAZY_DEPENDENCIES = ['@aws-sdk/credential-providers', '@aws-sdk/client-sts', 'yaml'];

/**
 * Node built-ins that SDK modules in the bundle require when they are initialised but that signing never uses
 * (zlib: a CRC for response checksums, ~3–8 ms to load; fs/promises: the shared config file reader, read only when a
 * profile is): each becomes a stand-in that loads the real module on first property access. Copying its properties
 * (esbuild's ES-module interop) finds none, so such code takes its no-built-in path.
 */
const LAZY_BUILTINS = ['node:zlib', 'node:fs/promises'];

const lazyBuiltins: Plugin = {
  name: 'lazy-builtins',
  setup(build) {
    const filter = new RegExp(`^(${LAZY_BUILTINS.map((m) => m.replace('/', '\\/')).join('|')})$`);
    // The stand-in's own require is the real built-in.
    build.onResolve({ filter }, (args) => (args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: 'js',
    }));
  },
};

/**
 * The packages' ES-module builds first (`module` before `main`): esbuild drops what the token path never calls only
 * from ES modules (https://esbuild.github.io/api/#tree-shaking; a CommonJS file is kept whole), and the SDK's CommonJS
 * `dist-cjs` files are one file per package: `@smithy/signature-v4` alone pulls the whole of `@smithy/core`'s (serde,
 * protocols, …), 130 of the bundle's 164 KB. With `dist-es` the bundle is ~39 KB and the same SigV4 code signs
 * (test/authenticator/token/token-bundle.test.ts checks the bundle's token against the golden vector).
 */
const MAIN_FIELDS = ['module', 'main'];

/** Writes both files into `outDir` and returns the token bundle's path (the entry is beside it). */
export async function bundleToken(outDir: string): Promise<string> {
  const options: NodeBundleOptions = { sourcemap: false, legalComments: 'none', external: LAZY_DEPENDENCIES, plugins: [lazyBuiltins], mainFields: MAIN_FIELDS };
  const [bundle] = await Promise.all([
    bundleForNode22(TOKEN_COMMAND, outDir, TOKEN_BUNDLE_FILE, options),
    bundleForNode22(TOKEN_ENTRY, outDir, TOKEN_ENTRY_FILE, options),
  ]);
  return bundle;
}

if (require.main === module) runBundleScript('bundle-token', bundleToken, 'dist/token');
