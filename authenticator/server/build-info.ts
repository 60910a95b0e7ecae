/** The package version for the `build_info` metric, read from this package's package.json (also in a bundle). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'cdk-eks-access';

/** The version of the cdk-eks-access package this code belongs to, or 'unknown' (e.g. bundled without it). */
export function packageVersion(from = __dirname): string {
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
