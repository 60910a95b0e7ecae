/**
 * `eks-access report --from PATH... [--out access-report.html] [-o text|json|yaml]`: one self-contained HTML page with
 * principals × scopes × resources × verbs, filterable, risks highlighted. `-o json|yaml` prints the report data
 * instead of writing HTML.
 */
import { promises as fs } from 'node:fs';
import { COMMON_OPTIONS, analysisCommand, loadAnalysis, noPositionals, printWarnings, resolverOf } from './analysis-command';
import { buildReportData } from '../../lib/analysis/report/report-data';
import { renderReportHtml } from '../../lib/analysis/report/report-html';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';

import { COMMON_FLAG_HELP } from './analysis-flags';
import { createProgress } from './progress';
import { CommandHelp } from './help';

export const OPTIONS = { ...COMMON_OPTIONS, out: { type: 'string' } } as const;

export const HELP: CommandHelp = {
  name: 'report',
  synopsis: '--from PATH... [options]',
  summary: 'Offline: one self-contained HTML page with the risks and every principal × scope × resource × verbs, filterable.',
  flags: [
    ...COMMON_FLAG_HELP.slice(0, -1),
    { name: 'out', value: 'FILE', default: 'access-report.html', meaning: 'where to write the page (with -o json or yaml the report data goes to stdout instead)' },
    ...COMMON_FLAG_HELP.slice(-1),
  ],
  notes: 'Exit codes: 0 written, 2 usage or input error.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, output) => {
  noPositionals(positionals, HELP);
  const analysis = await loadAnalysis(values);
  const resolver = resolverOf(analysis);
  // Progress only on a terminal and never with -o json|yaml (bin/commands/progress.ts decides); lib reports phases.
  const progress = createProgress({ quiet: output !== 'text' });
  const data = await buildReportData(analysis, resolver, new Date(), progress.update).finally(() => progress.done());
  if (output !== 'text') {
    printStructured(data, output);
    return 0;
  }
  printWarnings(data.warnings, HELP.name);
  const out = values.out ?? 'access-report.html';
  await fs.writeFile(out, renderReportHtml(data));
  process.stdout.write(safeLines([`wrote ${out}: ${data.rows.length} access rows, ${data.findings.length} risk findings`]));
  return 0;
});
