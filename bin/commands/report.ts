/**
 * `eks-access report --from PATH... [--out access-report.html] [--output json]`: one self-contained HTML page with
 * principals × scopes × resources × verbs, filterable, risks highlighted. `--output json` prints the report data
 * instead of writing HTML.
 */
import { parseArgs } from 'node:util';
import { promises as fs } from 'node:fs';
import { COMMON_OPTIONS, checkOutput, loadAnalysis, usageErrors, printWarnings, reportError, resolverOf } from './analysis-command';
import { UsageError, wantsJson } from './cli-flags';
import { buildReportData } from '../../lib/analysis/report/report-data';
import { renderReportHtml } from '../../lib/analysis/report/report-html';

import { COMMON_FLAG_HELP } from './analysis-flags';
import { CommandHelp, renderHelp, usageLine } from './help';

export const OPTIONS = { ...COMMON_OPTIONS, out: { type: 'string' } } as const;

export const HELP: CommandHelp = {
  name: 'report',
  synopsis: '--from PATH... [options]',
  summary: 'Offline: one self-contained HTML page with the risks and every principal × scope × resource × verbs, filterable.',
  flags: [
    ...COMMON_FLAG_HELP.slice(0, -1),
    { name: 'out', value: 'FILE', default: 'access-report.html', meaning: 'where to write the page (with --output json the report data goes to stdout instead)' },
    ...COMMON_FLAG_HELP.slice(-1),
  ],
  notes: 'Exit codes: 0 written, 2 usage or input error.',
};
const USAGE = usageLine(HELP);

export async function run(argv: string[]): Promise<number> {
  const json = wantsJson(argv);
  try {
    const { values, positionals } = usageErrors(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
    if (values.help) {
      process.stdout.write(renderHelp(HELP));
      return 0;
    }
    const output = checkOutput(values.output);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
    const analysis = await loadAnalysis(values);
    const resolver = resolverOf(analysis);
    const data = await buildReportData(analysis, resolver);
    if (output === 'json') {
      process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      return 0;
    }
    printWarnings(data.warnings, HELP.name);
    const out = values.out ?? 'access-report.html';
    await fs.writeFile(out, renderReportHtml(data));
    process.stdout.write(`wrote ${out}: ${data.rows.length} access rows, ${data.findings.length} risk findings\n`);
    return 0;
  } catch (e) {
    return reportError(e, json, HELP.name);
  }
}
