/**
 * Measures what a Python user downloads: `jsii-pacmak --targets js,python` of the built package (into a temp dir),
 * then the wheel's size, the npm tarball it embeds (the jsii runtime loads that tarball into its Node.js process) and
 * what that tarball holds, grouped by top-level folder and bundled dependency. Writes bench/results/wheel.{md,json}.
 *
 *   npm run bench:wheel      (builds first; needs python3 with venv, and PyPI for pacmak's build tools)
 *
 * Bounded by: the `files` of package.json (everything npm publishes is in the wheel too) and the bundledDependencies
 * (only `yaml`; the CLI's and the authenticator's dependencies are optionalDependencies, which jsii leaves out).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const ROOT = join(__dirname, '..');
// ts-node runs this from bench/; the compiled copy runs from dist/bench.
const REPO = readdirSync(ROOT).includes('package.json') ? ROOT : join(ROOT, '..');

/** Entries of a tar archive (ustar headers, 512-byte blocks): name and size of each regular file. */
function tarEntries(tar: Buffer): { name: string; size: number }[] {
  const out: { name: string; size: number }[] = [];
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number): string => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const body = tar.subarray(off + 512, off + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '') {
      out.push({ name: longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100)), size });
      longName = undefined;
    } else longName = undefined;
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** `package/dist/lib/x.js` → `dist/lib`; `package/node_modules/yaml/…` → `node_modules/yaml`. */
function groupOf(name: string): string {
  const parts = name.replace(/^package\//, '').split('/');
  if (parts[0] === 'node_modules') return parts.slice(0, parts[1].startsWith('@') ? 3 : 2).join('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : parts[0];
}

function main(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'cdk-eks-access-wheel-'));
  try {
    const started = Date.now();
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'), '--targets', 'js,python', '--outdir', scratch],
      { cwd: REPO, stdio: 'inherit' });
    const pacmakSeconds = (Date.now() - started) / 1000;
    const wheelName = readdirSync(join(scratch, 'python')).find((f) => f.endsWith('.whl'))!;
    const wheelBytes = statSync(join(scratch, 'python', wheelName)).size;
    const tgzName = readdirSync(join(scratch, 'js')).find((f) => f.endsWith('.tgz'))!;
    const tgz = readFileSync(join(scratch, 'js', tgzName));
    const entries = tarEntries(gunzipSync(tgz));
    const groups = new Map<string, { files: number; bytes: number }>();
    for (const e of entries) {
      const g = groups.get(groupOf(e.name)) ?? { files: 0, bytes: 0 };
      groups.set(groupOf(e.name), { files: g.files + 1, bytes: g.bytes + e.size });
    }
    const byGroup = [...groups.entries()].map(([group, v]) => ({ group, ...v })).sort((a, b) => b.bytes - a.bytes);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; bundledDependencies: string[]; optionalDependencies: Record<string, string> };
    const result = {
      date: new Date().toISOString(),
      machine: `${cpus().length} cores, node ${process.version}, ${process.platform} ${process.arch}`,
      version: pkg.version,
      wheel: { file: wheelName, bytes: wheelBytes },
      npmTarball: { file: tgzName, gzipBytes: tgz.length, unpackedBytes: entries.reduce((s, e) => s + e.size, 0), files: entries.length },
      bundledDependencies: pkg.bundledDependencies,
      leftOut: Object.keys(pkg.optionalDependencies),
      byGroup,
      pacmakSeconds,
    };
    const kb = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
    const md = [
      '# Python wheel size',
      '',
      `Measured ${result.date} (${result.machine}) by \`npm run bench:wheel\` (bench/wheel-size.ts): \`jsii-pacmak --targets js,python\``,
      'of the built package into a temp dir, then the size of the wheel and of the npm tarball it embeds (the jsii runtime',
      "loads that tarball into its Node.js process), grouped by folder. The wheel is bounded by package.json's `files` and",
      '`bundledDependencies`: the CLI and the authenticator core need the AWS SDK, pino, prom-client and node-forge, which',
      'are `optionalDependencies` (npm installs them, jsii does not bundle them), so the wheel carries only `yaml` besides our',
      'own code. For comparison, the issue measured 6.5 MB with every runtime dependency bundled (not re-measured here).',
      '',
      '| what | size |',
      '|---|---|',
      `| wheel \`${wheelName}\` | **${kb(wheelBytes)}** (${wheelBytes} bytes) |`,
      `| embedded npm tarball \`${tgzName}\` | ${kb(tgz.length)} gzipped, ${kb(result.npmTarball.unpackedBytes)} unpacked, ${entries.length} files |`,
      `| bundled dependencies | ${pkg.bundledDependencies.join(', ')} |`,
      `| left out (optionalDependencies) | ${result.leftOut.join(', ')} |`,
      '',
      '| folder in the tarball | files | unpacked |',
      '|---|---|---|',
      ...byGroup.map((g) => `| ${g.group} | ${g.files} | ${kb(g.bytes)} |`),
      '',
      `jsii-pacmak took ${pacmakSeconds.toFixed(0)} s (both targets).`,
      '',
    ].join('\n');
    writeFileSync(join(REPO, 'bench', 'results', 'wheel.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(REPO, 'bench', 'results', 'wheel.md'), md);
    process.stdout.write(md);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
