import { hostLine, toMarkdown } from '../../bench/lib/report';
import type { MachineFacts } from '../../bench/lib/machine';
import type { BenchResult } from '../../bench/lib/result';

const latest: MachineFacts = {
  date: '2026-12-07T20:00:00.000Z', cores: 2, cpu: 'Intel(R) Xeon(R) Processor', memoryGiB: 24, node: 'v22.23.5',
  go: 'go version go1.26.8 linux/amd64', platform: 'linux 6.18.44 x64',
};
const earlier: MachineFacts = { ...latest, date: '2026-12-07T16:58:00.000Z', cpu: 'AMD EPYC', conditions: '1-min load average 0.9 as it started, 2.0 as it ended' };
const result = (name: string, machine?: MachineFacts): BenchResult => ({ name, title: `Title ${name}`, rows: [], notes: [], machine });

describe('benchmark report: every result under its own host', () => {
  test('a stamped result names its own CPU, date and load, not the latest run\'s', () => {
    expect(hostLine(result('webhook', earlier))).toBe(
      'Host: AMD EPYC, 2 cores, 24 GiB, linux 6.18.44 x64; Node v22.23.5; measured 2026-12-07T16:58:00.000Z; 1-min load average 0.9 as it started, 2.0 as it ended.');
  });

  test('a result recorded before stamps says so instead of borrowing the header\'s machine', () => {
    expect(hostLine(result('synth'))).toMatch(/^Host: not recorded/);
    expect(hostLine(result('synth'))).not.toContain('Intel');
  });

  test('the markdown puts each result\'s host under its heading, results of two hosts side by side', () => {
    const md = toMarkdown(latest, [result('webhook', earlier), result('webhook-2cores', latest), result('synth')]);
    const sections = md.split('\n## ').slice(1);
    expect(sections).toHaveLength(3);
    expect(sections[0]).toMatch(/^Title webhook\n\nHost: AMD EPYC,/);
    expect(sections[1]).toMatch(/^Title webhook-2cores\n\nHost: Intel\(R\) Xeon\(R\) Processor,/);
    expect(sections[2]).toMatch(/^Title synth\n\nHost: not recorded/);
    expect(md).toContain('Latest run 2026-12-07T20:00:00.000Z on Intel(R) Xeon(R) Processor, 2 cores, 24 GiB');
  });

  test('the header and a Host line name one machine in the same words', () => {
    const md = toMarkdown(latest, [result('webhook-2cores', latest)]);
    const machine = 'Intel(R) Xeon(R) Processor, 2 cores, 24 GiB, linux 6.18.44 x64; Node v22.23.5';
    expect(md).toContain(`Latest run 2026-12-07T20:00:00.000Z on ${machine}; go version go1.26.8 linux/amd64.`);
    expect(md).toContain(`Host: ${machine}; measured 2026-12-07T20:00:00.000Z.`);
  });
});
