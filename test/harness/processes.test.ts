import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startProcess } from '../../harness/processes';

describe('startProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'processes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the child writes stdout and stderr straight to the log file: no pipe through this process', async () => {
    const log = join(dir, 'child.log');
    writeFileSync(log, 'earlier line\n');
    const p = startProcess('writer', process.execPath, ['-e', 'process.stdout.write("out line\\n"); process.stderr.write("err line\\n")'], log);
    // No stream to drain here: the child holds the file itself (as a container runtime hands a container its log).
    expect(p.child.stdout).toBeNull();
    expect(p.child.stderr).toBeNull();
    await once(p.child, 'exit');
    await p.stop();
    const text = readFileSync(log, 'utf8');
    expect(text.startsWith('earlier line\n')).toBe(true); // appended, not truncated
    expect(text).toContain('out line\n');
    expect(text).toContain('err line\n');
    expect(p.tail(2)).toMatch(/line/);
    expect(p.exited()).toBe(true);
  });

  test('logWriter parent: this process copies the output through pipes into the same file (a child in a memory cgroup of its own)', async () => {
    const log = join(dir, 'piped.log');
    const p = startProcess('piped', process.execPath, ['-e', 'process.stdout.write("out line\\n"); process.stderr.write("err line\\n")'], log, { logWriter: 'parent' });
    expect(p.child.stdout).not.toBeNull();
    await once(p.child, 'close');
    await p.stop();
    // The write stream flushes after 'close': wait for the lines, within a bound.
    const deadline = Date.now() + 5000;
    let text = readFileSync(log, 'utf8');
    while (!(text.includes('out line') && text.includes('err line')) && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
      text = readFileSync(log, 'utf8');
    }
    expect(text).toContain('out line\n');
    expect(text).toContain('err line\n');
  });

  test('a command that cannot start leaves its reason in the log', async () => {
    const log = join(dir, 'missing.log');
    const p = startProcess('missing', join(dir, 'no-such-program'), [], log);
    await p.stop(); // resolves: the process never ran
    expect(p.exited()).toBe(true);
    expect(readFileSync(log, 'utf8')).toMatch(/spawn error: .*ENOENT/);
  });
});
