/**
 * The construct API as a Python user gets it: `jsii-pacmak --targets js,python` turns the jsii assembly that
 * `npm run build` compiled (`.jsii`, from the construct API only: lib/model, lib/aws, lib/k8s) into the npm tarball
 * and a wheel; a virtualenv under the OS temp dir gets that wheel plus aws-cdk-lib, constructs, cdk8s and
 * cdk8s-plus-28 from PyPI (pinned to the peer floors this package declares), and runs the README's Python quick start
 * VERBATIM (extracted by marker from the `use` section) with the README's command, `cdk synth -a "python app.py"` (the
 * CDK CLI is this repository's aws-cdk devDependency; `python` is the virtualenv's): an imported cluster, a role created in the same app granted
 * through the model, the Lambda webhook, and RBAC rendered by `AccessChart`. The CloudFormation template and the
 * YAML it wrote are asserted, and a bad grant must reach Python as an exception naming the construct path.
 *
 * npm test builds dist/ and `.jsii` first. The virtualenv with the peers is cached in the temp dir under a name made
 * of the Python version and the pinned versions (pip's own download cache is used too), so only the first run on a
 * machine downloads; the wheel itself is rebuilt and reinstalled on every run.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string; devDependencies: Record<string, string>; peerDependencies: Record<string, string>;
};
const PYTHON = process.env.PYTHON ?? 'python3';
const STACK = 'ClusterAccess';
/** A wheel that carries only what the constructs need stays far below this (the AWS SDK, pino and prom-client would not). */
const WHEEL_BUDGET_BYTES = 2 * 1024 * 1024;
const SETUP_TIMEOUT_MS = 20 * 60_000;

/** PyPI pins: the versions the TypeScript tests use (devDependencies; aws-cdk-lib's is the peer floor, the newest PyPI serves). */
function peerPins(): string[] {
  return ['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-28'].map((p) => `${p}==${pkg.devDependencies[p]}`);
}

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

async function mustRun(what: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number): Promise<Run> {
  const r = await run(cmd, args, cwd, env, timeout);
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${tail(r.stderr || r.stdout)}`);
  return r;
}

function tail(text: string): string {
  return text.length > 3000 ? `…${text.slice(-3000)}` : text;
}

/** This environment minus this repository's node_modules/.bin (no esbuild to lend), with no Docker, as a user has it. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_PATH' && k !== 'INIT_CWD') env[k] = v;
  const path = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules'));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter); // the jsii runtime starts `node`
  return { ...env, CDK_DOCKER: '/bin/false', CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true', PIP_DISABLE_PIP_VERSION_CHECK: '1', ...extra };
}

/** The README's Python quick start: the ```python block of the `use` section, and the command that runs it. */
export function readmePython(): { install: string; app: string; command: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- python-quick-start -->');
  const end = readme.indexOf('<!-- /python-quick-start -->');
  if (start < 0 || end < start) throw new Error('README has no <!-- python-quick-start --> … <!-- /python-quick-start --> block');
  const part = readme.slice(start, end);
  const install = /```sh\n(pip install [^\n]*)\n```/.exec(part);
  const app = /```python\n([\s\S]*?)```/.exec(part);
  const command = /```sh\n(cdk synth [^\n#]*?)\s*(#[^\n]*)?\n```/.exec(part);
  if (!install || !app || !command) throw new Error('the Python quick start needs a ```sh pip install line, a ```python app and a ```sh cdk synth command');
  return { install: install[1], app: app[1], command: command[1] };
}

/** The README's local install line for the wheel (the Install section): the file `npm run package` writes. */
export function readmeLocalWheel(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:install -->'), readme.indexOf('<!-- /section:install -->'));
  const line = /^pip install (\S+\.whl) /m.exec(section);
  if (!line) throw new Error('README section "install" has no `pip install <path>.whl …` line');
  return line[1];
}

/** A virtualenv with the jsii runtime and the peers, reused between runs (same Python, same pins). */
async function peerVenv(): Promise<string> {
  const version = (await mustRun('python3 --version', PYTHON, ['--version'], ROOT, userEnv(), 30_000)).stdout.trim();
  // The jsii runtime comes with aws-cdk-lib (which requires a recent one; the wheel accepts any 1.x from its build on).
  const pins = peerPins();
  const key = createHash('sha256').update(JSON.stringify([version, pins])).digest('hex').slice(0, 16);
  const venv = join(tmpdir(), `cdk-eks-access-pyvenv-${key}`);
  if (existsSync(join(venv, '.ready'))) return venv;
  // Built aside and renamed into place, so an interrupted run never leaves a half-installed venv to be reused.
  const building = mkdtempSync(`${venv}-building-`);
  await mustRun('python3 -m venv', PYTHON, ['-m', 'venv', building], ROOT, userEnv(), 2 * 60_000);
  await mustRun('pip install of the peers', join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--no-input', '--quiet', ...pins],
    ROOT, userEnv(), SETUP_TIMEOUT_MS);
  writeFileSync(join(building, '.ready'), `${pins.join('\n')}\n`);
  // Only `bin/python -m …` is used, which finds its venv from its own location, so the renamed venv works as built.
  rmSync(venv, { recursive: true, force: true });
  renameSync(building, venv);
  return venv;
}

let scratch: string;
let wheel: string;
let jsTarball: string;
let python: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, '.jsii')) || !existsSync(join(ROOT, 'dist', 'lambda', 'index.js'))) {
    throw new Error('.jsii or dist/ is missing: run `npm run build` first (npm test does)');
  }
  scratch = mkdtempSync(join(tmpdir(), 'cdk-eks-access-python-'));
  const outdir = join(scratch, 'pacmak');
  const [venv] = await Promise.all([
    peerVenv(),
    mustRun('jsii-pacmak', process.execPath, [join(ROOT, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'), '--targets', 'js,python', '--outdir', outdir],
      ROOT, { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] }, SETUP_TIMEOUT_MS),
  ]);
  const wheels = readdirSync(join(outdir, 'python')).filter((f) => f.endsWith('.whl'));
  if (wheels.length !== 1) throw new Error(`expected one wheel in ${outdir}/python, found ${JSON.stringify(wheels)}`);
  wheel = join(outdir, 'python', wheels[0]);
  jsTarball = join(outdir, 'js', readdirSync(join(outdir, 'js')).find((f) => f.endsWith('.tgz')) ?? 'missing.tgz');
  python = join(venv, 'bin', 'python');
  // --no-deps: the peers are pinned in the venv; the wheel's own requirements are checked by `pip check` below.
  await mustRun('pip install of the wheel', python, ['-m', 'pip', 'install', '--no-input', '--quiet', '--force-reinstall', '--no-deps', wheel],
    ROOT, userEnv(), 5 * 60_000);
}, SETUP_TIMEOUT_MS + 5 * 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('jsii-pacmak output', () => {
  it('builds the js target: the npm tarball carries the jsii assembly', async () => {
    expect(existsSync(jsTarball)).toBe(true);
    const list = await mustRun('tar', 'tar', ['-tzf', jsTarball], ROOT, userEnv(), 60_000);
    expect(list.stdout.split('\n')).toEqual(expect.arrayContaining(['package/.jsii', 'package/dist/lib/index.js', 'package/dist/lambda/index.js']));
  });

  it('builds a wheel carrying only what the constructs need (no AWS SDK, pino or prom-client), within its size budget', async () => {
    expect(statSync(wheel).size).toBeLessThan(WHEEL_BUDGET_BYTES);
    // The wheel embeds the npm tarball; list that tarball's node_modules (the bundled dependencies).
    const script = [
      'import sys, zipfile, tarfile, io',
      'z = zipfile.ZipFile(sys.argv[1])',
      'name = next(n for n in z.namelist() if n.endswith(".tgz"))',
      't = tarfile.open(fileobj=io.BytesIO(z.read(name)))',
      'print("\\n".join(sorted({ "/".join(m.name.split("/")[2:4]) if m.name.split("/")[2].startswith("@") else m.name.split("/")[2] for m in t.getmembers() if m.name.startswith("package/node_modules/") and len(m.name.split("/")) > 3 })))',
    ].join('\n');
    const bundled = (await mustRun('wheel listing', python, ['-c', script, wheel], ROOT, userEnv(), 60_000)).stdout.split('\n').filter(Boolean);
    expect(bundled).toEqual(['yaml']);
  });

  it('installs into the virtualenv with its requirements met by the pinned peers (pip check)', async () => {
    const check = await run(python, ['-m', 'pip', 'check'], ROOT, userEnv(), 60_000);
    expect({ code: check.code, stdout: check.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/No broken requirements/) });
  });
});

describe("the README's Python quick start, run verbatim", () => {
  let appDir: string;
  let result: Run;

  beforeAll(async () => {
    appDir = join(scratch, 'app');
    mkdirSync(appDir);
    writeFileSync(join(appDir, 'app.py'), readmePython().app);
    // The README's command through a shell, `cdk` being the aws-cdk CLI of this repository and `python` the venv's.
    const shim = join(scratch, 'bin');
    mkdirSync(shim, { recursive: true });
    writeFileSync(join(shim, 'cdk'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk')}" "$@"\n`, { mode: 0o755 });
    const env = userEnv({ CDK_DISABLE_CLI_TELEMETRY: 'true' });
    env.PATH = [shim, dirname(python), env.PATH].join(delimiter);
    result = await run('sh', ['-c', readmePython().command], appDir, env, 5 * 60_000);
  }, 6 * 60_000);

  it('runs through the CDK CLI (`cdk synth -a`), which writes cdk.out in the app folder', () => {
    expect(readmePython().command).toMatch(/^cdk synth -a "python app\.py"/);
  });

  it("the README's local install line names the wheel `npm run package` writes", () => {
    expect(readmeLocalWheel().split('/').pop()).toBe(wheel.split('/').pop());
  });

  it("installs exactly the wheel's peers: the README's pip line names the package and the four peers", () => {
    const words = readmePython().install.split(/\s+/);
    expect(words.slice(0, 2)).toEqual(['pip', 'install']);
    expect(words.slice(2).sort()).toEqual(['aws-cdk-lib', 'cdk-eks-access', 'cdk8s', 'cdk8s-plus-28', 'constructs']);
  });

  it('runs to completion', () => {
    expect({ code: result.code, stderr: result.code === 0 ? '' : tail(result.stderr) }).toEqual({ code: 0, stderr: '' });
  });

  it('synthesizes the access entry of the role created in the app, and the Lambda webhook from its pre-built asset', () => {
    const template = JSON.parse(readFileSync(join(appDir, 'cdk.out', `${STACK}.template.json`), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const of = (type: string): [string, Record<string, unknown>][] =>
      Object.entries(template.Resources).filter(([, r]) => r.Type === type).map(([id, r]) => [id, r.Properties]);
    const [[roleId]] = of('AWS::IAM::Role').filter(([id]) => id.startsWith('DeployRole'));
    expect(of('AWS::EKS::AccessEntry').map(([, p]) => p)).toEqual([expect.objectContaining({
      ClusterName: 'prod',
      PrincipalArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      KubernetesGroups: ['deployers'],
      AccessPolicies: [expect.objectContaining({ AccessScope: { Type: 'cluster' }, PolicyArn: expect.stringContaining('AmazonEKSViewPolicy') })],
    })]);
    const functions = of('AWS::Lambda::Function');
    expect(functions).toHaveLength(1);
    expect(functions[0][1]).toMatchObject({ Handler: 'index.handler', Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) } });
    expect(of('AWS::Lambda::Url')).toHaveLength(1);
    expect(of('AWS::SecretsManager::Secret')).toHaveLength(1);
  });

  it('renders the RBAC of the group grant with AccessChart: the deployers group bound to edit in namespace apps', () => {
    const yamlFiles = readdirSync(join(appDir, 'dist')).filter((f) => f.endsWith('.k8s.yaml'));
    expect(yamlFiles).toEqual(['access.k8s.yaml']);
    const docs = parseAllDocuments(readFileSync(join(appDir, 'dist', 'access.k8s.yaml'), 'utf8')).map((d) => d.toJSON() as {
      kind: string; metadata: { name: string; namespace?: string }; roleRef?: { kind: string; name: string }; subjects?: { kind: string; name: string }[];
    });
    const bindings = docs.filter((d) => d.kind === 'RoleBinding');
    expect(bindings).toEqual([expect.objectContaining({
      metadata: expect.objectContaining({ namespace: 'apps' }),
      roleRef: expect.objectContaining({ kind: 'ClusterRole', name: 'edit' }),
      subjects: [expect.objectContaining({ kind: 'Group', name: 'deployers' })],
    })]);
    // self_managed_authenticator: the webhook maps the view policy grant to a group, which the chart binds to `view`.
    expect(docs.filter((d) => d.kind === 'ClusterRoleBinding')).toEqual(expect.arrayContaining([expect.objectContaining({
      roleRef: expect.objectContaining({ kind: 'ClusterRole', name: 'view' }),
      subjects: [expect.objectContaining({ kind: 'Group', name: 'eks-access:policy:AmazonEKSViewPolicy' })],
    })]));
  });
});

describe("the README's model views and helpers, from Python (free functions in TypeScript, methods here)", () => {
  it('validate, accessEntries, awsAuthRows, effectiveUsername, authenticatorMappingRows, mergeAwsAuth, writeAccessManifests, planMigration', async () => {
    const appDir = join(scratch, 'helpers');
    mkdirSync(appDir);
    writeFileSync(join(appDir, 'helpers.py'), `
import json, os, sys
from cdk_eks_access import (AccessEntryMigration, AccessManifests, AccessModel, AccessPolicy, AuthenticationMode,
                            AuthenticatorBackend, AwsAuthMerge)

model = AccessModel(account_id="111122223333", authentication_mode=AuthenticationMode.API_AND_CONFIG_MAP)
model.import_role("ops", "arn:aws:iam::111122223333:role/team/Ops", kubernetes_groups=["ops"],
                  access_policies=[AccessPolicy.AMAZON_EKS_VIEW_POLICY.at_cluster_scope()])
model.add_account("partner", "444455556666", kubernetes_groups=["partners"])
model.add_group_grant(group="ops", cluster_role="view")
model.add_group_grant(group="partners", cluster_role="view")
out = {
    "issues": [i.message for i in model.validate()],
    "entries": [(e.principal_arn, list(e.kubernetes_groups)) for e in model.access_entries()],
    "awsAuthAccounts": list(model.aws_auth_rows().accounts),
    "username": AccessModel.effective_username(model.principals[0], "aws"),
}
rows = model.authenticator_mapping_rows()
backend = AuthenticatorBackend.static_rows(roles=rows.roles, users=rows.users, accounts=rows.accounts)  # a last struct parameter is keywords
out["backendNeedsApi"] = [backend.needs_api_access, AuthenticatorBackend.from_model(model).needs_api_access]
out["mappingRoles"] = [(r.role_arn, list(r.groups)) for r in rows.roles]
merged = AwsAuthMerge.merge(rows)
out["mergedData"] = sorted(merged.config_map.data.keys())
out["added"] = list(merged.added)
out["manifest"] = os.path.relpath(AccessManifests.write(sys.argv[1], model=model), sys.argv[1])
out["written"] = sorted(os.listdir(sys.argv[1]))
plan = AccessEntryMigration.plan({"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "aws-auth", "namespace": "kube-system"},
    "data": {"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/Admin\\n  username: admin\\n  groups: [system:masters]\\n"}})
out["plan"] = [(e.principal_arn, [p.policy_arn for p in (e.access_policies or [])]) for e in plan.entries]
print(json.dumps(out))
`);
    const r = await run(python, ['helpers.py', join(appDir, 'k8s')], appDir, userEnv(), 3 * 60_000);
    expect({ code: r.code, stderr: r.code === 0 ? '' : tail(r.stderr) }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({
      issues: [],
      entries: [['arn:aws:iam::111122223333:role/team/Ops', ['ops']]],
      awsAuthAccounts: ['444455556666'],
      username: expect.stringContaining('{{SessionName}}'),
      backendNeedsApi: [false, false],
      mappingRoles: [['arn:aws:iam::111122223333:role/Ops', expect.arrayContaining(['ops'])]],
      mergedData: ['mapAccounts', 'mapRoles'],
      added: ['role:arn:aws:iam::111122223333:role/ops', 'account:444455556666'],  // row keys are the authenticator's: lower-cased
      manifest: 'access.k8s.yaml',
      written: ['access.k8s.yaml', 'aws-auth.k8s.yaml'],
      plan: [['arn:aws:iam::111122223333:role/Admin', ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']]],
    });
  }, 4 * 60_000);
});

describe('errors reach Python', () => {
  it('a bad grant raises in Python with the construct path and the rule in the message', async () => {
    const appDir = join(scratch, 'bad');
    mkdirSync(appDir);
    writeFileSync(join(appDir, 'app.py'), `
from aws_cdk import App, Stack
from cdk_eks_access import AccessModel, AuthenticationMode, ClusterAccess, ClusterTarget

app = App()
stack = Stack(app, "BadStack", env={"account": "111122223333", "region": "us-east-1"})
model = AccessModel(account_id="111122223333", authentication_mode=AuthenticationMode.API)
model.import_role("ops", "arn:aws:iam::111122223333:role/Ops", username="system:ops")
try:
    ClusterAccess(stack, "Access", cluster=ClusterTarget.from_cluster_name(cluster_name="prod"), model=model)
except Exception as e:
    print(type(e).__name__ + ": " + str(e))
`);
    const r = await run(python, ['app.py'], appDir, userEnv({ CDK_OUTDIR: join(appDir, 'cdk.out') }), 3 * 60_000);
    expect({ code: r.code, stderr: r.code === 0 ? '' : tail(r.stderr) }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^RuntimeError: BadStack\/Access: invalid access model:\n {2}BadStack\/Access\/ops: username 'system:ops' must not start with 'system:'.*\[eks-access:username\]/);
  }, 4 * 60_000);

  it('a bad RBAC rule raises in Python with the chart path and the rule id', async () => {
    const appDir = join(scratch, 'bad-rbac');
    mkdirSync(appDir);
    writeFileSync(join(appDir, 'app.py'), `
import cdk8s
from cdk_eks_access import RbacChart, RbacRule

app = cdk8s.App()
chart = RbacChart(app, "rbac")
try:
    chart.add_role("Dev", name="developer", namespace="team-a", rules=[RbacRule(api_groups=[""], resources=["pods"], verbs=["lsit"])])
    app.synth_yaml()
except Exception as e:
    print(type(e).__name__ + ": " + str(e))
`);
    const r = await run(python, ['app.py'], appDir, userEnv(), 3 * 60_000);
    expect({ code: r.code, stderr: r.code === 0 ? '' : tail(r.stderr) }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^RuntimeError: .*rbac\/Dev rules\[0\]: unknown verb "lsit".*\[eks-access:rbac-verb\]/);
  }, 4 * 60_000);
});
