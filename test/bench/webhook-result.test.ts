import { webhookResult } from '../../bench/benches/webhook';
import type { NetnsRun } from '../../bench/workers/webhook-netns';

type Sts = NetnsRun['sts'];
const run = (server: NetnsRun['server'], mode: NetnsRun['mode'], sts: Sts, connections: number, cpuMsPerRequest: number, p99Ms = 1): NetnsRun => ({
  server, mode, sts, connections, reqPerSec: 1 / cpuMsPerRequest, p50Ms: 0.5, p99Ms, errors: 0, cpuMsPerRequest,
  stsConnections: 0, stsRequests: 0, peakRssMb: 100,
});

/** Every case of a run: ours at `oursC1` ms per review one at a time and 0.117 ms at c=16/64, Go 0.15 and 0.09. */
function records(oursC1: number): NetnsRun[] {
  const out: NetnsRun[] = [];
  for (const sts of ['http/1.1', 'h2'] as const) {
    for (const c of [1, 16, 64]) {
      out.push(run('ours', 'unique', sts, c, c === 1 ? oursC1 : 0.117), run('go', 'unique', sts, c, c === 1 ? 0.15 : 0.09), run('floor-sts', 'unique', sts, c, 0.07));
      out.push(run('ours', 'repeated', sts, c, 0.05), run('go', 'repeated', sts, c, 0.09), run('floor', 'repeated', sts, c, 0.02));
    }
  }
  return out;
}

describe('webhook benchmark: a result rebuilt from its records', () => {
  test('a missed c=1 CPU target is explained by the c=1 profile, not by the c=64 one', () => {
    const result = webhookResult(1, records(0.22), [], 'held polling (test)');
    const c1 = result.rows.find((r) => r.case === 'STS HTTP/1.1: unique tokens, c=1' && r.metric === 'server CPU per request')!;
    expect(c1.met).toBe(false);
    expect(c1.explanation).toContain('perf record -g');
    expect(c1.explanation).toContain('0.070 ms per request');
    expect(c1.explanation).not.toContain('c=64');
    const h2c1 = result.rows.find((r) => r.case === 'STS h2: unique tokens, c=1' && r.metric === 'server CPU per request')!;
    expect(h2c1.met).toBe(false);
    expect(h2c1.explanation).toBe(c1.explanation);
    const h2c64 = result.rows.find((r) => r.case === 'STS h2: unique tokens, c=64' && r.metric === 'server CPU per request')!;
    expect(h2c64.met).toBe(false);
    expect(h2c64.explanation).toContain('unique-token run at c=64');
  });

  test('a met c=1 target carries no explanation', () => {
    const result = webhookResult(1, records(0.16), [], 'held polling (test)');
    const c1 = result.rows.find((r) => r.case === 'STS HTTP/1.1: unique tokens, c=1' && r.metric === 'server CPU per request')!;
    expect(c1.met).toBe(true);
    expect(c1.explanation).toBeUndefined();
  });

  test('the notes say how idle CPUs were held and that servers write their logs to files; two cores get their own name and note', () => {
    const one = webhookResult(1, records(0.16), [], 'held polling (test)');
    expect(one.name).toBe('webhook');
    expect(one.notes[0]).toContain('held polling (test)');
    expect(one.notes.some((n) => n.startsWith('Logs: each server writes its log lines straight to a file'))).toBe(true);
    expect(one.notes.some((n) => n.includes('drains'))).toBe(false);
    const two = webhookResult(2, records(0.16), [], 'held polling (test)');
    expect(two.name).toBe('webhook-2cores');
    expect(two.notes.at(-1)).toContain('BENCH_WEBHOOK_CORES=2');
  });
});
