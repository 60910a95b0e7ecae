/**
 * What `npm install cdk-eks-access` delivers, read from `npm pack --dry-run --json` (the same file list npm publishes;
 * npm test builds dist/ first): the legal files, the user docs (API.md, CHANGELOG.md, docs/mapping.md), no contributor
 * docs or bench pages, no example app, source maps that carry their sources, and no compiled file that needs a package
 * the consumer does not get (a devDependency).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; keywords?: string[]; repository?: { url: string }; homepage?: string; bugs?: { url: string };
  stability?: string; engines?: { node?: string }; peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  jsii?: { targets?: Record<string, unknown> };
  dependencies: Record<string, string>; optionalDependencies: Record<string, string>; peerDependencies: Record<string, string>;
  bundledDependencies: string[];
};

function packedFiles(): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const [report] = JSON.parse(out) as { files: { path: string }[] }[];
  return report.files.map((f) => f.path);
}

/** The package a bare `require('x/y')` specifier loads (`@scope/name` or `name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const files = packedFiles();
const fileSet = new Set(files);

/** The files git tracks: where a README link that is not shipped must still resolve (npmjs.com and GitHub resolve
 * relative README links against the repository). */
function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
}

/** Contributor material (and the example app with its scenario, docs/walkthrough.md): in the repository, never in the tarball. */
const CONTRIBUTOR_ONLY = /^(docs\/(contributing|e2e|benchmarks|releasing|architecture|walkthrough)\.md$|bench\/|test\/|scripts\/|\.ci\/|examples\/app\/|examples\/fleet\/)/;

describe('the published package', () => {
  it('holds LICENSE (Apache-2.0 text), NOTICE, README and the docs and example config the README links', () => {
    for (const f of ['LICENSE', 'NOTICE', 'README.md', 'CHANGELOG.md', 'API.md', 'package.json', 'docs/mapping.md', 'examples/authenticator-config.yaml']) {
      expect({ file: f, packed: fileSet.has(f) }).toEqual({ file: f, packed: true });
    }
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004[\s\S]+END OF TERMS AND CONDITIONS/);
  });

  it('every relative link of the README points at a file of the repository, and at a packed file unless it is contributor material', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
      .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
      .map((href) => href.replace(/#.*$/, '').replace(/^\.\//, ''));
    expect(links.length).toBeGreaterThan(0);
    const tracked = repositoryFiles();
    const within = (list: string[], href: string): boolean => list.includes(href) || list.some((f) => f.startsWith(`${href.replace(/\/$/, '')}/`));
    expect(links.filter((href) => !within(tracked, href) && !existsSync(join(ROOT, href)))).toEqual([]);
    expect(links.filter((href) => !CONTRIBUTOR_ONLY.test(href) && !within(files, href))).toEqual([]);
  });

  it('holds no contributor docs, bench pages, tests or scripts', () => {
    expect(files.filter((f) => CONTRIBUTOR_ONLY.test(f))).toEqual([]);
  });

  // Node (--enable-source-maps), source-map-support and debuggers follow `sourceMappingURL` to the map and from there to
  // `sources` (lib/aws/*.ts), which the package does not ship: each map must carry its sources (`sourcesContent`,
  // tsc's `inlineSources`), or a stack trace points at a file the user cannot open.
  it('every packed source map is packed with its .js and carries the content of every source it names', () => {
    const maps = files.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const f of files.filter((p) => p.endsWith('.js') && !p.startsWith('node_modules/'))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(ROOT, f), 'utf8'));
      if (url && !url[1].startsWith('data:') && !fileSet.has(join(f, '..', url[1]))) problems.push(`${f}: its map ${url[1]} is not packed`);
    }
    for (const f of maps) {
      const map = JSON.parse(readFileSync(join(ROOT, f), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      const missing = map.sources.filter((source, i) => typeof map.sourcesContent?.[i] !== 'string' && !fileSet.has(join(f, '..', source)));
      if (missing.length > 0) problems.push(`${f}: no content for ${missing.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('ships no example app and nothing outside dist/, docs/ and the named files', () => {
    expect(files.filter((f) => f.startsWith('examples/app/') || /^dist\/bin\/example/.test(f) || f === 'dist/bin/app.js')).toEqual([]);
    // `.jsii` is the jsii assembly of the construct API; node_modules/ holds only the bundledDependencies.
    const bundled = pkg.bundledDependencies.map((d) => d.replace(/[.]/g, '\\.')).join('|');
    const allowed = new RegExp(`^(dist/(lib|bin|authenticator|lambda|token)/|docs/mapping\\.md$|examples/authenticator-config\\.yaml$|LICENSE$|NOTICE$|README\\.md$|CHANGELOG\\.md$|API\\.md$|package\\.json$|\\.jsii$|node_modules/(${bundled})/)`);
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('every module a shipped .js file requires is a dependency (optional ones included), a peer dependency or a Node built-in', () => {
    const provided = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies), ...Object.keys(pkg.peerDependencies), pkg.name]);
    const builtins = new Set(builtinModules);
    const missing: string[] = [];
    for (const f of files.filter((p) => p.endsWith('.js') && !p.startsWith('node_modules/'))) {
      const source = readFileSync(join(ROOT, f), 'utf8');
      for (const m of source.matchAll(/\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
        const spec = m[1].replace(/^node:/, '');
        if (!builtins.has(spec) && !builtins.has(spec.split('/')[0]) && !provided.has(packageOf(spec))) missing.push(`${f}: ${m[1]}`);
      }
    }
    // `npm run build` starts from an empty dist/, so no file of a removed source is left to be published.
    expect(missing).toEqual([]);
  });

  it('package.json says where the project lives and what it is about', () => {
    // Construct Hub lists a jsii package carrying one of `cdk`, `awscdk`, `aws-cdk`, `cdk8s`, `cdktf` (constructs.dev FAQ).
    expect(pkg.keywords).toEqual(expect.arrayContaining(['aws-cdk', 'cdk8s', 'eks', 'rbac', 'aws-iam-authenticator', 'cdk', 'awscdk', 'constructs']));
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
  });

  it('package.json declares its stability, the jsii targets of every language, a supported Node, and cdk8s as optional peers', () => {
    expect(['experimental', 'stable', 'deprecated']).toContain(pkg.stability);
    expect(Object.keys(pkg.jsii?.targets ?? {}).sort()).toEqual(['dotnet', 'go', 'java', 'python']);
    // Node 20 reached end of life on 2026-04-30 (https://github.com/nodejs/Release): the floor is the oldest LTS line.
    expect(Number(/^>=\s*(\d+)/.exec(pkg.engines?.node ?? '')?.[1])).toBeGreaterThanOrEqual(22);
    // CDK-only users need neither cdk8s nor cdk8s-plus-28 (npm then warns about no missing peer and installs none).
    expect(pkg.peerDependenciesMeta).toEqual({ cdk8s: { optional: true }, 'cdk8s-plus-28': { optional: true } });
    for (const peer of Object.keys(pkg.peerDependenciesMeta ?? {})) expect(Object.keys(pkg.peerDependencies)).toContain(peer);
  });
});
