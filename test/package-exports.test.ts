/**
 * The published entry points, as a consumer loads them: `cdk-eks-access/authenticator` resolves through package.json
 * `exports` to the compiled webhook core (npm test builds dist/ first), offers the documented functions, and loads
 * nothing from aws-cdk-lib, constructs or cdk8s — the webhook and the Lambda bundle must stay free of them.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

function loadInFreshNode(specifier: string): { exports: Record<string, string>; heavy: string[] } {
  const script = `
    const mod = require(${JSON.stringify(specifier)});
    const exports = Object.fromEntries(Object.entries(mod).map(([k, v]) => [k, typeof v]));
    const heavy = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](aws-cdk-lib|constructs|cdk8s|cdk8s-plus-28)[\\\\/]/.test(f));
    process.stdout.write(JSON.stringify({ exports, heavy }));`;
  const res = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`loading ${specifier} failed (run \`npm run build\` first): ${res.stderr}`);
  return JSON.parse(res.stdout);
}

describe('package entry points', () => {
  it('cdk-eks-access/authenticator exports the token and ARN functions without loading CDK or cdk8s', () => {
    const { exports, heavy } = loadInFreshNode('cdk-eks-access/authenticator');
    for (const name of ['generateToken', 'verifyToken', 'canonicalizeArn', 'TokenVerifier', 'stripPath', 'handleTokenReview']) {
      expect({ name, type: exports[name] }).toEqual({ name, type: 'function' });
    }
    expect(heavy).toEqual([]);
  });

  it('cdk-eks-access exports the constructs, charts and the analysis (and does load CDK: the check above can see it)', () => {
    const { exports, heavy } = loadInFreshNode('cdk-eks-access');
    expect(heavy.length).toBeGreaterThan(0);
    for (const name of ['AccessModel', 'ClusterAccess', 'ClusterTarget', 'RbacChart', 'AccessChart', 'AuthenticatorFunction']) {
      expect({ name, type: exports[name] }).toEqual({ name, type: 'function' });
    }
  });
});
