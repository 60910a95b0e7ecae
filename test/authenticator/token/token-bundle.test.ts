/**
 * The `token` bundle the package ships (scripts/bundle-token.ts → dist/token/eks-access-token.js, run by
 * bin/eks-access.ts for `token`): built here from the sources, run in a fresh Node process, it prints the same
 * token as the library, and it carries none of the CLI's other parts (server, analysis, logging).
 */
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken } from '../../../authenticator/token';
import { transformSync } from 'esbuild';
import { sha256Hex } from '../../../authenticator/token/sha256-hex';
import { bundleToken } from '../../../scripts/bundle-token';
import { Hash as BundleHash, sha256Hex as bundleSha256Hex } from '../../../scripts/token-bundle/sha256-js';

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'token-bundle-'));
  // The package's layout: dist/bin/eks-access.js beside dist/token/ (the bin compiled alone, as tsc emits it).
  bundle = await bundleToken(join(dir, 'token'));
  mkdirSync(join(dir, 'bin'));
  const bin = transformSync(readFileSync(join(__dirname, '../../../bin/eks-access.ts'), 'utf8'), { loader: 'ts', format: 'cjs', platform: 'node' });
  writeFileSync(join(dir, 'bin', 'eks-access.js'), bin.code);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

test('run(argv) from the bundle prints the library\'s token for the same second', async () => {
  const script = `require(${JSON.stringify(bundle)}).run(['-i', 'prod', '--token-only']).then((c) => { process.exitCode = c; });`;
  const before = Date.now();
  const res = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH, HOME: dir, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    },
  });
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  const printed = res.stdout.trim();
  const url = new URL(Buffer.from(printed.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
  const signedAt = new Date(url.searchParams.get('X-Amz-Date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  expect(signedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  const expected = await generateToken({ clusterId: 'prod', region: 'eu-west-1', credentials: CREDENTIALS, now: signedAt });
  expect(printed).toBe(expected.token);
});

/** Runs `script` in a fresh Node whose standard output is a pipe whose read end was closed before it started. */
function withClosedStdout(script: string) {
  const closedPipe = 'import os, subprocess, sys\nr, w = os.pipe()\nos.close(r)\n' +
    'p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)\n' +
    'sys.stdout.write(str(p.returncode) + "\\n" + p.stderr.decode())';
  return spawnSync('python3', ['-c', closedPipe, process.execPath, '-e', script], { encoding: 'utf8', env: { ...ENV(), PATH: process.env.PATH } });
}

const ENV = () => ({
  HOME: dir, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
});

// kubectl starts `token` for every request without a cached credential: through the entry (bin/token-entry.ts, which
// claims standard output) it prints with one write(2) and never creates process.stdout, whose stream (net for a pipe,
// tty, a file stream) costs start-up time (node:crypto loads the stream base modules anyway).
test('eks-access token prints without creating process.stdout (no net, tty or file stream loaded)', () => {
  const probe = join(dir, 'probe.js');
  writeFileSync(probe, `process.on('exit', (code) => require('node:fs').writeSync(2, JSON.stringify({ code, streams: process.moduleLoadList.filter((m) =>
    ['NativeModule net', 'NativeModule tty', 'NativeModule internal/fs/sync_write_stream'].includes(m)) })));`);
  const res = spawnSync(process.execPath, ['-r', probe, join(dir, 'bin', 'eks-access.js'), 'token', '-i', 'prod'], {
    encoding: 'utf8', env: { ...ENV(), PATH: process.env.PATH, EKS_ACCESS_CODE_CACHE_DIR: join(dir, 'probe-cache') },
  });
  expect(JSON.parse(res.stderr)).toEqual({ code: 0, streams: [] });
  expect(JSON.parse(res.stdout)).toMatchObject({ kind: 'ExecCredential', status: { token: expect.stringMatching(/^k8s-aws-v1\./) } });
});

// node:crypto (with the node:stream modules its cipher module loads) was the largest part of a `token` run above Node's
// own start-up: signing and the --cache-token file name use a pure-JS SHA-256, the code cache's key is stamped at build
// time, and what else needs node:crypto (private files' random names) loads it lazily (scripts/bundle-token.ts).
test('a plain eks-access token run loads neither node:crypto nor node:stream (nor os, module); --cache-token still works', () => {
  const probe = join(dir, 'probe-crypto.js');
  writeFileSync(probe, `process.on('exit', () => require('node:fs').writeSync(2, JSON.stringify(process.moduleLoadList.filter((m) =>
    /^NativeModule (crypto|stream|zlib|fs\\/promises|os|module|internal\\/crypto\\/.*)$/.test(m)))));`);
  const cli = (...args: string[]) => spawnSync(process.execPath, ['-r', probe, join(dir, 'bin', 'eks-access.js'), 'token', '-i', 'prod', ...args], {
    encoding: 'utf8', env: { ...ENV(), PATH: process.env.PATH, EKS_ACCESS_CODE_CACHE_DIR: join(dir, 'crypto-cache'), EKS_ACCESS_TOKEN_CACHE_DIR: join(dir, 'tokens') },
  });
  const loaded = (res: ReturnType<typeof cli>) => {
    expect(res.status).toBe(0);
    return JSON.parse(res.stderr) as string[];
  };
  // The first run writes the code cache (a private file of random name: node:crypto's randomBytes, loaded then).
  expect(loaded(cli())).toContain('NativeModule crypto');
  expect(readdirSync(join(dir, 'crypto-cache'))).toHaveLength(1);
  const plain = cli();
  expect(loaded(plain)).toEqual([]);
  expect(JSON.parse(plain.stdout)).toMatchObject({ status: { token: expect.stringMatching(/^k8s-aws-v1\./) } });
  // Writing the token cache file loads it (its temporary file's random name); a hit, which only reads, does not.
  const written = cli('--cache-token');
  expect(loaded(written)).toContain('NativeModule crypto');
  const [tokenFile] = readdirSync(join(dir, 'tokens'));
  const hit = cli('--cache-token');
  expect([loaded(hit), hit.stdout]).toEqual([[], written.stdout]);
  expect(readdirSync(join(dir, 'tokens'))).toEqual([tokenFile]);
});

// The bundle's pure-JS SHA-256 (scripts/token-bundle/sha256-js.ts) in place of node:crypto's: the same digests.
test('the bundle\'s SHA-256 stand-ins give node:crypto\'s digests', async () => {
  const inputs = ['', 'abc', 'ü€𝄞 '.repeat(40), 'x'.repeat(1000)];
  for (const input of inputs) {
    expect(bundleSha256Hex(input)).toBe(sha256Hex(input));
    expect(bundleSha256Hex(Buffer.from(input))).toBe(sha256Hex(input));
    for (const key of ['k', 'k'.repeat(100)]) {
      const ours = new BundleHash('sha256', key);
      ours.update(input);
      expect(Buffer.from(await ours.digest()).toString('hex')).toBe(createHmac('sha256', key).update(input).digest('hex'));
    }
  }
  expect(() => new BundleHash('md5')).toThrow('sha256 only');
});

// The code cache's key (bin/code-cache.ts) is the bundle's first line, which the bundler writes: the SHA-256 of the rest.
test('the bundle\'s first line is the SHA-256 of the rest of it', () => {
  const code = readFileSync(bundle);
  const newline = code.indexOf(10);
  expect(code.subarray(0, newline).toString()).toBe(`// sha256:${createHash('sha256').update(code.subarray(newline + 1)).digest('hex')}`);
});

test('a reader that closed the pipe before the token was printed: exit 0, nothing on stderr', () => {
  const res = withClosedStdout(`process.argv = [process.execPath, 'eks-access', 'token', '-i', 'prod']; require(${JSON.stringify(join(dir, 'token', 'eks-access-token-entry.js'))}).runTokenProcess(${JSON.stringify(bundle)});`);
  expect(res.stdout).toBe('0\n');
});

// kubectl's hot path: `eks-access token` loads the bin and ONE bundled entry through Node's module loader (the token
// bundle itself is compiled through the code cache, not require), and a second run compiles from the cache.
test('eks-access token loads two modules, keeps the CLI frame\'s usage error, and writes the code cache', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'bin', 'eks-access.js'), 'token', ...args], {
    encoding: 'utf8', env: { ...ENV(), PATH: process.env.PATH, NODE_DEBUG: 'module', EKS_ACCESS_CODE_CACHE_DIR: join(dir, 'code-cache') },
  });
  const first = cli('-i', 'prod');
  expect(first.status).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ kind: 'ExecCredential', status: { token: expect.stringMatching(/^k8s-aws-v1\./) } });
  const loaded = [...first.stderr.matchAll(/^MODULE \d+: load "([^"]+)"/gm)].map((m) => m[1]);
  expect(loaded).toEqual([join(dir, 'bin', 'eks-access.js'), join(dir, 'token', 'eks-access-token-entry.js')]);
  expect(readdirSync(join(dir, 'code-cache'))).toEqual([expect.stringMatching(/^eks-access-token\.js-.*\.v8cache$/)]);
  const usage = cli();
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/^eks-access token: cluster ID not specified \(-i\/--cluster-id\)\nusage: eks-access token -i CLUSTER_ID/m);
});

test('the bundle holds the token path only', () => {
  const code = readFileSync(bundle, 'utf8');
  for (const absent of ['TokenReview', 'pino', 'prom-client', 'node-forge', 'ClusterRoleBinding']) expect(code).not.toContain(absent);
  expect(code).not.toMatch(/sourceMappingURL/);
});

// The SDK's ES-module builds, tree-shaken (scripts/bundle-token.ts, MAIN_FIELDS): SigV4 without the rest of
// @smithy/core (its serde and protocols, 130 KB of the CommonJS build's 164 KB), which every kubectl call would read.
test('the bundle carries @smithy/core\'s SigV4 dependencies only, not its serde or protocols', () => {
  const code = readFileSync(bundle, 'utf8');
  for (const absent of ['NumericValue', 'LazyJsonString', 'HttpBindingProtocol', 'RpcProtocol', 'createChecksumStream']) expect(code).not.toContain(absent);
  expect(code).toContain('AWS4-HMAC-SHA256');
  expect(Buffer.byteLength(code)).toBeLessThan(64 * 1024);
});
