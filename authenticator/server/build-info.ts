/**
 * The package version, for `eks-access --version` and the `build_info` metric: baked into a bundle at build time
 * (scripts/node-bundle.ts defines BUNDLED_VERSION_DEFINE: the container image holds no package.json), otherwise read
 * from this package's package.json.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'cdk-eks-access';

/** The global esbuild's `define` replaces with the version string in a bundle; undeclared (undefined) elsewhere. */
export const BUNDLED_VERSION_DEFINE = '__CDK_EKS_ACCESS_VERSION__';
declare const __CDK_EKS_ACCESS_VERSION__: string | undefined;

/** The version of the cdk-eks-access package this code belongs to, or 'unknown' (a bundle built without the define). */
export function packageVersion(from = __dirname): string {
  if (typeof __CDK_EKS_ACCESS_VERSION__ === 'string') return __CDK_EKS_ACCESS_VERSION__;
  for (let dir = from, i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: look one folder up
    }
  }
  return 'unknown';
}
