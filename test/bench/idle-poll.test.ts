import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cpuLatencyTargetUs, CPU_LATENCY_DEVICE, HELD_DESCRIPTION, holdIdlePolling, idleConditionNote, withIdlePolling } from '../../bench/lib/idle-poll';
import { cpuIdleFacts } from '../../bench/lib/machine';
import { hostLine } from '../../bench/lib/report';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'idle-poll-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('holding idle CPUs polling for loopback benchmarks', () => {
  test('writes a 0 µs target as a 32-bit integer and keeps the file open until released', () => {
    const device = path.join(dir, 'cpu_dma_latency');
    writeFileSync(device, Buffer.from([0xff, 0xff, 0xff, 0x7f]));
    const idle = holdIdlePolling({ device, env: {} });
    expect(idle.held).toBe(true);
    expect(idle.description).toBe(HELD_DESCRIPTION);
    expect([...readFileSync(device)]).toEqual([0, 0, 0, 0]);
    idle.release();
    expect(idle.held).toBe(false);
    expect(() => idle.release()).not.toThrow();
  });

  test('a machine without the device is measured as booted, and the results say why', () => {
    const idle = holdIdlePolling({ device: path.join(dir, 'missing'), env: {} });
    expect(idle.held).toBe(false);
    expect(idle.description).toMatch(/^idle CPUs as the host booted them \(.*missing could not be held: ENOENT\)$/);
  });

  test('BENCH_IDLE_POLL=0 measures as booted without touching the device', () => {
    const device = path.join(dir, 'cpu_dma_latency');
    writeFileSync(device, 'untouched');
    const idle = holdIdlePolling({ device, env: { BENCH_IDLE_POLL: '0' } });
    expect(idle.held).toBe(false);
    expect(idle.description).toContain('BENCH_IDLE_POLL=0');
    expect(readFileSync(device, 'utf8')).toBe('untouched');
  });

  // The kernel's own answer, where this runs as root on Linux (CI's machine): reading the device gives the target in force.
  (cpuLatencyTargetUs() !== undefined ? test : test.skip)(`the kernel applies the target while it is held (${CPU_LATENCY_DEVICE})`, () => {
    const real = holdIdlePolling({ env: {} });
    try {
      expect(real.held).toBe(true);
      expect(cpuLatencyTargetUs()).toBe(0);
    } finally {
      real.release();
    }
    expect(real.held).toBe(false);
  });
});

/** Descriptors of this process open on `file` (Linux /proc). */
function openOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

describe('a loopback benchmark measured with idle CPUs held polling', () => {
  const result = { name: 'b', title: 'B', rows: [], notes: ['its own note'] };

  test('holds the device while it measures, lets go after, and puts the condition first in its notes', async () => {
    const device = path.join(dir, 'cpu_dma_latency');
    writeFileSync(device, Buffer.from([0xff, 0xff, 0xff, 0x7f]));
    let heldWhileMeasuring = 0;
    const measured = await withIdlePolling(async () => {
      heldWhileMeasuring = openOn(device);
      return result;
    }, { device, env: {} });
    expect(heldWhileMeasuring).toBe(1);
    expect([...readFileSync(device)]).toEqual([0, 0, 0, 0]);
    expect(openOn(device)).toBe(0);
    expect(measured.notes).toEqual([idleConditionNote(HELD_DESCRIPTION), 'its own note']);
  });

  test('lets go when the measurement fails, and the failure stays the caller\'s', async () => {
    const device = path.join(dir, 'cpu_dma_latency');
    writeFileSync(device, Buffer.from([1, 0, 0, 0]));
    await expect(withIdlePolling(async () => {
      throw new Error('wrk is missing');
    }, { device, env: {} })).rejects.toThrow('wrk is missing');
    expect(openOn(device)).toBe(0);
  });

  test('as booted, the note says why', async () => {
    const measured = await withIdlePolling(async () => result, { device: path.join(dir, 'missing'), env: {} });
    expect(measured.notes[0]).toMatch(/^Idle CPUs during the run: idle CPUs as the host booted them \(/);
  });
});

describe('the host line says how idle CPUs wait', () => {
  const sys = () => {
    mkdirSync(path.join(dir, 'devices/system/cpu/cpuidle'), { recursive: true });
    mkdirSync(path.join(dir, 'module/haltpoll/parameters'), { recursive: true });
    return dir;
  };

  test('haltpoll with its polling window, another driver by name, none when sysfs does not say', () => {
    const root = sys();
    expect(cpuIdleFacts(root)).toBeUndefined();
    writeFileSync(path.join(root, 'devices/system/cpu/cpuidle/current_driver'), 'haltpoll\n');
    writeFileSync(path.join(root, 'module/haltpoll/parameters/guest_halt_poll_ns'), '0\n');
    expect(cpuIdleFacts(root)).toBe('cpuidle haltpoll, polling 0 ns before a halt');
    writeFileSync(path.join(root, 'devices/system/cpu/cpuidle/current_driver'), 'intel_idle\n');
    expect(cpuIdleFacts(root)).toBe('cpuidle intel_idle');
  });

  test('a result stamped with it shows it beside the platform', () => {
    const line = hostLine({
      name: 'webhook', title: 't', rows: [], notes: [],
      machine: { date: 'd', cores: 2, cpu: 'Intel', memoryGiB: 24, node: 'v22', go: 'go', platform: 'linux 6.18 x64', cpuIdle: 'cpuidle haltpoll, polling 0 ns before a halt' },
    });
    expect(line).toContain('linux 6.18 x64 (cpuidle haltpoll, polling 0 ns before a halt); Node v22');
  });
});
