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
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { stampSourceDigest } from '../bin/code-cache';
import { bundleForNode22, NodeBundleOptions, runBundleScript } from './node-bundle';

export const TOKEN_COMMAND = resolve(__dirname, '..', 'bin', 'commands', 'token.ts');
export const TOKEN_BUNDLE_FILE = 'eks-access-token.js';
/** bin/token-entry.ts and what it imports, bundled: what bin/eks-access.ts requires for `token`. */
export const TOKEN_ENTRY = resolve(__dirname, '..', 'bin', 'token-entry.ts');
export const TOKEN_ENTRY_FILE = 'eks-access-token-entry.js';
/** Loaded lazily from node_modules (package dependencies) by the credential sources that need them. */
const LAZY_DEPENDENCIES = ['@aws-sdk/credential-providers', '@aws-sdk/client-sts', 'yaml'];

/**
 * Node built-ins that modules in the bundles import but that a plain `token` run never calls (zlib: a CRC for response
 * checksums, ~3–8 ms to load; fs/promises: the shared config file reader, read only when a profile is; crypto: the
 * random names of the private files written (authenticator/token/private-file.ts) and the code cache's key of an
 * unstamped file, ~2–4 ms to load with the node:stream modules its cipher module pulls in;
 * os: the home directory when `$HOME` is not set (authenticator/token/home-dir.ts); module: its `createRequire`,
 * which bin/code-cache.ts takes from the loader's own `Module` class instead).
 * Each becomes an ES module that exports, for each function of the real module (listed when bundling), a function
 * that requires the real module and calls its function: esbuild keeps only the exports the bundle imports, and the
 * import binds to the stand-in's function directly (a CommonJS stand-in would go through esbuild's interop, which
 * defines a getter per property on every run). A class, a constant or an object of a lazy built-in is not exported,
 * so importing one fails the build ("No matching export") instead of loading the module at once.
 */
const LAZY_BUILTINS = ['node:zlib', 'node:fs/promises', 'node:crypto', 'node:os', 'node:module'];

/** An ES module standing in for the built-in `name`'s functions, which requires it on the first call. */
function lazyBuiltinStandIn(name: string): string {
  const real = createRequire(__filename)(name) as Record<string, unknown>;
  const functions = Object.keys(real).filter((key) => typeof real[key] === 'function' && /^[a-z]\w*$/.test(key));
  return [
    `let real; const load = () => (real ??= require(${JSON.stringify(name)}));`,
    ...functions.map((key) => `export const ${key} = (...args) => load().${key}(...args);`),
  ].join('\n');
}

const lazyBuiltins: Plugin = {
  name: 'lazy-builtins',
  setup(build) {
    const filter = new RegExp(`^(${LAZY_BUILTINS.map((m) => m.replace('/', '\\/')).join('|')})$`);
    // The stand-in's own require is the real built-in.
    build.onResolve({ filter }, (args) => (args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ contents: lazyBuiltinStandIn(args.path), loader: 'js' }));
  },
};

/**
 * SHA-256 in the token bundle: `@smithy/hash-node` (the constructor authenticator/token/presign.ts hands to
 * SignatureV4) and authenticator/token/sha256-hex.ts (the `--cache-token` file names) become
 * scripts/token-bundle/sha256-js.ts, the same shapes on @aws-crypto/sha256-js (pure JavaScript, what the SDK signs with
 * in browsers), so neither needs node:crypto. The library, and the entry (only an unstamped file is hashed there), keep
 * node:crypto's.
 */
const SHA256_JS = resolve(__dirname, 'token-bundle', 'sha256-js.ts');
const SHA256_HEX = resolve(__dirname, '..', 'authenticator', 'token', 'sha256-hex');
const sha256Js: Plugin = {
  name: 'sha256-js',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/hash-node$/ }, () => ({ path: SHA256_JS }));
    build.onResolve({ filter: /[\\/]sha256-hex$/ }, (args) => (resolve(args.resolveDir, args.path) === SHA256_HEX ? { path: SHA256_JS } : undefined));
  },
};

/**
 * What the bundle's SigV4 (@smithy/signature-v4 5.7.5, dist-es/*.js) imports from `@smithy/core/serde`. That module's
 * index (@smithy/core 3.41.0, dist-es/submodules/serde/index.js) also runs, when it is loaded, `bindV4(getRandomValues)`
 * with node:crypto's `getRandomValues`, and `bindV4` (serde/uuid/v4.js) reads `globalThis.crypto`, whose getter loads
 * all of node:crypto and WebCrypto: for a uuid the token path never makes. The bundle's `@smithy/core/serde` is these
 * names, re-exported from the modules that index takes them from, and nothing else: if SigV4 ever imports another
 * name esbuild fails the build ("No matching export"), and if the index stops re-exporting one, the plugin does.
 */
const SERDE_SUBSET = ['fromHex', 'fromUtf8', 'hasOwn', 'isArrayBuffer', 'toHex', 'toUint8Array', 'writeKey'];

/**
 * The names an ES module binds from other modules, `import { a as b } from "m"` or `export { a as b } from "m"`: each
 * as the statement that re-exports it from where it is defined (`b` → `export { a as b } from "m";`).
 */
function reExports(source: string): Map<string, string> {
  const from = new Map<string, string>();
  for (const [, names, module] of source.matchAll(/(?:import|export)\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    for (const binding of names.split(',').map((n) => n.trim()).filter(Boolean)) {
      from.set(binding.split(/\s+as\s+/).pop()!, `export { ${binding} } from ${JSON.stringify(module)};`);
    }
  }
  return from;
}

const serdeSubset: Plugin = {
  name: 'smithy-serde-subset',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/serde$/ }, async (args) => {
      if (args.pluginData === 'real' || !/[\\/]@smithy[\\/]signature-v4[\\/]/.test(args.importer)) return undefined;
      const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real' });
      return real.errors.length > 0 ? { errors: real.errors } : { path: real.path, namespace: 'serde-subset' };
    });
    build.onLoad({ filter: /.*/, namespace: 'serde-subset' }, (args) => {
      const from = reExports(readFileSync(args.path, 'utf8'));
      const missing = SERDE_SUBSET.filter((name) => !from.has(name));
      if (missing.length > 0) throw new Error(`${args.path} no longer re-exports ${missing.join(', ')}: update SERDE_SUBSET`);
      const contents = SERDE_SUBSET.map((name) => from.get(name)).join('\n');
      return { contents, resolveDir: dirname(args.path), loader: 'js' };
    });
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

/**
 * Writes both files into `outDir` and returns the token bundle's path (the entry is beside it). The bundle is written
 * with its SHA-256 stamped in its first line, the key of its code cache (bin/code-cache.ts says why that is safe).
 */
export async function bundleToken(outDir: string): Promise<string> {
  const options: NodeBundleOptions = { sourcemap: false, legalComments: 'none', external: LAZY_DEPENDENCIES, plugins: [lazyBuiltins], mainFields: MAIN_FIELDS };
  const [bundle] = await Promise.all([
    bundleForNode22(TOKEN_COMMAND, outDir, TOKEN_BUNDLE_FILE, { ...options, plugins: [lazyBuiltins, sha256Js, serdeSubset] }),
    bundleForNode22(TOKEN_ENTRY, outDir, TOKEN_ENTRY_FILE, options),
  ]);
  writeFileSync(bundle, stampSourceDigest(readFileSync(bundle)));
  return bundle;
}

if (require.main === module) runBundleScript('bundle-token', bundleToken, 'dist/token');
