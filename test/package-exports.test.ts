/**
 * The published entry points, as a consumer loads them: `cdk-eks-access/authenticator` resolves through package.json
 * `exports` to the compiled webhook core (npm test builds dist/ first), offers the documented functions, and loads
 * nothing from aws-cdk-lib, constructs or cdk8s — the webhook and the Lambda bundle must stay free of them.
 * The root is the jsii entry (the construct API every jsii language sees): it loads none of the optionalDependencies
 * (the AWS SDK, pino, prom-client, node-forge), which the wheel leaves out; the offline analysis is
 * `cdk-eks-access/analysis`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as ts from 'typescript';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };

function loadInFreshNode(specifier: string): { exports: Record<string, string>; heavy: string[]; optional: string[] } {
  const optional = Object.keys(pkg.optionalDependencies);
  const script = `
    const mod = require(${JSON.stringify(specifier)});
    const exports = Object.fromEntries(Object.entries(mod).map(([k, v]) => [k, typeof v]));
    const heavy = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](aws-cdk-lib|constructs|cdk8s|cdk8s-plus-28)[\\\\/]/.test(f));
    const optional = ${JSON.stringify(optional)}.filter((d) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + d + '/')));
    process.stdout.write(JSON.stringify({ exports, heavy, optional }));`;
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

  it('cdk-eks-access exports the constructs and charts (and does load CDK: the check above can see it), not the analysis', () => {
    const { exports, heavy, optional } = loadInFreshNode('cdk-eks-access');
    expect(heavy.length).toBeGreaterThan(0);
    for (const name of ['AccessModel', 'ClusterAccess', 'ClusterTarget', 'RbacChart', 'AccessChart', 'AuthenticatorFunction']) {
      expect({ name, type: exports[name] }).toEqual({ name, type: 'function' });
    }
    for (const name of ['AccessAnalysis', 'RbacAuthorizer', 'findRisks', 'whoCan']) expect({ name, exported: name in exports }).toEqual({ name, exported: false });
    // The jsii entry needs only its bundled dependency and the peers: the wheel carries no optional dependency.
    expect(optional).toEqual([]);
  });

  it('cdk-eks-access/analysis exports the offline analysis without loading the AWS SDK, pino or prom-client', () => {
    const { exports, optional } = loadInFreshNode('cdk-eks-access/analysis');
    for (const name of ['AccessAnalysis', 'RbacAuthorizer', 'covers', 'findRisks', 'whoCan', 'buildReportData', 'renderReportHtml']) {
      expect({ name, type: exports[name] }).toEqual({ name, type: 'function' });
    }
    expect(optional).toEqual([]);
  });

  it('TypeScript resolves both subpaths to their declarations (typesVersions, for moduleResolution node10 too)', () => {
    // A consumer's project: node_modules/cdk-eks-access is this package (TypeScript follows the link to ROOT).
    const consumer = mkdtempSync(join(tmpdir(), 'cdk-eks-access-ts-consumer-'));
    mkdirSync(join(consumer, 'node_modules'));
    symlinkSync(ROOT, join(consumer, 'node_modules', 'cdk-eks-access'), 'dir');
    for (const moduleResolution of [ts.ModuleResolutionKind.Node10, ts.ModuleResolutionKind.Node16]) {
      const options = { moduleResolution, module: moduleResolution === ts.ModuleResolutionKind.Node16 ? ts.ModuleKind.Node16 : ts.ModuleKind.CommonJS };
      const resolved = ['cdk-eks-access', 'cdk-eks-access/analysis', 'cdk-eks-access/authenticator']
        .map((m) => ts.resolveModuleName(m, join(consumer, 'app.ts'), options, ts.sys).resolvedModule?.resolvedFileName);
      expect(resolved.map((f) => f && f.slice(ROOT.length + 1))).toEqual(['dist/lib/index.d.ts', 'dist/lib/analysis/index.d.ts', 'dist/authenticator/index.d.ts']);
    }
    rmSync(consumer, { recursive: true, force: true });
  });
});
