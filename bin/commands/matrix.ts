/**
 * `eks-access matrix (--as USER [--as-group G]... | --as-arn ARN [--session-name S]) --from PATH... [-n NS | -A]
 * [-o text|json|yaml]`: what one principal may do on every known resource (kubectl access-matrix, offline).
 */
import {
  COMMON_OPTIONS, NAMESPACE_OPTIONS, PRINCIPAL_OPTIONS, analysisCommand, checkNamespaceFlags, loadAnalysis, noPositionals, principalFrom, printWarnings,
} from './analysis-command';
import { principalJson } from './analysis-json';
import { accessMatrix, resourceName } from '../../lib/analysis/matrix';
import { REQUEST_VERBS } from '../../lib/model/rbac-vocabulary';
import { renderTable } from './text-table';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { COMMON_FLAG_HELP, NAMESPACE_FLAG_HELP, PRINCIPAL_FLAG_HELP } from './analysis-flags';
import { CommandHelp } from './help';

export const OPTIONS = { ...COMMON_OPTIONS, ...PRINCIPAL_OPTIONS, ...NAMESPACE_OPTIONS } as const;

export const HELP: CommandHelp = {
  name: 'matrix',
  synopsis: '(--as USER [--as-group GROUP]... | --as-arn ARN) --from PATH... [options]',
  summary: 'Offline access matrix: one principal × every resource the roles name × get/list/watch/create/update/patch/delete/deletecollection.',
  flags: [...COMMON_FLAG_HELP.slice(0, -1), ...PRINCIPAL_FLAG_HELP, ...NAMESPACE_FLAG_HELP, ...COMMON_FLAG_HELP.slice(-1)],
  notes: 'Exit codes: 0 answered, 2 usage or input error.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, format) => {
  noPositionals(positionals, HELP);
  checkNamespaceFlags(values);
  const analysis = await loadAnalysis(values);
  printWarnings(analysis.sources.warnings, HELP.name);
  const principal = await principalFrom(analysis, values);
  const namespace = values['all-namespaces'] ? '' : (values.namespace ?? 'default');
  const rows = accessMatrix(analysis, principal, namespace);
  if (format !== 'text') {
    printStructured({ principal: principalJson(principal), namespace, verbs: REQUEST_VERBS, rows }, format);
    return 0;
  }
  process.stdout.write(safeLines([`${principal.display} (user "${principal.user.name}", groups ${principal.user.groups.join(', ')}), namespace ${namespace || '(cluster-wide)'}`]));
  process.stdout.write(renderTable(['NAME', ...REQUEST_VERBS.map((v) => v.toUpperCase())], rows.map((r) => [resourceName(r), ...REQUEST_VERBS.map((v) => (r.verbs[v] ? '✔' : '✖'))])));
  return 0;
});
