/**
 * What the Lambda and container bundles share: one minified CommonJS file for Node.js 22 with every dependency inside
 * (so the artefact runs exactly the versions that were tested), and the `npx ts-node scripts/bundle-*.ts [OUT_DIR]`
 * command-line wrapper.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, BuildOptions } from 'esbuild';
import { BUNDLED_VERSION_DEFINE } from '../authenticator/server/build-info';

/** This package's version, read when bundling (the sources, also when this script runs compiled from dist/scripts). */
function packageVersionToBake(): string {
  const root = resolve(__dirname, '..').replace(/[\\/]dist$/, '');
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the two bundles differ: how source maps and licence comments ship. */
export type NodeBundleOptions = Required<Pick<BuildOptions, 'sourcemap' | 'legalComments'>> & Pick<BuildOptions, 'external' | 'plugins' | 'mainFields'>;

/** Bundles `entry` into `<outDir>/<fileName>` and returns that path. */
export async function bundleForNode22(entry: string, outDir: string, fileName: string, options: NodeBundleOptions): Promise<string> {
  const outfile = join(resolve(outDir), fileName);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
    // `import()` becomes `require()`: an external module (the Lambda runtime's AWS SDK) is then found through
    // NODE_PATH, which ES-module resolution ignores.
    supported: { 'dynamic-import': false },
    // A bundle runs without the package.json packageVersion() would read (the container image holds only the bundle):
    // the version is baked in (https://esbuild.github.io/api/#define).
    define: { [BUNDLED_VERSION_DEFINE]: JSON.stringify(packageVersionToBake()) },
    ...options,
  });
  return outfile;
}

/** The script's main: bundles into argv[2] (or `defaultOutDir`), prints the file and its size, or one error line. */
export function runBundleScript(scriptName: string, bundle: (outDir: string) => Promise<string>, defaultOutDir: string): void {
  bundle(process.argv[2] ?? defaultOutDir).then(
    (file) => process.stdout.write(`wrote ${file} (${Math.round(statSync(file).size / 1024)} KiB)\n`),
    (e: Error) => {
      process.stderr.write(`${scriptName}: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
