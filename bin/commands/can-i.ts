/**
 * `eks-access can-i VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS | -A] (--as USER [--as-group G]... | --as-arn ARN
 * [--session-name S]) --from PATH... [--explain] [-q] [-o text|json|yaml]`: kubectl auth can-i, offline. Prints yes/no
 * and exits 0/1; exit 2 on bad input. `-q` prints nothing and answers by the exit code alone, as `kubectl auth can-i
 * -q` does (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_auth/kubectl_auth_can-i/).
 */
import { describeGrant } from '../../lib/analysis/access-analysis';
import { assumeChainJson, assumeChains } from '../../lib/analysis/assume-chains';
import {
  COMMON_OPTIONS, NAMESPACE_OPTIONS, PRINCIPAL_OPTIONS, UnmappedPrincipalError, analysisCommand, loadAnalysis, principalFrom, printWarnings, requestFrom, resolverOf,
} from './analysis-command';
import { UsageError } from './cli-flags';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { grantJson } from '../../lib/analysis/grant-json';
import { principalJson, requestJson } from './analysis-json';
import { COMMON_FLAG_HELP, NAMESPACE_FLAG_HELP, PRINCIPAL_FLAG_HELP } from './analysis-flags';
import { CommandHelp } from './help';

export const OPTIONS = {
  ...COMMON_OPTIONS,
  ...PRINCIPAL_OPTIONS,
  ...NAMESPACE_OPTIONS,
  explain: { type: 'boolean' },
  'assume-roles': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const HELP: CommandHelp = {
  name: 'can-i',
  synopsis: 'VERB RESOURCE[/SUBRESOURCE] [NAME] (--as USER [--as-group GROUP]... | --as-arn ARN) --from PATH... [options]',
  summary: 'Offline kubectl auth can-i: may this user, group or IAM principal do VERB on RESOURCE? Prints yes or no.',
  flags: [
    ...COMMON_FLAG_HELP.slice(0, -1), ...PRINCIPAL_FLAG_HELP, ...NAMESPACE_FLAG_HELP,
    { name: 'explain', meaning: 'also name the mapping, then the binding, role and rule or the access policy, scope and rule' },
    { name: 'assume-roles', meaning: 'with --as-arn: also yes when the ARN may assume (trust policy) a role that is allowed' },
    { name: 'quiet', short: 'q', meaning: 'print nothing (no answer, no warnings): the exit code is the answer, as kubectl auth can-i -q; errors still go to stderr' },
    ...COMMON_FLAG_HELP.slice(-1),
  ],
  notes: `RESOURCE: pods, deployments.apps, deploy, pods/exec, deployments/scale, widgets.example.com, or a URL such as /healthz.
Exit codes: 0 yes, 1 no, 2 usage or input error.`,
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, format) => {
  const quiet = !!values.quiet;
  if (quiet && (format !== 'text' || values.explain)) throw new UsageError('-q prints nothing: it goes without --explain and -o json|yaml');
  const request = requestFrom(positionals, values, HELP);
  const analysis = await loadAnalysis(values);
  if (!quiet) printWarnings([...request.warnings, ...analysis.sources.warnings], HELP.name);
  let decision;
  let principal;
  try {
    principal = await principalFrom(analysis, values);
    decision = analysis.decide(principal, request.attributes);
  } catch (e) {
    if (!(e instanceof UnmappedPrincipalError)) throw e;
    decision = { allowed: false, reason: e.message, errors: [] as string[] };
  }
  if (values['assume-roles'] && values['as-arn'] === undefined) throw new UsageError('--assume-roles goes with --as-arn');
  // The IAM hop: roles this IAM principal may assume (their trust policies) that are allowed.
  const chains = values['as-arn'] !== undefined ? await assumeChains(analysis, resolverOf(analysis), request.attributes, values['as-arn']) : [];
  const allowed = decision.allowed || (!!values['assume-roles'] && chains.length > 0);
  if (format !== 'text') {
    printStructured({
      allowed,
      assumeChains: chains.map(assumeChainJson),
      request: requestJson(request.attributes),
      ...(principal ? { principal: principalJson(principal) } : {}),
      reason: decision.reason,
      ...('grant' in decision && decision.grant ? { grant: grantJson(decision.grant) } : {}),
    }, format);
  } else if (!quiet) {
    const lines = [allowed ? 'yes' : 'no'];
    if (values.explain) {
      if (principal) lines.push(`principal: ${principal.display} → user "${principal.user.name}" groups [${principal.user.groups.join(', ')}]${principal.mappedBy ? ` via ${principal.mappedBy}` : ''}`);
      lines.push('grant' in decision && decision.grant ? `allowed by ${describeGrant(decision.grant)}` : decision.reason);
      for (const c of chains) lines.push(`via role assumption: ${c.path}`);
    }
    process.stdout.write(safeLines(lines));
  }
  return allowed ? 0 : 1;
});
