/**
 * `eks-access report --from PATH... [--out access-report.html] [-o text|json|yaml]`: one self-contained HTML page with
 * principals × scopes × resources × verbs, filterable, risks highlighted. `-o json|yaml` prints the report data
 * instead of writing HTML.
 * `--fleet DIR` instead of `--from`: the principal × cluster page (lib/analysis/fleet.ts) at `--out`, and each
 * cluster's own page beside it as `<out name>.<cluster>.html`, which the fleet page's cells link to.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fleetReportData, loadFleetAnalyses } from '../../lib/analysis/fleet';
import { renderFleetReportHtml } from '../../lib/analysis/report/fleet-report-html';
import { fleetClusterDir } from '../../lib/analysis/inputs/fleet-snapshot-format';
import { COMMON_OPTIONS, FLEET_OPTIONS, FleetClusterSelection, analysisCommand, checkFleetFlags, loadAnalysis, noPositionals, printWarnings, resolverOf } from './analysis-command';
import { buildReportData } from '../../lib/analysis/report/report-data';
import { renderReportHtml } from '../../lib/analysis/report/report-html';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';

import { COMMON_FLAG_HELP_WITH_FLEET, FLEET_FLAG_HELP } from './analysis-flags';
import { SELECTOR_FLAG_HELP } from './fleet-selector';
import { createProgress } from './progress';
import { CommandHelp } from './help';
import { OutputFormat } from './cli-flags';

export const OPTIONS = { ...COMMON_OPTIONS, ...FLEET_OPTIONS, out: { type: 'string' } } as const;

export const HELP: CommandHelp = {
  name: 'report',
  synopsis: '(--from PATH... | --fleet DIR) [options]',
  summary: 'Offline: one self-contained HTML page with the risks and every principal × scope × resource × verbs, filterable.',
  flags: [
    ...COMMON_FLAG_HELP_WITH_FLEET.slice(0, -1),
    FLEET_FLAG_HELP,
    SELECTOR_FLAG_HELP,
    { name: 'out', value: 'FILE', default: 'access-report.html', meaning: 'where to write the page (with --fleet: the fleet page, each cluster\'s page beside it as FILE-stem.CLUSTER.html; with -o json or yaml the report data goes to stdout instead)' },
    ...COMMON_FLAG_HELP_WITH_FLEET.slice(-1),
  ],
  notes: 'Exit codes: 0 written, 2 usage or input error.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, output) => {
  noPositionals(positionals, HELP);
  const selectClusters = checkFleetFlags(values);
  if (values.fleet !== undefined) return fleetReport(values.fleet, values.out, !values['no-bootstrap'], output, selectClusters);
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

async function fleetReport(dir: string, outFlag: string | undefined, includeBootstrap: boolean, output: OutputFormat, selectClusters: FleetClusterSelection): Promise<number> {
  const { summary, clusters } = await loadFleetAnalyses(dir, { includeBootstrap, selectClusters });
  const progress = createProgress({ quiet: output !== 'text' });
  const data = await fleetReportData(summary, clusters, new Date(), progress.update).finally(() => progress.done());
  const unread = data.clusters.flatMap((c) => (c.status === 'complete' ? [] : [`${c.name}: snapshot ${c.status}: ${c.problems.length} source(s) not read`]));
  if (output !== 'text') {
    // The principal × cluster view; each cluster's full report is `report --from DIR/<cluster>`.
    printStructured({ ...data, clusters: data.clusters.map(({ report: _report, ...c }) => c) }, output);
    return 0;
  }
  printWarnings(unread, HELP.name);
  const out = outFlag ?? 'access-report.html';
  const stem = basename(out, extname(out));
  // Cluster names are checked by readFleetSnapshot (the EKS cluster-name grammar: no `/`, no `..`), so every page
  // stays in the folder of --out; fleetClusterDir checks again where the name becomes part of a path.
  const page = (name: string) => `${stem}.${basename(fleetClusterDir('.', name))}.html`;
  for (const c of data.clusters) if (c.report) await fs.writeFile(join(dirname(out), page(c.name)), renderReportHtml(c.report));
  await fs.writeFile(out, renderFleetReportHtml(data, page));
  process.stdout.write(safeLines([`wrote ${out}: ${data.principals.length} principals × ${data.clusters.length} clusters, and ${data.clusters.filter((c) => c.report).length} cluster page(s) beside it`]));
  return 0;
}
