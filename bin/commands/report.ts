/**
 * `eks-access report --from PATH... [--out access-report.html] [--output json]`: one self-contained HTML page with
 * principals × scopes × resources × verbs, filterable, risks highlighted. `--output json` prints the report data
 * instead of writing HTML.
 */
import { parseArgs } from 'node:util';
import { promises as fs } from 'node:fs';
import { COMMON_OPTIONS, UsageError, checkOutput, loadAnalysis, usageErrors, printWarnings, reportError, resolverOf, wantsJson } from '../../lib/analysis/cli-support';
import { buildReportData } from '../../lib/analysis/report/report-data';
import { renderReportHtml } from '../../lib/analysis/report/report-html';

const USAGE = 'usage: eks-access report --from PATH... [--out access-report.html] [--output json]';

export async function run(argv: string[]): Promise<number> {
  const json = wantsJson(argv);
  try {
    const { values, positionals } = usageErrors(() => parseArgs({ args: argv, options: { ...COMMON_OPTIONS, out: { type: 'string' } }, allowPositionals: true, strict: true }));
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
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
    printWarnings(data.warnings);
    const out = values.out ?? 'access-report.html';
    await fs.writeFile(out, renderReportHtml(data));
    process.stdout.write(`wrote ${out}: ${data.rows.length} access rows, ${data.findings.length} risk findings\n`);
    return 0;
  } catch (e) {
    return reportError(e, json);
  }
}
