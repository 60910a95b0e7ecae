import type { MachineFacts } from './machine';

/** One measured comparison: ours against a baseline measured in the same run, with its target. */
export interface BenchRow {
  readonly case: string;
  readonly metric: string;
  readonly unit: string;
  readonly ours: number;
  readonly baseline: number;
  readonly baselineName: string;
  /** ours / baseline. */
  readonly ratio: number;
  /** Human-readable target, e.g. "≥ 1.5×" or "≤ 100 ms"; empty when the row is context only. */
  readonly target: string;
  /** Whether the target is met; undefined for context rows. */
  readonly met?: boolean;
  readonly explanation?: string;
  /** Min and max over the repetitions behind the medians, when there were several. */
  readonly oursRange?: readonly [number, number];
  readonly baselineRange?: readonly [number, number];
}

export interface BenchResult {
  readonly name: string;
  readonly title: string;
  readonly rows: readonly BenchRow[];
  readonly notes: readonly string[];
  /**
   * The machine this result was measured on, stamped by bench/run.ts when it finishes (`conditions`: the load as it
   * started and ended). latest.json keeps the results of earlier runs, which may have run on other hosts: the same
   * code's ratios to Go differ from one host's CPU to another's (docs/benchmarks.md, "Two hosts"), so a figure is
   * only read with its host. Absent on results recorded before stamps existed.
   */
  readonly machine?: MachineFacts;
}

/** A row as a benchmark states it: the measurements, and the target as a predicate; `row()` derives the rest. */
export interface RowInput extends Omit<BenchRow, 'ratio' | 'target' | 'met'> {
  readonly target?: { readonly text: string; readonly met: (ratio: number, ours: number) => boolean };
}

export function row(input: RowInput): BenchRow {
  // 0 / 0 (e.g. no errors on either side) is "the same", not infinitely worse.
  const ratio = input.baseline === 0 ? (input.ours === 0 ? 1 : Number.POSITIVE_INFINITY) : input.ours / input.baseline;
  return {
    case: input.case,
    metric: input.metric,
    unit: input.unit,
    ours: input.ours,
    baseline: input.baseline,
    baselineName: input.baselineName,
    ratio,
    target: input.target?.text ?? '',
    met: input.target ? input.target.met(ratio, input.ours) : undefined,
    explanation: input.explanation,
    oursRange: input.oursRange,
    baselineRange: input.baselineRange,
  };
}
