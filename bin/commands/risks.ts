/**
 * `eks-access risks --from PATH... [-o text|json|yaml] [--fail-on SEVERITY]`: the catalogue's dangerous permissions (after
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/) and the principals holding them. Exit 0, or 1 with
 * `--fail-on` when a finding is at least that severe (for CI).
 */
import { COMMON_OPTIONS, analysisCommand, loadAnalysis, noPositionals, printWarnings, resolverOf } from './analysis-command';
import { UsageError } from './cli-flags';
import { Severity } from '../../lib/analysis/risk-catalogue';
import { findRisks } from '../../lib/analysis/risks';
import { renderTable } from './text-table';
import { printStructured } from './structured-output';

import { COMMON_FLAG_HELP } from './analysis-flags';
import { CommandHelp } from './help';

const LEVELS: Severity[] = ['critical', 'high', 'medium', 'low'];

export const OPTIONS = { ...COMMON_OPTIONS, 'fail-on': { type: 'string' } } as const;

export const HELP: CommandHelp = {
  name: 'risks',
  synopsis: '--from PATH... [options]',
  summary: 'Offline: the dangerous permissions of the RBAC good-practices catalogue, who holds them, where, and what grants them.',
  flags: [
    ...COMMON_FLAG_HELP.slice(0, -1),
    { name: 'fail-on', value: 'SEVERITY', choices: LEVELS, default: 'none: always exit 0', meaning: `exit 1 when a finding is at least this severe (${LEVELS.join(', ')})` },
    ...COMMON_FLAG_HELP.slice(-1),
  ],
  notes: 'Exit codes: 0 done, 1 a finding reached --fail-on, 2 usage or input error.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, format) => {
  noPositionals(positionals, HELP);
  const failOn = values['fail-on'] as Severity | undefined;
  if (failOn !== undefined && !LEVELS.includes(failOn)) throw new UsageError(`--fail-on must be one of ${LEVELS.join(', ')}, not '${failOn}'`);
  const analysis = await loadAnalysis(values);
  const resolver = resolverOf(analysis);
  printWarnings([...analysis.sources.warnings, ...resolver.mappingErrors()], HELP.name);
  const findings = await findRisks(analysis, resolver);
  if (format !== 'text') printStructured({ findings }, format);
  else if (!findings.length) process.stdout.write('no risky permissions found\n');
  else process.stdout.write(renderTable(['SEVERITY', 'RISK', 'HOLDER', 'SCOPE', 'GRANTED BY'], findings.map((f) => [f.severity.toUpperCase(), f.risk, `${f.holderKind} ${f.holder}`, f.scope, f.via])));
  const failing = failOn !== undefined && findings.some((f) => LEVELS.indexOf(f.severity) <= LEVELS.indexOf(failOn));
  return failing ? 1 : 0;
});
