/**
 * `npm ci` (npm 11) runs the install scripts only of the dependencies package.json `allowScripts` names (npm/rfcs#868,
 * "install scripts policy"); without an entry it skips them with a warning — aws-lambda-ric's native build, esbuild's
 * binary check — and the tests fail later for a reason far from the cause. `.npmrc` sets `strict-allow-scripts`, so an
 * unreviewed one fails the install instead; here the list must be exactly the locked packages with install scripts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (f: string): unknown => JSON.parse(readFileSync(join(ROOT, f), 'utf8'));

describe('install scripts', () => {
  it('allowScripts names exactly the locked packages that have install scripts', () => {
    const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages).filter(([path, p]) => path && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)).sort();
    expect(withScripts.length).toBeGreaterThan(0);
    const { allowScripts } = read('package.json') as { allowScripts?: Record<string, boolean> };
    expect(Object.keys(allowScripts ?? {}).sort()).toEqual(withScripts);
    expect(Object.values(allowScripts ?? {}).every((v) => v === true)).toBe(true);
  });

  it('an unreviewed install script fails the install (.npmrc strict-allow-scripts)', () => {
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^strict-allow-scripts=true$/m);
  });

  it('npm itself finds no unreviewed install script in the installed tree', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe('No packages with unreviewed install scripts.');
  }, 60_000);
});
