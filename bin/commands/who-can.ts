/**
 * `eks-access who-can VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS | -A] --from PATH... [--output json]`: which IAM
 * principals and Kubernetes subjects may do it, and through which binding or access policy (kubectl-who-can, offline).
 */
import { parseArgs } from 'node:util';
import { assumeChainJson, assumeChains } from '../../lib/analysis/assume-chains';
import { COMMON_OPTIONS, checkOutput, loadAnalysis, usageErrors, printWarnings, reportError, resolverOf } from './analysis-command';
import { UsageError, wantsJson } from './cli-flags';
import { grantJson } from '../../lib/analysis/grant-json';
import { principalJson, requestJson } from './analysis-json';
import { parseRequest } from '../../lib/analysis/request-parse';
import { renderTable } from './text-table';
import { subjectLabel, whoCan } from '../../lib/analysis/who-can';
import { COMMON_FLAG_HELP, NAMESPACE_FLAG_HELP } from './analysis-flags';
import { CommandHelp, renderHelp, usageLine } from './help';

export const OPTIONS = { ...COMMON_OPTIONS, namespace: { type: 'string', short: 'n' }, 'all-namespaces': { type: 'boolean', short: 'A' } } as const;

export const HELP: CommandHelp = {
  name: 'who-can',
  synopsis: 'VERB RESOURCE[/SUBRESOURCE] [NAME] --from PATH... [options]',
  summary: 'Offline kubectl-who-can: the IAM principals and Kubernetes subjects that may do VERB on RESOURCE, and what grants it.',
  flags: [...COMMON_FLAG_HELP.slice(0, -1), ...NAMESPACE_FLAG_HELP, ...COMMON_FLAG_HELP.slice(-1)],
  notes: 'Exit codes: 0 answered, 2 usage or input error.',
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
    checkOutput(values.output);
    if (positionals.length < 2 || positionals.length > 3) throw new UsageError(`expected VERB RESOURCE [NAME]\n${USAGE}`);
    if (values.namespace !== undefined && values['all-namespaces']) throw new UsageError('give -n NAMESPACE or -A, not both');
    const [verb, resource, name] = positionals;
    const request = parseRequest({ verb, resource, name, namespace: values['all-namespaces'] ? '' : values.namespace });
    const analysis = await loadAnalysis(values);
    printWarnings([...request.warnings, ...analysis.sources.warnings], HELP.name);
    const result = await whoCan(analysis, resolverOf(analysis), request.attributes);
    const chains = await assumeChains(analysis, resolverOf(analysis), request.attributes);
    if (json) {
      process.stdout.write(`${JSON.stringify({
        request: requestJson(request.attributes),
        iamPrincipals: result.iamPrincipals.map((r) => ({ principal: principalJson(r.principal), grant: grantJson(r.grant) })),
        assumeChains: chains.map(assumeChainJson),
        subjects: result.subjects.map((s) => ({ ...s.subject, binding: s.binding, builtIn: !s.fromInputs })),
      }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write('IAM PRINCIPALS\n');
    process.stdout.write(result.iamPrincipals.length
      ? renderTable(['ARN', 'KUBERNETES USER', 'ALLOWED BY'], result.iamPrincipals.map((r) => [r.principal.display, r.principal.user.name, r.via]))
      : '  (none of the IAM principals in the inputs)\n');
    if (chains.length) {
      process.stdout.write('\nVIA ROLE ASSUMPTION (trust policy → role → mapping → grant)\n');
      process.stdout.write(renderTable(['PRINCIPAL', 'ASSUMES', 'TRUST', 'CONDITIONS', 'KUBERNETES USER'], chains.map((c) =>
        [c.principalArn, c.assumption.roleArn, c.assumption.kind, c.assumption.conditions.join('; ') || '-', c.role.user.name])));
    }
    process.stdout.write('\nKUBERNETES SUBJECTS\n');
    process.stdout.write(renderTable(['KIND', 'NAME', 'BINDING', 'SOURCE'], result.subjects.map((s) => [s.subject.kind, subjectLabel(s.subject), s.binding, s.fromInputs ? 'inputs' : 'built-in'])));
    return 0;
  } catch (e) {
    return reportError(e, json, HELP.name);
  }
}
