/**
 * Issue 25, item 7: the CLI runs from a clone after `npm run build` (execute bits set by the build, not by an npm
 * install that a clone never has), and as a kubectl plugin (`kubectl eks-access` runs `kubectl-eks_access`).
 * `npm test` builds dist/ first; these tests take dist/bin as tsc leaves it (modes reset to 0644), run the build's
 * own step (`npm run build:bins`), then start the files directly — not through `node` — and through a real kubectl.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { run } from '../../harness/run-process';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; scripts: Record<string, string> };
const PLUGIN = 'kubectl-eks_access';

it('package.json installs the CLI and its kubectl plugin name, both from dist/bin', () => {
  expect(PKG.bin).toEqual({ 'eks-access': 'dist/bin/eks-access.js', [PLUGIN]: `dist/bin/${PLUGIN}.js` });
});

it('the build sets the execute bits right after compiling (npm run build:bins follows tsc)', () => {
  expect(PKG.scripts.build).toContain('tsc -p tsconfig.build.json && npm run build:bins &&');
  expect(PKG.scripts['build:bins']).toMatch(/scripts\/bin-modes\.ts$/);
});

describe('dist/bin after tsc and the build step', () => {
  const bins = Object.values(PKG.bin).map((rel) => join(ROOT, rel));

  beforeAll(async () => {
    for (const b of bins) if (!existsSync(b)) throw new Error(`${b} is missing: run npx tsc -p tsconfig.build.json (npm test builds)`);
    // As tsc leaves a fresh clone's files: not executable.
    for (const b of bins) chmodSync(b, 0o644);
    const step = await run('npm', ['run', '--silent', 'build:bins'], { cwd: ROOT });
    expect(step).toMatchObject({ code: 0, stderr: '' });
  });

  it.each(Object.keys(PKG.bin))('%s is executable and runs directly (its #! line), printing the version', async (name) => {
    const file = join(ROOT, PKG.bin[name]);
    expect(statSync(file).mode & 0o111).toBe(0o111);
    const r = await run(file, ['--version'], { cwd: tmpdir() });
    expect(r).toEqual({ code: 0, stdout: `${PKG.version}\n`, stderr: '' });
  });

  it('npx eks-access runs in the clone', async () => {
    const r = await run('npx', ['--no-install', 'eks-access', '--version'], { cwd: ROOT });
    expect(r).toMatchObject({ code: 0, stdout: `${PKG.version}\n` });
  });

  it('kubectl runs it as the eks-access plugin (kubectl eks-access ...)', async () => {
    const path = mkdtempSync(join(tmpdir(), 'kubectl-plugin-'));
    try {
      symlinkSync(join(ROOT, PKG.bin[PLUGIN]), join(path, PLUGIN));
      const env = { ...process.env, PATH: `${path}${delimiter}${process.env.PATH}` };
      const list = await run('kubectl', ['plugin', 'list', '--name-only'], { env });
      expect(list.stdout.split('\n')).toContain(PLUGIN);
      const r = await run('kubectl', ['eks-access', 'who-can', '--fro'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^eks-access who-can: Unknown option '--fro'; did you mean --from\?\n/);
      expect((await run('kubectl', ['eks-access', '--version'], { env })).stdout).toBe(`${PKG.version}\n`);
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});

it('the krew manifest template renders to a Plugin whose executable is the plugin bin', () => {
  const template = readFileSync(join(ROOT, 'packaging', 'krew', 'eks-access.yaml'), 'utf8');
  // What krew-release-bot does with its placeholders.
  const rendered = template
    .replace(/\{\{addURIAndSha "([^"]+)" \.TagName \}\}/, (_m, uri: string) => `uri: ${uri}\n      sha256: ${'0'.repeat(64)}`)
    .replace(/\{\{ \.TagName \}\}/g, `v${PKG.version}`);
  expect(rendered).not.toContain('{{');
  const plugin = parse(rendered) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { version: string; platforms: Array<{ uri: string; bin: string }> } };
  expect(plugin).toMatchObject({ apiVersion: 'krew.googlecontainertools.github.com/v1alpha2', kind: 'Plugin', metadata: { name: 'eks-access' }, spec: { version: `v${PKG.version}` } });
  // kubectl maps the plugin name's dash to an underscore in the executable's name.
  expect(`kubectl-${plugin.metadata.name.replace(/-/g, '_')}`).toBe(PLUGIN);
  for (const p of plugin.spec.platforms) {
    expect(p.bin).toBe(PKG.bin[PLUGIN]);
    expect(p.uri).toMatch(new RegExp(`/releases/download/v${PKG.version}/${PLUGIN}\\.tar\\.gz$`));
  }
});
