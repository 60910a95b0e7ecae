/**
 * `eks-access can-i VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS | -A] (--as USER [--as-group G]... | --as-arn ARN
 * [--session-name S]) --from PATH... [--explain] [--output json]`: kubectl auth can-i, offline. Prints yes/no and
 * exits 0/1; exit 2 on bad input.
 */
import { describeGrant } from '../../lib/analysis/access-analysis';
import { assumeChainJson, assumeChains } from '../../lib/analysis/assume-chains';
import {
  COMMON_OPTIONS, NAMESPACE_OPTIONS, PRINCIPAL_OPTIONS, UnmappedPrincipalError, analysisCommand, loadAnalysis, principalFrom, printWarnings, requestFrom, resolverOf,
} from './analysis-command';
import { UsageError } from './cli-flags';
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
} as const;

export const HELP: CommandHelp = {
  name: 'can-i',
  synopsis: 'VERB RESOURCE[/SUBRESOURCE] [NAME] (--as USER [--as-group GROUP]... | --as-arn ARN) --from PATH... [options]',
  summary: 'Offline kubectl auth can-i: may this user, group or IAM principal do VERB on RESOURCE? Prints yes or no.',
  flags: [
    ...COMMON_FLAG_HELP.slice(0, -1), ...PRINCIPAL_FLAG_HELP, ...NAMESPACE_FLAG_HELP,
    { name: 'explain', meaning: 'also name the mapping, then the binding, role and rule or the access policy, scope and rule' },
    { name: 'assume-roles', meaning: 'with --as-arn: also yes when the ARN may assume (trust policy) a role that is allowed' },
    ...COMMON_FLAG_HELP.slice(-1),
  ],
  notes: `RESOURCE: pods, deployments.apps, deploy, pods/exec, deployments/scale, widgets.example.com, or a URL such as /healthz.
Exit codes: 0 yes, 1 no, 2 usage or input error.`,
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, json) => {
  const request = requestFrom(positionals, values, HELP);
  const analysis = await loadAnalysis(values);
  printWarnings([...request.warnings, ...analysis.sources.warnings], HELP.name);
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
  if (json) {
    process.stdout.write(`${JSON.stringify({
      allowed,
      assumeChains: chains.map(assumeChainJson),
      request: requestJson(request.attributes),
      ...(principal ? { principal: principalJson(principal) } : {}),
      reason: decision.reason,
      ...('grant' in decision && decision.grant ? { grant: grantJson(decision.grant) } : {}),
    }, null, 2)}\n`);
  } else {
    process.stdout.write(`${allowed ? 'yes' : 'no'}\n`);
    if (values.explain) {
      if (principal) process.stdout.write(`principal: ${principal.display} → user "${principal.user.name}" groups [${principal.user.groups.join(', ')}]${principal.mappedBy ? ` via ${principal.mappedBy}` : ''}\n`);
      process.stdout.write(`${'grant' in decision && decision.grant ? `allowed by ${describeGrant(decision.grant)}` : decision.reason}\n`);
      for (const c of chains) process.stdout.write(`via role assumption: ${c.path}\n`);
    }
  }
  return allowed ? 0 : 1;
});
