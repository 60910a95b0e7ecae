/**
 * `npm run build` runs jsii over the construct API after tsc (npm test builds first). What TypeScript users get must
 * stay tsc's output: jsii re-emits the construct API's files into dist/ with the same declarations, and JavaScript that
 * differs only by jsii's runtime type marker (`static [Symbol.for("jsii.rtti")] = { fqn, version }` on each class). The
 * assembly (`.jsii`) holds the construct API and nothing of the analysis, the authenticator core or the CLI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** jsii's additions to a class: the marker constant and the static field that uses it. */
const withoutRtti = (js: string): string => js.split('\n').filter((l) => !l.includes('JSII_RTTI_SYMBOL')).join('\n');

describe('the jsii build', () => {
  let tscOut: string;

  beforeAll(() => {
    if (!existsSync(join(ROOT, '.jsii'))) throw new Error('.jsii is missing: run `npm run build` first (npm test does)');
    tscOut = mkdtempSync(join(tmpdir(), 'cdk-eks-access-tsc-'));
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', tscOut], { cwd: ROOT });
  }, 5 * 60_000);

  afterAll(() => {
    if (tscOut) rmSync(tscOut, { recursive: true, force: true });
  });

  it("leaves tsc's output as it is: same files, same declarations, JavaScript differing only by jsii's type marker", () => {
    const ours = filesUnder(tscOut).filter((f) => /\.(js|d\.ts)$/.test(f)).map((f) => relative(tscOut, f)).sort();
    const differing: string[] = [];
    let marked = 0;
    for (const f of ours) {
      const tsc = readFileSync(join(tscOut, f), 'utf8');
      const built = readFileSync(join(ROOT, 'dist', f), 'utf8');
      if (built !== tsc) marked++;
      if ((f.endsWith('.d.ts') ? built : withoutRtti(built)) !== (f.endsWith('.d.ts') ? tsc : withoutRtti(tsc))) differing.push(f);
    }
    expect(differing).toEqual([]);
    expect(marked).toBeGreaterThan(10); // the construct API's classes carry the marker: jsii did run over dist/
  });

  it('.jsii holds the construct API (model, aws, k8s, deploy) and nothing of the analysis', () => {
    const assembly = JSON.parse(readFileSync(join(ROOT, '.jsii'), 'utf8')) as {
      name: string; types: Record<string, { kind: string }>; targets: { python?: { distName: string; module: string } } & Record<string, unknown>;
    };
    expect(assembly.targets.python).toEqual({ distName: 'cdk-eks-access', module: 'cdk_eks_access' });
    // Every jsii language is configured (package.json jsii.targets); Construct Hub shows those the assembly names.
    expect(Object.keys(assembly.targets).sort()).toEqual(['dotnet', 'go', 'java', 'js', 'python']);
    const names = Object.keys(assembly.types).map((fqn) => fqn.replace(/^cdk-eks-access\./, ''));
    expect(names).toEqual(expect.arrayContaining([
      'AccessModel', 'ClusterAccess', 'ClusterTarget', 'AuthenticatorFunction', 'AccessChart', 'RbacChart', 'AuthenticatorChart',
      'EksAccessManifests', 'AccessManifests', 'AwsAuthMerge', 'AccessEntryMigration', 'AccessPolicy', 'RbacPresets',
    ]));
    for (const name of ['AccessAnalysis', 'RbacAuthorizer', 'TokenVerifier', 'RuleError', 'AccessValidationError']) {
      expect({ name, inAssembly: names.includes(name) }).toEqual({ name, inAssembly: false });
    }
  });
});
