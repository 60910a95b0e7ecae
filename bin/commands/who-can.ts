/**
 * `eks-access who-can VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS | -A] --from PATH... [-o text|json|yaml]`: which IAM
 * principals and Kubernetes subjects may do it, and through which binding or access policy (kubectl-who-can, offline).
 */
import { assumeChainJson, assumeChains } from '../../lib/analysis/assume-chains';
import { COMMON_OPTIONS, NAMESPACE_OPTIONS, analysisCommand, loadAnalysis, printWarnings, requestFrom, resolverOf } from './analysis-command';
import { grantJson } from '../../lib/analysis/grant-json';
import { principalJson, requestJson } from './analysis-json';
import { renderTable } from './text-table';
import { printStructured } from './structured-output';
import { subjectLabel, whoCan } from '../../lib/analysis/who-can';
import { COMMON_FLAG_HELP, NAMESPACE_FLAG_HELP } from './analysis-flags';
import { CommandHelp } from './help';

export const OPTIONS = { ...COMMON_OPTIONS, ...NAMESPACE_OPTIONS } as const;

export const HELP: CommandHelp = {
  name: 'who-can',
  synopsis: 'VERB RESOURCE[/SUBRESOURCE] [NAME] --from PATH... [options]',
  summary: 'Offline kubectl-who-can: the IAM principals and Kubernetes subjects that may do VERB on RESOURCE, and what grants it.',
  flags: [...COMMON_FLAG_HELP.slice(0, -1), ...NAMESPACE_FLAG_HELP, ...COMMON_FLAG_HELP.slice(-1)],
  notes: 'Exit codes: 0 answered, 2 usage or input error.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, format) => {
  const request = requestFrom(positionals, values, HELP);
  const analysis = await loadAnalysis(values);
  printWarnings([...request.warnings, ...analysis.sources.warnings], HELP.name);
  const result = await whoCan(analysis, resolverOf(analysis), request.attributes);
  const chains = await assumeChains(analysis, resolverOf(analysis), request.attributes);
  if (format !== 'text') {
    printStructured({
      request: requestJson(request.attributes),
      iamPrincipals: result.iamPrincipals.map((r) => ({ principal: principalJson(r.principal), grant: grantJson(r.grant) })),
      assumeChains: chains.map(assumeChainJson),
      subjects: result.subjects.map((s) => ({ ...s.subject, binding: s.binding, builtIn: !s.fromInputs })),
    }, format);
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
});
