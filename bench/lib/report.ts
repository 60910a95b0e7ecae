import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeMachine, MachineFacts } from './machine';
import { BenchResult, BenchRow } from './result';

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** The median, with min–max of the repetitions when known. */
function figure(median: number, range?: readonly [number, number]): string {
  return range ? `${fmt(median)} (${fmt(range[0])}–${fmt(range[1])})` : fmt(median);
}

function verdict(r: BenchRow): string {
  if (r.met === undefined) return '';
  return r.met ? 'met' : 'NOT met';
}

export function toMarkdown(machine: MachineFacts, results: readonly BenchResult[]): string {
  const lines = [
    '# Benchmark results',
    '',
    `Latest run ${machine.date} on ${describeMachine(machine)}; ${machine.go}.`,
    `Results of earlier runs are kept, each under its own "Host:" line. Every ratio is ours / baseline measured in the same run (medians; min–max of the repetitions in brackets where shown).`,
    ...(machine.conditions ? ['', `Load: ${machine.conditions}`] : []),
    '',
  ];
  for (const result of results) {
    lines.push(`## ${result.title}`, '', hostLine(result), '');
    lines.push('| case | metric | ours | baseline | ratio | target | verdict |', '|---|---|---|---|---|---|---|');
    for (const r of result.rows) {
      lines.push(
        `| ${r.case} | ${r.metric} (${r.unit}) | ${figure(r.ours, r.oursRange)} | ${figure(r.baseline, r.baselineRange)} (${r.baselineName}) | ${ratioText(r.ratio)} | ${r.target} | ${verdict(r)} |`,
      );
    }
    const explained = result.rows.filter((r) => r.explanation);
    for (const r of explained) lines.push('', `- **${r.case} — ${r.metric}**: ${r.explanation}`);
    for (const note of result.notes) lines.push('', `- ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Where and when a result was measured: its own stamp (bench/run.ts), or a note that it predates stamps. */
export function hostLine(result: BenchResult): string {
  const m = result.machine;
  if (!m) return 'Host: not recorded (measured before results carried their host; the header above is the latest run\'s machine, not necessarily this one\'s).';
  return `Host: ${describeMachine(m)}; measured ${m.date}` +
    `${m.conditions ? `; ${m.conditions}` : ''}.`;
}

/**
 * A ratio as the table shows it; against a zero baseline (ours opened 3 STS connections, Go none) it is undefined,
 * and latest.json holds it as null (JSON has no Infinity): shown as a dash.
 */
function ratioText(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '— (baseline 0)' : `${fmt(ratio)}×`;
}

export function writeResults(dir: string, machine: MachineFacts, results: readonly BenchResult[]): string[] {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const md = path.join(dir, 'RESULTS.md');
  writeFileSync(json, JSON.stringify({ machine, results }, null, 2) + '\n');
  writeFileSync(md, toMarkdown(machine, results));
  return [json, md];
}
