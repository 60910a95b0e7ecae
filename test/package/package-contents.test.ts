/**
 * What `npm install cdk-eks-access` delivers, read from `npm pack --dry-run --json` (the same file list npm publishes;
 * npm test builds dist/ first): the legal files, the docs the README links, no example app, and no compiled file that
 * needs a package the consumer does not get (a devDependency).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; keywords?: string[]; repository?: { url: string }; homepage?: string; bugs?: { url: string };
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

describe('the published package', () => {
  it('holds LICENSE (Apache-2.0 text), NOTICE, README and the docs and example config the README links', () => {
    for (const f of ['LICENSE', 'NOTICE', 'README.md', 'package.json', 'docs/mapping.md', 'examples/authenticator-config.yaml']) {
      expect({ file: f, packed: fileSet.has(f) }).toEqual({ file: f, packed: true });
    }
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004[\s\S]+END OF TERMS AND CONDITIONS/);
  });

  it('every relative link of the README points at a file in the package', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
      .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
      .map((href) => href.replace(/#.*$/, '').replace(/^\.\//, ''));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((href) => !fileSet.has(href) && !files.some((f) => f.startsWith(`${href.replace(/\/$/, '')}/`)))).toEqual([]);
  });

  it('ships no example app and nothing outside dist/, docs/ and the named files', () => {
    expect(files.filter((f) => f.startsWith('examples/app/') || /^dist\/bin\/example/.test(f) || f === 'dist/bin/app.js')).toEqual([]);
    // `.jsii` is the jsii assembly of the construct API; node_modules/ holds only the bundledDependencies.
    const bundled = pkg.bundledDependencies.map((d) => d.replace(/[.]/g, '\\.')).join('|');
    const allowed = new RegExp(`^(dist/(lib|bin|authenticator|lambda|token)/|docs/|bench/results/[^/]+\\.md$|examples/authenticator-config\\.yaml$|LICENSE$|NOTICE$|README\\.md$|package\\.json$|\\.jsii$|node_modules/(${bundled})/)`);
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
    expect(pkg.keywords).toEqual(expect.arrayContaining(['aws-cdk', 'cdk8s', 'eks', 'rbac', 'aws-iam-authenticator']));
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
  });
});
