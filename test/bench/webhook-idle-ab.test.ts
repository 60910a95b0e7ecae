import { idleAbRows } from '../../bench/benches/webhook';
import type { NetnsRun } from '../../bench/workers/webhook-netns';

const run = (server: NetnsRun['server'], mode: NetnsRun['mode'], cpuMsPerRequest: number): NetnsRun => ({
  server, mode, sts: 'h2', connections: 16, reqPerSec: 1 / cpuMsPerRequest, p50Ms: 1, p99Ms: 2, errors: 0, cpuMsPerRequest,
  stsConnections: 0, stsRequests: 0, peakRssMb: 100,
});
const runsOf = (ours: number, go: number, floorSts: number, oursHit: number, floor: number): NetnsRun[] => [
  run('ours', 'unique', ours), run('go', 'unique', go), run('floor-sts', 'unique', floorSts),
  run('ours', 'repeated', oursHit), run('go', 'repeated', go), run('floor', 'repeated', floor),
];

describe('webhook benchmark: the idle-CPU A/B rows', () => {
  const rows = idleAbRows(runsOf(0.12, 0.09, 0.037, 0.048, 0.017), runsOf(0.17, 0.096, 0.039, 0.073, 0.019));

  test('each condition and token mode is its own case, held polling first, with ours against Go and against its floor', () => {
    expect([...new Set(rows.map((r) => r.case))]).toEqual([
      'Idle CPUs held polling: STS h2, unique tokens, c=16',
      'Idle CPUs held polling: STS h2, repeated tokens, c=16',
      'Idle CPUs as booted (halting): STS h2, unique tokens, c=16',
      'Idle CPUs as booted (halting): STS h2, repeated tokens, c=16',
    ]);
    const cpu = (c: string, metric: string) => rows.find((r) => r.case.includes(c) && r.metric === metric);
    expect(cpu('as booted (halting): STS h2, unique', 'server CPU per request')).toMatchObject({ ours: 0.17, baseline: 0.096 });
    expect(cpu('held polling: STS h2, repeated', 'server CPU per request, vs the Node HTTPS floor')).toMatchObject({ ours: 0.048, baseline: 0.017 });
  });

  test('they carry no target: the A/B says what the condition costs, it is not a verdict', () => {
    expect(rows.length).toBe(16);
    expect(rows.every((r) => r.target === '' && r.met === undefined)).toBe(true);
  });
});
