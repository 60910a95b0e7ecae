/**
 * Where the pre-built Lambda handler bundle is: `dist/lambda` of this package, written by `npm run build`
 * (scripts/bundle-lambda.ts) and shipped in the npm package, as aws-cdk-lib ships its custom-resource handlers. Found
 * from the package root, so the same code works from the TypeScript sources (ts-jest: lib/aws) and compiled
 * (dist/lib/aws, or node_modules/cdk-eks-access/dist/lib/aws in a consumer's app).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'cdk-eks-access';
/** The bundle directory, relative to the package root. */
export const LAMBDA_BUNDLE_DIR = join('dist', 'lambda');
export const LAMBDA_BUNDLE_FILE = 'index.js';

function packageRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The directory holding `index.js`; throws, saying how to build it, when it is missing. */
export function lambdaBundleDir(from: string = __dirname): string {
  const root = packageRoot(from);
  const dir = root === undefined ? undefined : join(root, LAMBDA_BUNDLE_DIR);
  if (dir === undefined || !existsSync(join(dir, LAMBDA_BUNDLE_FILE))) {
    throw new Error(
      `the pre-built Lambda handler ${dir ? join(dir, LAMBDA_BUNDLE_FILE) : `(${LAMBDA_BUNDLE_DIR}/${LAMBDA_BUNDLE_FILE} of ${PACKAGE_NAME})`} is missing: ` +
      `the published package ships it; in a source checkout run \`npm run build\` first`,
    );
  }
  return dir;
}
