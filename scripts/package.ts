/**
 * `npm run package` (after `npm run build`): every jsii target of package.json into dist/ with jsii-pacmak
 * (https://aws.github.io/jsii/user-guides/lib-author/toolchain/jsii-pacmak/): the npm tarball (dist/js), the Python
 * wheel and sdist (dist/python), the Maven repository (dist/java, compiled by mvn), the Go module (dist/go, compiled by
 * `go build`) and, where the .NET SDK is installed, the NuGet package (dist/dotnet). Then it lists what it wrote, with
 * the same check the release's publish dry run makes (scripts/release-artifacts.ts).
 *
 *   npm run package                     every target whose toolchain is on PATH (dotnet is skipped without it)
 *   PACKAGE_TARGETS=js,python npm run package
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { checkArtifacts, PackageJsonForRelease, Target, TARGETS } from './release-artifacts';

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

function main(): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJsonForRelease;
  if (!existsSync(join(ROOT, '.jsii'))) {
    process.stderr.write('package: .jsii is missing: run `npm run build` first\n');
    process.exitCode = 1;
    return;
  }
  const { build, skipped } = packageTargets(process.env);
  for (const s of skipped) process.stderr.write(`package: skipping ${s}\n`);
  const started = Date.now();
  const pacmak = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'), '--targets', build.join(',')], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
  });
  if (pacmak.status !== 0) {
    process.stderr.write(`package: jsii-pacmak --targets ${build.join(',')} failed (exit ${pacmak.status})\n`);
    process.exitCode = 1;
    return;
  }
  const checks = checkArtifacts(ROOT, pkg, build);
  for (const c of checks) process.stdout.write(`${c.problem ? 'FAIL' : 'ok  '} ${c.target.padEnd(6)} ${c.problem ?? c.files.join(', ')}\n`);
  process.stdout.write(`package: ${build.join(', ')} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  if (checks.some((c) => c.problem)) process.exitCode = 1;
}

if (require.main === module) main();
