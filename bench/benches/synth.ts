/**
 * Benchmark 3: `cdk synth` of 500, 1,000 and 3,000 principals through `ClusterAccess` (bench/workers/synth-ours.ts)
 * against hand-written aws-cdk-lib L2 code split by hand into stacks under 500 resources (synth-plain.ts).
 */
import { pairedWorkers } from '../lib/paired';
import { BenchResult, BenchRow, row } from '../lib/result';

/** Principal counts and how many paired runs each gets (the 3,000 case takes about a minute per run). */
const CASES: ReadonlyArray<{ principals: number; runs: number }> = [
  { principals: 500, runs: 3 },
  { principals: 1000, runs: 3 },
  { principals: 3000, runs: 1 },
];

export async function run(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    process.stderr.write(`bench: synth ${c.principals} principals × ${c.runs}\n`);
    const m = pairedWorkers('synth-ours', 'synth-plain', [String(c.principals)], c.runs);
    const name = `${c.principals} principals`;
    const baselineName = 'aws-cdk-lib L2, hand-split';
    rows.push(
      row({ case: name, metric: 'synth wall', unit: 'ms', ours: m.ours.ms, baseline: m.baseline.ms, baselineName, target: { text: '≤ 1.2×', met: (r) => r <= 1.2 } }),
      row({ case: name, metric: 'peak RSS', unit: 'MiB', ours: m.ours.maxRssMiB, baseline: m.baseline.maxRssMiB, baselineName, target: { text: '≤ 1.2×', met: (r) => r <= 1.2 } }),
    );
  }
  return {
    name: 'synth',
    title: 'CDK synth at EKS scale: ClusterAccess vs hand-split aws-cdk-lib L2',
    rows,
    notes: [
      'Each run is a fresh Node process timing model building, construct creation and app.synth() to a cloud assembly on disk; peak RSS is the process maximum. ' +
        `Runs per size: ${CASES.map((c) => `${c.principals}: ${c.runs}`).join(', ')} (median; ours and baseline alternate).`,
      'Ours per principal: IAM user + access entry (namespaced AmazonEKSViewPolicy) + a Kubernetes group, plus 50 RBAC group grants in the model; ' +
        'ClusterAccess shards into nested stacks by itself. Baseline per principal: iam.User + eks.AccessEntry (no groups: the L2 has no kubernetesGroups), ' +
        '240 principals per stack.',
    ],
  };
}
