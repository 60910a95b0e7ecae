/**
 * API.md is the construct API's reference, generated from the jsii assembly (`.jsii`, written by `npm run build`) with
 * jsii-docgen (https://github.com/cdklabs/jsii-docgen), the generator Construct Hub uses for its API pages. The
 * committed file must be what `npm run docgen` writes from the current assembly: a public API change without a
 * regenerated API.md fails here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('API.md', () => {
  let scratch: string;

  beforeAll(() => {
    if (!existsSync(join(ROOT, '.jsii'))) throw new Error('.jsii is missing: run `npm run build` first (npm test does)');
    scratch = mkdtempSync(join(tmpdir(), 'cdk-eks-access-docgen-'));
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('is what jsii-docgen writes from the current assembly (regenerate with `npm run docgen`)', () => {
    const out = join(scratch, 'API.md');
    execFileSync(process.execPath, [require.resolve('jsii-docgen/bin/jsii-docgen'), '-o', out], {
      cwd: ROOT, stdio: 'pipe', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] },
    });
    const committed = readFileSync(join(ROOT, 'API.md'), 'utf8');
    const fresh = readFileSync(out, 'utf8');
    // On a mismatch, name the first differing line rather than printing two 300 KB strings.
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    expect(first === -1 && a.length === b.length ? 'fresh' : `stale from line ${first + 1}: ${JSON.stringify(a[first])} ≠ ${JSON.stringify(b[first])}`).toBe('fresh');
  });

  it('documents the construct API users reach first', () => {
    const api = readFileSync(join(ROOT, 'API.md'), 'utf8');
    for (const name of ['AccessModel', 'ClusterAccess', 'ClusterTarget', 'AccessChart', 'AuthenticatorFunction', 'AccessPolicy']) {
      expect({ name, documented: api.includes(`### ${name} <a name="${name}"`) }).toEqual({ name, documented: true });
    }
  });
});
