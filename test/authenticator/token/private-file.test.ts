/**
 * authenticator/token/private-file.ts, the one reader and writer of the CLI's cache files, against what an attacker can
 * put at a name: a FIFO (an open must not hang), an oversized file, a directory where a file should be; and what a
 * user legitimately has: a symlinked cache directory of their own, a restrictive umask.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CACHE_DIR_RULE, CACHE_FILE_RULE, privateDirectory, readPrivateFile, UnsafeCacheError, writePrivateFile,
} from '../../../authenticator/token/private-file';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'private-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => unknown): UnsafeCacheError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnsafeCacheError) return e;
    throw e;
  }
  throw new Error('not refused');
}

test('writes 0600 through a fresh temporary file whatever the umask, and reads back through one descriptor', () => {
  const file = path.join(dir, 'new', 'entry.json');
  const saved = process.umask(0o077);
  try {
    writePrivateFile(file, 'payload');
  } finally {
    process.umask(saved);
  }
  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(readPrivateFile(file)?.toString()).toBe('payload');
  expect(fs.readdirSync(path.dirname(file))).toEqual(['entry.json']);
  expect(readPrivateFile(path.join(dir, 'new', 'absent.json'))).toBeUndefined();
  expect(readPrivateFile(path.join(dir, 'no-such-dir', 'absent.json'))).toBeUndefined();
});

test('a FIFO planted at the name is refused at once instead of blocking the open', () => {
  const file = path.join(dir, 'fifo');
  execFileSync('mkfifo', [file]);
  const e = refusal(() => readPrivateFile(file));
  expect([e.ruleId, e.path, e.detail]).toEqual([CACHE_FILE_RULE, file, 'the cache file is not a regular file']);
});

test('a file larger than the bound is refused, naming both sizes', () => {
  const file = path.join(dir, 'big');
  fs.writeFileSync(file, Buffer.alloc(2048), { mode: 0o600 });
  expect(refusal(() => readPrivateFile(file, { maxBytes: 1024 })).detail).toBe('the cache file has 2048 bytes, more than the 1024 a cache file may have');
  expect(readPrivateFile(file, { maxBytes: 2048 })).toHaveLength(2048);
});

test('a symlink to a private directory of our own is followed once, and files are then addressed under its target', () => {
  const real = path.join(dir, 'real');
  fs.mkdirSync(real, { mode: 0o700 });
  const link = path.join(dir, 'link');
  fs.symlinkSync(real, link);
  expect(privateDirectory(link)).toBe(fs.realpathSync(real));
  writePrivateFile(path.join(link, 'f'), 'x');
  expect(fs.readFileSync(path.join(real, 'f'), 'utf8')).toBe('x');
});

test('a file where the directory should be, or a group-writable directory, is refused with the directory rule', () => {
  const notDir = path.join(dir, 'file');
  fs.writeFileSync(notDir, '');
  expect(refusal(() => privateDirectory(notDir)).ruleId).toBe(CACHE_DIR_RULE);
  const group = path.join(dir, 'group');
  fs.mkdirSync(group);
  fs.chmodSync(group, 0o770);
  const e = refusal(() => writePrivateFile(path.join(group, 'f'), 'x'));
  expect(e.message).toBe(`${group}: the cache directory is not private: mode 0770 has some of the bits 0022 (use a directory of your own, mode 0700); another user could replace the cache files in it [${CACHE_DIR_RULE}]`);
  expect(fs.readdirSync(group)).toEqual([]);
});
