/**
 * The artifacts `npm run package` (jsii-pacmak) writes into dist/, one per jsii target, and the check that each is
 * there with the package's name and version. Used by scripts/package.ts (its summary) and scripts/release.ts (the
 * publish dry run), so both name the same files.
 *
 * Layouts are jsii-pacmak's (https://github.com/aws/jsii/tree/main/packages/jsii-pacmak, lib/targets/*.ts), and the
 * publish commands are publib's, one per directory (https://github.com/cdklabs/publib#readme).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PackageJsonForRelease {
  readonly name: string;
  readonly version: string;
  readonly jsii?: {
    readonly outdir?: string;
    readonly targets?: {
      readonly python?: { readonly distName: string };
      readonly java?: { readonly maven: { readonly groupId: string; readonly artifactId: string } };
      readonly dotnet?: { readonly packageId: string };
      readonly go?: { readonly moduleName: string; readonly packageName?: string };
    };
  };
}

/** The jsii targets in the order they are built and published; `js` is the npm tarball. */
export const TARGETS = ['js', 'python', 'java', 'dotnet', 'go'] as const;
export type Target = (typeof TARGETS)[number];

export interface ArtifactCheck {
  readonly target: Target;
  /** The files found (relative to the repository), empty when missing. */
  readonly files: string[];
  /** What is wrong, or undefined when the artifact is complete and carries the version. */
  readonly problem?: string;
  /** publib's command for this target's directory. */
  readonly publish: string;
}

const PUBLISH: Record<Target, string> = {
  js: 'npx publib-npm',
  python: 'npx publib-pypi',
  java: 'npx publib-maven',
  dotnet: 'npx publib-nuget',
  go: 'npx publib-golang',
};

/** Environment variables each publib command needs (publib's README); the dry run only names the missing ones. */
export const CREDENTIALS: Record<Target, string[]> = {
  js: ['NPM_TOKEN'],
  python: ['TWINE_USERNAME', 'TWINE_PASSWORD'],
  java: ['MAVEN_USERNAME', 'MAVEN_PASSWORD', 'MAVEN_GPG_PRIVATE_KEY', 'MAVEN_GPG_PRIVATE_KEY_PASSPHRASE', 'MAVEN_STAGING_PROFILE_ID'],
  dotnet: ['NUGET_API_KEY'],
  go: ['GITHUB_TOKEN'],
};

/** jsii's default Go package name: the npm name without scope, lower-case letters and digits only. */
export function goPackageName(pkg: PackageJsonForRelease): string {
  return pkg.jsii?.targets?.go?.packageName ?? pkg.name.replace(/^@[^/]+\//, '').replace(/[^a-z0-9]/gi, '').toLowerCase();
}

function list(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Checks the artifact of each target under `<root>/<jsii.outdir>` against the package's name and version. */
export function checkArtifacts(root: string, pkg: PackageJsonForRelease, targets: readonly Target[] = TARGETS): ArtifactCheck[] {
  const outdir = pkg.jsii?.outdir ?? 'dist';
  const dist = (t: string): string => join(root, outdir, t);
  const rel = (t: string, f: string): string => join(outdir, t, f);
  const { version } = pkg;
  return targets.map((target): ArtifactCheck => {
    const publish = `${PUBLISH[target]} ${join(outdir, target)}`;
    switch (target) {
      case 'js': {
        const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}@${version}.jsii.tgz`;
        if (!existsSync(join(dist('js'), file))) return { target, files: [], publish, problem: `missing ${rel('js', file)} (found: ${list(dist('js')).join(', ') || 'nothing'})` };
        // The tarball's own package.json is what npm publishes: its name and version must be this release's.
        const inside = JSON.parse(execFileSync('tar', ['-xzOf', join(dist('js'), file), 'package/package.json'], { encoding: 'utf8' })) as { name: string; version: string };
        const problem = inside.name !== pkg.name || inside.version !== version ? `${rel('js', file)} holds ${inside.name}@${inside.version}` : undefined;
        return { target, files: [rel('js', file)], publish, problem };
      }
      case 'python': {
        const dist_ = (pkg.jsii?.targets?.python?.distName ?? pkg.name).replace(/-/g, '_');
        // PEP 427 wheel and PEP 625 sdist names: `<dist>-<version>-…whl`, `<dist>-<version>.tar.gz`.
        const wanted = [new RegExp(`^${dist_}-${escape(version)}-py3-none-any\\.whl$`), new RegExp(`^${dist_}-${escape(version)}\\.tar\\.gz$`)];
        return found(target, publish, list(dist('python')), wanted, (f) => rel('python', f), 'a wheel and an sdist');
      }
      case 'java': {
        const maven = pkg.jsii?.targets?.java?.maven;
        if (!maven) return { target, files: [], publish, problem: 'package.json jsii.targets.java.maven is not configured' };
        const dir = join(...maven.groupId.split('.'), maven.artifactId, version);
        const base = `${maven.artifactId}-${version}`;
        // Maven Central requires the POM, the jar, and sources and javadoc jars (central.sonatype.org, "Requirements").
        const wanted = [`${base}.pom`, `${base}.jar`, `${base}-sources.jar`, `${base}-javadoc.jar`].map((f) => new RegExp(`^${escape(f)}$`));
        return found(target, publish, list(join(dist('java'), dir)), wanted, (f) => rel('java', join(dir, f)), 'a Maven repository layout');
      }
      case 'dotnet': {
        const id = pkg.jsii?.targets?.dotnet?.packageId;
        if (!id) return { target, files: [], publish, problem: 'package.json jsii.targets.dotnet.packageId is not configured' };
        return found(target, publish, list(dist('dotnet')), [new RegExp(`^${escape(id)}\\.${escape(version)}\\.nupkg$`)], (f) => rel('dotnet', f), 'a NuGet package');
      }
      case 'go': {
        const moduleName = pkg.jsii?.targets?.go?.moduleName;
        if (!moduleName) return { target, files: [], publish, problem: 'package.json jsii.targets.go.moduleName is not configured' };
        const name = goPackageName(pkg);
        const dir = join(dist('go'), name);
        if (!existsSync(join(dir, 'go.mod'))) return { target, files: [], publish, problem: `missing ${rel('go', join(name, 'go.mod'))}` };
        const module = /^module\s+(\S+)/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))?.[1];
        // publib-golang tags the module with the `version` file jsii-pacmak writes next to go.mod.
        const tagged = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : undefined;
        const problem = module !== `${moduleName}/${name}` ? `${rel('go', join(name, 'go.mod'))} declares module ${module}, expected ${moduleName}/${name}`
          : tagged !== version ? `${rel('go', join(name, 'version'))} says ${tagged ?? 'nothing'}, expected ${version}` : undefined;
        return { target, files: [rel('go', join(name, 'go.mod'))], publish, problem };
      }
    }
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function found(target: Target, publish: string, files: string[], wanted: RegExp[], rel: (f: string) => string, what: string): ArtifactCheck {
  const hits = wanted.map((re) => files.find((f) => re.test(f)));
  const missing = wanted.filter((_, i) => !hits[i]).map((re) => re.source.replace(/\\/g, '').replace(/^\^|\$$/g, ''));
  return {
    target,
    files: hits.filter((f): f is string => !!f).map(rel),
    publish,
    problem: missing.length > 0 ? `incomplete (${what}): missing ${missing.join(', ')}` : undefined,
  };
}
