/**
 * cdk8s and cdk8s-plus-28 are optional peer dependencies (package.json `peerDependenciesMeta`): npm does not install
 * them on its own. The package root also exports the cdk8s charts, so loading it without them must stop with a
 * message that names what is missing and how to install it, not Node's bare "Cannot find module 'cdk8s'" from deep
 * inside dist/. The peers are hidden from a real `node` process by a preload that makes their resolution fail as
 * it fails where they are not installed (MODULE_NOT_FOUND).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function loadWithout(hidden: string[]): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-eks-access-peers-'));
  const preload = join(dir, 'hide-peers.js');
  writeFileSync(preload, `
const Module = require('node:module');
const hidden = new Set(${JSON.stringify(hidden)});
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (hidden.has(request) || [...hidden].some((h) => request.startsWith(h + '/'))) {
    const e = new Error("Cannot find module '" + request + "'");
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return resolve.call(this, request, ...rest);
};
`);
  return new Promise((done) => {
    execFile(process.execPath, ['--require', preload, '-e', `require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'index.js'))})`], { timeout: 60_000 },
      (error, _stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        done({ code: error ? Number((error as { code?: number }).code ?? 1) || 1 : 0, stderr });
      });
  });
}

describe('the optional cdk8s peers', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'lib', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  });

  it('without cdk8s-plus-28, loading the package names it and the install command', async () => {
    const r = await loadWithout(['cdk8s-plus-28']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cdk-eks-access: .*cdk8s-plus-28.* not installed.*npm install cdk8s-plus-28 .*\[eks-access:cdk8s-peer-missing\]/);
  }, 90_000);

  it('without both, it names both', async () => {
    const r = await loadWithout(['cdk8s', 'cdk8s-plus-28']);
    expect(r.stderr).toMatch(/npm install cdk8s cdk8s-plus-28 /);
  }, 90_000);

  it('with both installed, the package loads', async () => {
    expect(await loadWithout([])).toEqual({ code: 0, stderr: expect.not.stringMatching(/cdk8s-peer-missing/) });
  }, 90_000);
});
