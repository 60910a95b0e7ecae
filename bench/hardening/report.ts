/** Writes a hardening run's figures to bench/results/<name>.json and its Markdown to bench/results/<name>.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineFacts } from '../lib/machine';

const RESULTS_DIR = path.resolve(__dirname, '..', '..', '..', 'bench', 'results');

export function writeReport(name: string, figures: object, markdown: readonly string[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = { ...machineFacts(), loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) };
  writeFileSync(path.join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ machine, figures }, null, 2)}\n`);
  writeFileSync(path.join(RESULTS_DIR, `${name}.md`), [
    ...markdown,
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; `
      + `load average at the end ${machine.loadAverage.join(' / ')} (1/5/15 min) — shared with other helpers' builds and tests. `
      + `Written ${machine.date}.`,
    '',
  ].join('\n'));
  process.stderr.write(`${name}: wrote ${path.join(RESULTS_DIR, `${name}.md`)}\n`);
}

/** A Markdown list of examples under a heading, or nothing when there are none. */
export function examples(title: string, list: readonly string[]): string[] {
  return list.length ? ['', `${title}:`, ...list.map((c) => `- ${c}`)] : [];
}

/** Runs a hardening run's `main` when its file is executed (`node dist/bench/hardening/NAME.js`). */
export function runMain(name: string, module: NodeJS.Module, main: () => Promise<void>): void {
  if (require.main !== module) return;
  main().catch((e: unknown) => {
    process.stderr.write(`${name}: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
