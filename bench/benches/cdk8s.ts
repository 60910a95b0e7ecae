/** Benchmark 4: cdk8s synth of 10,000 Roles + 10,000 RoleBindings through RbacChart against plain cdk8s-plus-28. */
import { pairedWorkers } from '../lib/paired';
import { BenchResult, row } from '../lib/result';

const COUNT = 10000;
const RUNS = 3;

export async function run(): Promise<BenchResult> {
  const m = pairedWorkers('cdk8s-ours', 'cdk8s-plain', [String(COUNT)], RUNS);
  const name = `${COUNT} roles + ${COUNT} bindings`;
  const baselineName = 'cdk8s-plus-28';
  return {
    name: 'cdk8s',
    title: 'cdk8s synth: RbacChart vs plain cdk8s-plus',
    rows: [
      row({ case: name, metric: 'synth wall', unit: 'ms', ours: m.ours.ms, baseline: m.baseline.ms, baselineName, target: { text: '≤ 1.2×', met: (r) => r <= 1.2 } }),
      row({ case: name, metric: 'synth CPU (user+sys)', unit: 'ms', ours: m.ours.cpuMs, baseline: m.baseline.cpuMs, baselineName, target: { text: '≤ 1.2×', met: (r) => r <= 1.2 } }),
      row({ case: name, metric: 'peak RSS', unit: 'MiB', ours: m.ours.maxRssMiB, baseline: m.baseline.maxRssMiB, baselineName }),
    ],
    notes: [
      `Median of ${RUNS} paired fresh-process runs; each builds the chart and calls app.synthYaml() in memory. ` +
        'Ours also validates every name, rule, subject and role reference (bench/workers/cdk8s-ours.ts).',
    ],
  };
}
