/**
 * `eks-access matrix (--as USER [--as-group G]... | --as-arn ARN [--session-name S]) --from PATH... [-n NS | -A]
 * [--output json]`: what one principal may do on every known resource (kubectl access-matrix, offline).
 */
import { parseArgs } from 'node:util';
import {
  COMMON_OPTIONS, PRINCIPAL_OPTIONS, UsageError, checkOutput, loadAnalysis, usageErrors, principalFrom, printWarnings, reportError, wantsJson,
} from '../../lib/analysis/cli-support';
import { principalJson } from '../../lib/analysis/grant-json';
import { MATRIX_VERBS, accessMatrix, resourceName } from '../../lib/analysis/matrix';
import { renderTable } from '../../lib/analysis/text-table';

const USAGE = `usage: eks-access matrix (--as USER [--as-group GROUP]... | --as-arn ARN [--session-name NAME]) --from PATH...
         [-n NAMESPACE (default: default) | -A (cluster-wide grants only)] [--output json]`;

export async function run(argv: string[]): Promise<number> {
  const json = wantsJson(argv);
  try {
    const { values, positionals } = usageErrors(() => parseArgs({ args: argv, options: {
      ...COMMON_OPTIONS, ...PRINCIPAL_OPTIONS, namespace: { type: 'string', short: 'n' }, 'all-namespaces': { type: 'boolean', short: 'A' },
    }, allowPositionals: true, strict: true }));
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    checkOutput(values.output);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
    if (values.namespace !== undefined && values['all-namespaces']) throw new UsageError('give -n NAMESPACE or -A, not both');
    const analysis = await loadAnalysis(values);
    printWarnings(analysis.sources.warnings);
    const principal = await principalFrom(analysis, values);
    const namespace = values['all-namespaces'] ? '' : (values.namespace ?? 'default');
    const rows = accessMatrix(analysis, principal, namespace);
    if (json) {
      process.stdout.write(`${JSON.stringify({ principal: principalJson(principal), namespace, verbs: MATRIX_VERBS, rows }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`${principal.display} (user "${principal.user.name}", groups ${principal.user.groups.join(', ')}), namespace ${namespace || '(cluster-wide)'}\n`);
    process.stdout.write(renderTable(['NAME', ...MATRIX_VERBS.map((v) => v.toUpperCase())], rows.map((r) => [resourceName(r), ...MATRIX_VERBS.map((v) => (r.verbs[v] ? '✔' : '✖'))])));
    return 0;
  } catch (e) {
    return reportError(e, json);
  }
}
