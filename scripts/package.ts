/**
 * `npm run package` (after `npm run build`): every jsii target of package.json into dist/ with jsii-pacmak
 * (https://aws.github.io/jsii/user-guides/lib-author/toolchain/jsii-pacmak/): the npm tarball (dist/js), the Python
 * wheel and sdist (dist/python), the Maven repository (dist/java, compiled by mvn), the Go module (dist/go, compiled by
 * `go build`) and, where the .NET SDK is installed, the NuGet package (dist/dotnet). Then it lists what it wrote, with
 * the same check the release's publish dry run makes (scripts/release-artifacts.ts).
 *
 *   npm run package                     every target whose toolchain is on PATH (dotnet is skipped without it)
 *   PACKAGE_TARGETS=js,python npm run package
 *   PACKAGE_STRICT=1 npm run package    also fail when a registry does not serve a dependency (release machines)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { checkArtifacts, goPackageName, PackageJsonForRelease, Target, TARGETS } from './release-artifacts';

const ROOT = join(__dirname, '..').replace(/[\\/]dist$/, '');

/** The toolchain jsii-pacmak runs for each target (none for js). */
const TOOLCHAIN: Partial<Record<Target, string>> = { python: 'python3', java: 'mvn', dotnet: 'dotnet', go: 'go' };

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** The targets to build: PACKAGE_TARGETS, or every target whose toolchain is installed. */
export function packageTargets(env: NodeJS.ProcessEnv, has: (command: string) => boolean = onPath): { build: Target[]; skipped: string[] } {
  if (env.PACKAGE_TARGETS) {
    const asked = env.PACKAGE_TARGETS.split(',').map((t) => t.trim()).filter(Boolean);
    const unknown = asked.filter((t) => !(TARGETS as readonly string[]).includes(t));
    if (unknown.length > 0) throw new Error(`PACKAGE_TARGETS: unknown target(s) ${unknown.join(', ')}; valid: ${TARGETS.join(', ')}`);
    return { build: asked as Target[], skipped: [] };
  }
  const build: Target[] = [];
  const skipped: string[] = [];
  for (const t of TARGETS) {
    const tool = TOOLCHAIN[t];
    if (!tool || has(tool)) build.push(t);
    else skipped.push(`${t} (no ${tool} on PATH)`);
  }
  return { build, skipped };
}

/**
 * A build that failed only because the registry did not serve a dependency at the version the package needs (Maven
 * Central without that aws-cdk-lib release yet, a Go module proxy that does not serve the cdk8s Go modules): the
 * generated code was never compiled, which is reported as such; any other failure (code generation, a compile
 * error) fails the run.
 */
export function unresolvedDependency(output: string): string | undefined {
  const patterns = [
    /No versions available for (\S+) within specified range/,
    /Could not resolve dependencies for project [^:]+:[^:]+:[^:]+:[^:]+: ([^\n]+)/,
    /go: (\S+@\S+): reading \S+: (?:403 Forbidden|404 Not Found|410 Gone)/,
    /go: (\S+@\S+): .*(?:dial tcp|no such host)/,
  ];
  for (const re of patterns) {
    const m = re.exec(output);
    if (m) return m[1];
  }
  return undefined;
}

interface TargetResult {
  readonly target: Target;
  readonly seconds: number;
  readonly ok: boolean;
  readonly unresolved?: string;
  /** How it was built, when not as usual. */
  readonly note?: string;
}

/**
 * The jsii peers whose Go modules a module proxy may not serve (the cdk8s team's `cdk8s-core-go`, `cdk8s-plus-go`):
 * jsii-pacmak can generate their Go bindings from the same jsii assemblies this package compiles against
 * (node_modules/<peer>/.jsii), and then builds our module against them through its `local.go.mod` replace directives.
 */
const GO_LOCAL_PEERS = ['cdk8s', 'cdk8s-plus-28'];

function pacmak(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'), ...args], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
  });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * Go, when the proxy does not serve a cdk8s Go module: generated again in a scratch folder together with the peers'
 * bindings, `go mod tidy` + `go build ./...` of all of them (jsii-pacmak's Go target), and only our module copied to
 * dist/go — its go.mod still requires the peers' published modules, as the one published must.
 */
function buildGoWithLocalPeers(pkg: PackageJsonForRelease): { status: number | null; output: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'cdk-eks-access-go-'));
  try {
    const r = pacmak(['--targets', 'go', '--outdir', scratch, '.', ...GO_LOCAL_PEERS.map((p) => join('node_modules', p))]);
    if (r.status === 0) {
      const name = goPackageName(pkg);
      const target = join(ROOT, pkg.jsii?.outdir ?? 'dist', 'go', name);
      rmSync(target, { recursive: true, force: true });
      cpSync(join(scratch, 'go', name), target, { recursive: true });
    }
    return r;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function buildTarget(target: Target, pkg: PackageJsonForRelease): TargetResult {
  const started = Date.now();
  let r = pacmak(['--targets', target]);
  let note: string | undefined;
  const missingGoPeer = target === 'go' && r.status !== 0 ? unresolvedDependency(r.output) : undefined;
  if (missingGoPeer && /cdk8s-team\//.test(missingGoPeer)) {
    r = buildGoWithLocalPeers(pkg);
    note = `compiled against Go bindings of ${GO_LOCAL_PEERS.join(', ')} generated here (the module proxy does not serve ${missingGoPeer})`;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  if (r.status === 0) return { target, seconds, ok: true, note };
  const unresolved = unresolvedDependency(r.output);
  if (!unresolved) process.stderr.write(r.output.split('\n').filter((l) => !l.startsWith('!!')).join('\n'));
  return { target, seconds, ok: false, unresolved };
}

function main(): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJsonForRelease;
  if (!existsSync(join(ROOT, '.jsii'))) {
    process.stderr.write('package: .jsii is missing: run `npm run build` first\n');
    process.exitCode = 1;
    return;
  }
  const { build, skipped } = packageTargets(process.env);
  for (const s of skipped) process.stdout.write(`skip ${s}\n`);
  // One jsii-pacmak run per target: a target that cannot build here does not stop the others, and each is timed.
  const results = build.map((t) => buildTarget(t, pkg));
  const checks = new Map(checkArtifacts(ROOT, pkg, results.filter((r) => r.ok).map((r) => r.target)).map((c) => [c.target, c]));
  let failed = false;
  for (const r of results) {
    const check = checks.get(r.target);
    if (r.ok && check && !check.problem) {
      process.stdout.write(`ok   ${r.target.padEnd(6)} ${String(r.seconds).padStart(4)} s  ${check.files.join(', ')}${r.note ? ` — ${r.note}` : ''}\n`);
    } else if (r.unresolved) {
      process.stdout.write(`NOT BUILT ${r.target} (${r.seconds} s): the registry does not serve ${r.unresolved}; the generated code was not compiled here\n`);
    } else {
      failed = true;
      process.stdout.write(`FAIL ${r.target.padEnd(6)} ${String(r.seconds).padStart(4)} s  ${check?.problem ?? 'jsii-pacmak failed (output above)'}\n`);
    }
  }
  process.stdout.write(`package: ${results.reduce((n, r) => n + r.seconds, 0)} s in all\n`);
  if (failed || (process.env.PACKAGE_STRICT === '1' && results.some((r) => !r.ok))) process.exitCode = 1;
}

if (require.main === module) main();
