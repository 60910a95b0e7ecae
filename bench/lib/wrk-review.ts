/**
 * One wrk run of the webhook benchmarks' review script (bench/wrk/review.lua): POSTs a TokenReview per request with
 * the tokens of a file, from CPU `cpu` (taskset), and returns the JSON line the script prints at the end.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const WRK_SCRIPT = path.resolve(__dirname, '..', '..', '..', 'bench', 'wrk', 'review.lua');

export interface WrkResult {
  readonly requests: number;
  readonly durationUs: number;
  readonly errors: number;
  readonly rejected: number;
  readonly reused: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/**
 * Asynchronous on purpose: the servers' logs flow through pipes into the calling process (harness/processes.ts);
 * blocking there would leave them undrained, and a server blocks once its pipe is full (~80 Go log lines).
 */
export async function wrkReviews(opts: {
  readonly url: string; readonly connections: number; readonly seconds: number; readonly tokensFile: string;
  readonly mode: 'unique' | 'repeated'; readonly cpu: string;
}): Promise<WrkResult> {
  const out = await new Promise<string>((resolve, reject) =>
    execFile('taskset', ['-c', opts.cpu, 'wrk', '-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--timeout', '10s', '-s', WRK_SCRIPT,
      opts.url, '--', opts.tokensFile, opts.mode],
    { encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`bench: wrk failed: ${err.message} ${stderr}`)) : resolve(stdout))));
  const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
  if (!line) throw new Error(`bench: wrk printed no result: ${out}`);
  return JSON.parse(line) as WrkResult;
}
