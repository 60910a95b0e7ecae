/**
 * bin/closed-pipe.ts through real pipes (made by python3, which can hand a child a pipe whose read end is already
 * closed, or a non-blocking one): `runAsProcess` hooks stdout when a command first uses it, and `writeStdoutSync`
 * (the `token` command's one write) keeps the stream's rules without creating the stream.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const CLOSED_PIPE = join(ROOT, 'bin', 'closed-pipe');
const RUN_PROCESS = join(ROOT, 'bin', 'run-process');

/** `script` in a Node child (sources through ts-node) whose stdout is the pipe `setup` prepares; prints what python saw. */
function nodeOnPipe(script: string, setup: 'closed' | 'non-blocking') {
  const python = [
    'import os, subprocess, sys',
    'r, w = os.pipe()',
    setup === 'closed' ? 'os.close(r)' : 'os.set_blocking(w, False)',
    'p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)',
    'os.close(w)',
    'n = 0',
    ...(setup === 'closed' ? [] : ['while True:', '    b = os.read(r, 65536)', '    if not b: break', '    n += len(b)']),
    'err = p.stderr.read().decode()',
    'sys.stdout.write("%d %d %s" % (p.wait(), n, err))',
  ].join('\n');
  const res = spawnSync('python3', ['-c', python, process.execPath, '-r', 'ts-node/register/transpile-only', '-e', script], {
    encoding: 'utf8', cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') }, timeout: 60_000,
  });
  return res.stdout;
}

test('runAsProcess: a command that creates stdout after start-up still ends quietly on a closed pipe, with its exit code', () => {
  const script = `require(${JSON.stringify(RUN_PROCESS)}).runAsProcess(async () => {
    for (let i = 0; i < 64; i++) process.stdout.write('x'.repeat(16384));
    return 3;
  });`;
  expect(nodeOnPipe(script, 'closed')).toBe('3 0 ');
});

test('writeStdoutSync: a closed pipe drops the text quietly', () => {
  const script = `const p = require(${JSON.stringify(CLOSED_PIPE)}); p.claimRawStdout(); p.writeStdoutSync('token\\n'); process.exitCode = 4;`;
  expect(nodeOnPipe(script, 'closed')).toBe('4 0 ');
});

test('writeStdoutSync without claimRawStdout (the command run in-process) writes through process.stdout', () => {
  const script = `const p = require(${JSON.stringify(CLOSED_PIPE)}); let seen = '';
    process.stdout.write = (t) => { seen += t; return true; };
    p.writeStdoutSync('token\\n'); require('node:fs').writeSync(2, JSON.stringify(seen));`;
  expect(nodeOnPipe(script, 'closed')).toBe('0 0 "token\\n"');
});

// 4 MiB through a 64 KiB pipe whose reader is another process: write(2) on the non-blocking descriptor fails with
// EAGAIN whenever the reader lags, and the rest goes through process.stdout's queue; every byte arrives either way.
test('writeStdoutSync: a non-blocking pipe gets every byte, in order of one write', () => {
  const size = 4 * 1024 * 1024;
  const script = `const p = require(${JSON.stringify(CLOSED_PIPE)}); p.claimRawStdout(); p.writeStdoutSync('x'.repeat(${size - 1}) + '\\n');`;
  expect(nodeOnPipe(script, 'non-blocking')).toBe(`0 ${size} `);
});
