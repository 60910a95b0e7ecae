/**
 * What a long analysis step has done so far. lib/ reports it through an optional callback and knows nothing of
 * terminals; the CLI draws it (bin/commands/progress.ts, whose `ProgressEvent` has this shape).
 */
export interface AnalysisProgress {
  /** What is being done, e.g. `report: risks`. */
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

export type OnProgress = (event: AnalysisProgress) => void;
