/**
 * The package as a user gets it: `npm pack` of the built package, installed with its peers from the npm registry into
 * a fresh plain-JavaScript CDK app OUTSIDE this repository (under the OS temp dir), where neither esbuild nor Docker is
 * available (`CDK_DOCKER=/bin/false`, no node_modules/.bin of this repo on PATH). The app creates an IAM role, grants it
 * through the model in an environment-agnostic stack, and adds the Lambda webhook; the template is asserted and
 * cfn-lint'ed, and the same app copied to a second folder must synthesize to identical asset hashes.
 *
 * npm test builds dist/ first. Installs use `--prefer-offline`, so after the first run (or `npm ci` of this repo, which
 * fills the same npm cache with the same versions) they come from the cache.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as ts from 'typescript';
import { cfnLint } from '../helpers/cfn-lint';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-28'].map((p) => `${p}@${pkg.devDependencies[p]}`);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const STACK = 'ConsumerStack';
const INSTALL_TIMEOUT_MS = 8 * 60_000;

/** The scratch app, as a user would write it after reading the README: plain JavaScript, the package's public API. */
const APP_JS = `
const { App, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const { AccessModel, AccessPolicy, AuthenticatorFunction, ClusterAccess, ClusterTarget } = require('cdk-eks-access');

const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, '${STACK}'); // environment-agnostic: the account is a token
const ciRole = new iam.Role(stack, 'CiRole', { assumedBy: new iam.AccountRootPrincipal() });

const model = new AccessModel({ accountId: stack.account });
model.importRole('ci', ciRole.roleArn, { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'prod' }), model });
if (process.env.WITH_WEBHOOK !== '0') new AuthenticatorFunction(stack, 'Webhook', { clusterId: 'prod', model });
app.synth();
`;

/** A README section between its `<!-- section:NAME -->` markers. */
function readmeSection(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return readme.slice(readme.indexOf(`<!-- section:${name} -->`), readme.indexOf(`<!-- /section:${name} -->`));
}

/**
 * The README's install lines (section "install": the local tarball, which works now, and the registry, from release
 * day) and its "Use it in your app" stack and commands, as a user copies them.
 */
function readmeUse(): { installLine: string; localInstallLine: string; stackTs: string; commands: string } {
  const install = readmeSection('install');
  const registry = /^npm install cdk-eks-access [^\n]*$/m.exec(install);
  const local = /^npm install \S+\.tgz [^\n]*$/m.exec(install);
  const blocks = [...readmeSection('use').matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
  const sh = blocks.filter((b) => b.lang === 'sh');
  const stack = blocks.find((b) => b.lang === 'ts');
  if (!registry || !local) throw new Error('README section "install" needs `npm install cdk-eks-access …` and `npm install <tarball>.tgz …` lines');
  if (sh.length < 1 || !stack) throw new Error('README section "use" needs a ```ts stack and a block of commands');
  return { installLine: registry[0].trim(), localInstallLine: local[0].trim(), stackTs: stack.code, commands: sh[0].code };
}

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

/** This environment minus anything that would lend the app this repository's tools (esbuild on PATH, npm's config). */
function consumerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_PATH' && k !== 'INIT_CWD') env[k] = v;
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules')).join(delimiter);
  return { ...env, CDK_DOCKER: '/bin/false', CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

/** The end of a long stderr (aws-cdk-lib prints minified source lines with its stack traces). */
function tail(text: string): string {
  return text.length > 1500 ? `…${text.slice(-1500)}` : text;
}

let scratch: string;
let appA: string;

async function synth(appDir: string, extra: NodeJS.ProcessEnv = {}): Promise<{ outdir: string; result: Run }> {
  const outdir = join(appDir, `cdk.out${extra.WITH_WEBHOOK === '0' ? '-access' : ''}`);
  const result = await run(process.execPath, ['app.js', outdir], appDir, consumerEnv(extra), 5 * 60_000);
  return { outdir, result };
}

function template(outdir: string): { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> } {
  return JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8'));
}

function resourcesOf(outdir: string, type: string): [string, Record<string, unknown>][] {
  return Object.entries(template(outdir).Resources).filter(([, r]) => r.Type === type).map(([id, r]) => [id, r.Properties]);
}

/** The warnings of the stack, as recorded in the cloud assembly's manifest. */
function warnings(outdir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { metadata?: Metadata; additionalMetadataFile?: string }>;
  };
  const artifact = manifest.artifacts[STACK];
  // The stack's metadata is inline or, in newer assemblies, in a file of its own.
  const metadata: Metadata = artifact.additionalMetadataFile
    ? JSON.parse(readFileSync(join(outdir, artifact.additionalMetadataFile), 'utf8')) as Metadata
    : artifact.metadata ?? {};
  return Object.values(metadata).flat().filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
}
type Metadata = Record<string, { type: string; data: unknown }[]>;

/** Every asset hash of the assembly (file and image assets of every stack's asset manifest). */
function assetHashes(outdir: string): string[] {
  return readdirSync(outdir).filter((f) => f.endsWith('.assets.json')).flatMap((f) => {
    const manifest = JSON.parse(readFileSync(join(outdir, f), 'utf8')) as { files?: object; dockerImages?: object };
    return [...Object.keys(manifest.files ?? {}), ...Object.keys(manifest.dockerImages ?? {})];
  }).sort();
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'lib', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(join(tmpdir(), 'cdk-eks-access-consumer-'));
  const packed = await run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], ROOT, process.env, 2 * 60_000);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = join(scratch, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  appA = join(scratch, 'app-a');
  mkdirSync(appA);
  writeFileSync(join(appA, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }));
  writeFileSync(join(appA, 'app.js'), APP_JS);
  const install = await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error', tarball, ...PEERS],
    appA, consumerEnv(), INSTALL_TIMEOUT_MS);
  if (install.code !== 0) throw new Error(`npm install of the tarball and its peers failed (exit ${install.code}): ${install.stderr}`);
}, INSTALL_TIMEOUT_MS + 3 * 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('cdk-eks-access installed from its tarball into a fresh JavaScript CDK app', () => {
  it("the README's install lines name the package and exactly the peers installed here", () => {
    const words = readmeUse().installLine.split(/\s+/);
    expect(words.slice(0, 2)).toEqual(['npm', 'install']);
    expect(words.slice(2).sort()).toEqual(['cdk-eks-access', ...PEERS.map((p) => p.replace(/@[^@]+$/, ''))].sort());
    const local = readmeUse().localInstallLine.split(/\s+/);
    expect(local.slice(3).sort()).toEqual(PEERS.map((p) => p.replace(/@[^@]+$/, '')).sort());
  });

  it("the README's local install line names the tarball `npm run package` writes (jsii-pacmak's js target: dist/js)", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(readmeUse().localInstallLine.split(/\s+/)[2]).toMatch(new RegExp(`/dist/js/cdk-eks-access@${version.replace(/\./g, '\\.')}\\.jsii\\.tgz$`));
  });

  it("synthesizes the README's stack as written, and its report and can-i commands answer from that cdk.out", async () => {
    const { stackTs, commands } = readmeUse();
    const js = ts.transpileModule(stackTs, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(appA, 'readme-stack.js'), js);
    writeFileSync(join(appA, 'readme-app.js'), `const { App } = require('aws-cdk-lib');
const { ClusterAccessStack } = require('./readme-stack');
const app = new App({ outdir: process.argv[2] });
new ClusterAccessStack(app, 'ReadmeStack');
app.synth();
`);
    const outdir = join(appA, 'cdk.out-readme');
    const synthRun = await run(process.execPath, ['readme-app.js', outdir], appA, consumerEnv(), 5 * 60_000);
    expect({ code: synthRun.code, stderr: synthRun.code === 0 ? '' : tail(synthRun.stderr) }).toEqual({ code: 0, stderr: '' });
    const resources = Object.entries(JSON.parse(readFileSync(join(outdir, 'ReadmeStack.template.json'), 'utf8')).Resources as Record<string, { Type: string; Properties: { PrincipalArn?: unknown } }>);
    const deployRole = resources.find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('DeployRole'))![0];
    const entries = resources.filter(([, r]) => r.Type === 'AWS::EKS::AccessEntry').map(([, r]) => r.Properties.PrincipalArn);
    expect(entries).toHaveLength(3);
    expect(entries).toContainEqual({ 'Fn::GetAtt': [deployRole, 'Arn'] });
    // The README's commands, with `npx eks-access` run from the app (the package's own bin) and cdk.out at our outdir.
    const cli = join(appA, 'node_modules', '.bin', 'eks-access');
    const lines = commands.split('\n').filter((l) => l.startsWith('npx eks-access')).map((l) => l.replace(/\s+#.*$/, '').split(/\s+/).slice(2)
      .map((w) => (w === 'cdk.out' ? outdir : w === 'access-report.html' ? join(appA, 'access-report.html') : w)));
    expect(lines.map((l) => l[0])).toEqual(['report', 'can-i']);
    const report = await run(cli, lines[0], appA, consumerEnv(), 2 * 60_000);
    expect({ code: report.code, stdout: report.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^wrote .*access-report\.html: \d+ access rows, \d+ risk findings\n$/) });
    const canI = await run(cli, [...lines[1], '--explain'], appA, consumerEnv(), 2 * 60_000);
    expect({ code: canI.code, stdout: canI.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^yes\n.*AmazonEKSClusterAdminPolicy/s) });
  }, 8 * 60_000);

  it('comes without esbuild (nothing to lend the app a local bundler)', () => {
    expect(existsSync(join(appA, 'node_modules', 'cdk-eks-access', 'dist', 'lib', 'index.js'))).toBe(true);
    expect(existsSync(join(appA, 'node_modules', 'esbuild'))).toBe(false);
    expect(existsSync(join(appA, 'node_modules', '.bin', 'esbuild'))).toBe(false);
  });

  it('grants a role created in the same app, in an environment-agnostic stack: PrincipalArn is the role\'s Fn::GetAtt', async () => {
    const { outdir, result } = await synth(appA, { WITH_WEBHOOK: '0' });
    expect({ code: result.code, stderr: result.code === 0 ? '' : tail(result.stderr) }).toEqual({ code: 0, stderr: '' });
    const [[roleId]] = resourcesOf(outdir, 'AWS::IAM::Role');
    expect(roleId).toMatch(/^CiRole/);
    expect(resourcesOf(outdir, 'AWS::EKS::AccessEntry').map(([, p]) => p.PrincipalArn)).toEqual([{ 'Fn::GetAtt': [roleId, 'Arn'] }]);
    // What the tokens hide was said once, as a warning on the construct (in the assembly, where the CDK CLI reads it).
    expect(warnings(outdir).filter((w) => w.includes('cdk-eks-access:unresolved-tokens'))).toEqual([
      expect.stringMatching(/ConsumerStack\/Access\/ci: its ARN is a token/),
    ]);
  }, 6 * 60_000);

  // Issue 26: a two-cluster, two-account fleet in the fresh app, through the package's public API only.
  it('builds a two-cluster fleet: one stage per account, the spoke role created in each, its access entries naming it', async () => {
    writeFileSync(join(appA, 'fleet-app.js'), `
const { App } = require('aws-cdk-lib');
const { AccessFleet, AccessPolicy, ClusterSelector, HubPrincipal } = require('cdk-eks-access');

const app = new App({ outdir: process.argv[2] });
const fleet = new AccessFleet(app, 'Fleet');
fleet.addCluster({ clusterName: 'dev', account: '111122223333', region: 'us-east-1', labels: { env: 'dev' } });
fleet.addCluster({ clusterName: 'prod', account: '444455556666', region: 'eu-west-1', labels: { env: 'prod' } });
fleet.addSpokeRole('platform-admin', {
  trustedPrincipals: [HubPrincipal.role('arn:aws:iam::999988887777:role/platform-admin')],
  externalIds: ['fleet'],
  accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()],
});
fleet.importRole('auditors', 'arn:aws:iam::999988887777:role/auditors', {
  clusters: ClusterSelector.labels({ env: 'prod' }), accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()],
});
fleet.render();
app.synth();
`);
    const outdir = join(appA, 'cdk.out-fleet');
    const synthRun = await run(process.execPath, ['fleet-app.js', outdir], appA, consumerEnv(), 5 * 60_000);
    expect({ code: synthRun.code, stderr: synthRun.code === 0 ? '' : tail(synthRun.stderr) }).toEqual({ code: 0, stderr: '' });
    const stages = readdirSync(outdir).filter((f) => f.startsWith('assembly-')).sort();
    expect(stages).toEqual(['assembly-Fleet-Account-111122223333-us-east-1', 'assembly-Fleet-Account-444455556666-eu-west-1']);
    const templates = stages.flatMap((s) => readdirSync(join(outdir, s)).filter((f) => f.endsWith('.template.json')).map((f) => join(outdir, s, f)));
    const resources = (file: string) => Object.values((JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof template>).Resources);
    const roles = templates.flatMap(resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.map((r) => [r.Properties.RoleName, (r.Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement])).toEqual([
      ['platform-admin', [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:role/platform-admin' }, Condition: { StringEquals: { 'sts:ExternalId': 'fleet' } } }]],
      ['platform-admin', [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:role/platform-admin' }, Condition: { StringEquals: { 'sts:ExternalId': 'fleet' } } }]],
    ]);
    const entries = templates.flatMap(resources).filter((r) => r.Type === 'AWS::EKS::AccessEntry').map((r) => [r.Properties.ClusterName, JSON.stringify(r.Properties.PrincipalArn)] as [unknown, string]);
    expect(entries.filter(([, arn]) => arn.includes('ImportValue')).map(([c]) => c).sort()).toEqual(['dev', 'prod']);
    expect(entries.filter(([, arn]) => arn.includes('auditors')).map(([c]) => c)).toEqual(['prod']);
    expect(await cfnLint(templates)).toEqual([]);
  }, 6 * 60_000);

  describe('with the Lambda webhook (AuthenticatorFunction)', () => {
    let outdirA: string;

    beforeAll(async () => {
      const { outdir, result } = await synth(appA);
      if (result.code !== 0) throw new Error(`synth of the consumer app failed (exit ${result.code}):\n${tail(result.stderr)}`);
      outdirA = outdir;
    }, 6 * 60_000);

    it('synthesizes with neither esbuild nor Docker, the access entry still pointing at the app\'s role', () => {
      const [[roleId]] = resourcesOf(outdirA, 'AWS::IAM::Role').filter(([id]) => id.startsWith('CiRole'));
      expect(resourcesOf(outdirA, 'AWS::EKS::AccessEntry').map(([, p]) => p.PrincipalArn)).toEqual([{ 'Fn::GetAtt': [roleId, 'Arn'] }]);
      const functions = resourcesOf(outdirA, 'AWS::Lambda::Function');
      expect(functions).toHaveLength(1);
      expect(functions[0][1]).toMatchObject({ Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) } });
      expect(resourcesOf(outdirA, 'AWS::Lambda::Url')).toHaveLength(1);
    });

    // A file asset is copied as it is: a token written into one (a mapping row for a role of this app) would stay the
    // literal `${Token[...]}`, match nothing at run time and differ between two synths. AuthenticatorFunction sends such
    // rows through the function's environment, which CloudFormation completes.
    it("puts no raw CDK token into any asset: the role's mapping row reaches the webhook through CloudFormation", () => {
      const tokens: string[] = [];
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (/\$\{Token\[/.test(readFileSync(path, 'utf8'))) tokens.push(path.slice(outdirA.length + 1));
        }
      };
      for (const d of readdirSync(outdirA).filter((f) => f.startsWith('asset.'))) walk(join(outdirA, d));
      expect(tokens).toEqual([]);
      const [[roleId]] = resourcesOf(outdirA, 'AWS::IAM::Role').filter(([id]) => id.startsWith('CiRole'));
      const variables = (resourcesOf(outdirA, 'AWS::Lambda::Function')[0][1].Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(variables.EKS_ACCESS_MAPPING_DEPLOY_ROWS)).toContain(JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] }));
    });

    it('passes cfn-lint with zero findings', async () => {
      expect(await cfnLint([join(outdirA, `${STACK}.template.json`)])).toEqual([]);
    }, 2 * 60_000);

    describe('synthesized again from another folder', () => {
      let outdirB: string;

      beforeAll(async () => {
        const appB = join(scratch, 'elsewhere', 'app-b');
        cpSync(appA, appB, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.startsWith(join(appA, 'cdk.out')) });
        const { outdir, result } = await synth(appB);
        if (result.code !== 0) throw new Error(`synth in the second folder failed (exit ${result.code}):\n${tail(result.stderr)}`);
        outdirB = outdir;
      }, 6 * 60_000);

      it("gives the shipped handler's code asset the same hash", () => {
        const codeKey = (outdir: string) => (resourcesOf(outdir, 'AWS::Lambda::Function')[0][1].Code as { S3Key: string }).S3Key;
        expect(codeKey(outdirB)).toBe(codeKey(outdirA));
        expect(assetHashes(outdirB)).toContain(codeKey(outdirA).replace(/\.zip$/, ''));
      });

      it('gives every asset and the template the same hash', () => {
        expect(assetHashes(outdirA).length).toBeGreaterThan(0);
        expect(assetHashes(outdirB)).toEqual(assetHashes(outdirA));
        expect(template(outdirB)).toEqual(template(outdirA));
      });
    });
  });
});
