/**
 * `eks-access risks --from PATH... [--output json] [--fail-on SEVERITY]`: the catalogue's dangerous permissions
 * (rbac-anchors §5) and the principals holding them. Exit 0, or 1 with `--fail-on` when a finding is at least that
 * severe (for CI).
 */
import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, UsageError, checkOutput, loadAnalysis, usageErrors, printWarnings, reportError, resolverOf, wantsJson } from '../../lib/analysis/cli-support';
import { Severity } from '../../lib/analysis/risk-catalogue';
import { findRisks } from '../../lib/analysis/risks';
import { renderTable } from '../../lib/analysis/text-table';

const USAGE = 'usage: eks-access risks --from PATH... [--output json] [--fail-on critical|high|medium|low]';
const LEVELS: Severity[] = ['critical', 'high', 'medium', 'low'];

export async function run(argv: string[]): Promise<number> {
  const json = wantsJson(argv);
  try {
    const { values, positionals } = usageErrors(() => parseArgs({ args: argv, options: { ...COMMON_OPTIONS, 'fail-on': { type: 'string' } }, allowPositionals: true, strict: true }));
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    checkOutput(values.output);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
    const failOn = values['fail-on'] as Severity | undefined;
    if (failOn !== undefined && !LEVELS.includes(failOn)) throw new UsageError(`--fail-on must be one of ${LEVELS.join(', ')}, not '${failOn}'`);
    const analysis = await loadAnalysis(values);
    const resolver = resolverOf(analysis);
    printWarnings([...analysis.sources.warnings, ...resolver.mappingErrors()]);
    const findings = await findRisks(analysis, resolver);
    if (json) process.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
    else if (!findings.length) process.stdout.write('no risky permissions found\n');
    else process.stdout.write(renderTable(['SEVERITY', 'RISK', 'HOLDER', 'SCOPE', 'GRANTED BY'], findings.map((f) => [f.severity.toUpperCase(), f.risk, `${f.holderKind} ${f.holder}`, f.scope, f.via])));
    const failing = failOn !== undefined && findings.some((f) => LEVELS.indexOf(f.severity) <= LEVELS.indexOf(failOn));
    return failing ? 1 : 0;
  } catch (e) {
    return reportError(e, json);
  }
}
