/**
 * `eks-access can-i VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS | -A] (--as USER [--as-group G]... | --as-arn ARN
 * [--session-name S]) --from PATH... [--explain] [--output json]`: kubectl auth can-i, offline. Prints yes/no and
 * exits 0/1; exit 2 on bad input.
 */
import { parseArgs } from 'node:util';
import { describeGrant } from '../../lib/analysis/access-analysis';
import { assumeChainJson, assumeChains } from '../../lib/analysis/assume-chains';
import {
  COMMON_OPTIONS, PRINCIPAL_OPTIONS, UnmappedPrincipalError, UsageError, checkOutput, loadAnalysis, usageErrors, principalFrom, printWarnings, reportError, resolverOf, wantsJson,
} from '../../lib/analysis/cli-support';
import { grantJson, principalJson, requestJson } from '../../lib/analysis/grant-json';
import { parseRequest } from '../../lib/analysis/request-parse';

const USAGE = `usage: eks-access can-i VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NAMESPACE | -A]
         (--as USER [--as-group GROUP]... | --as-arn ARN [--session-name NAME] [--assume-roles]) --from PATH... [--explain] [--output json]
  --assume-roles: also yes when ARN may assume (trust policy) a role that is allowed
  RESOURCE: pods, deployments.apps, pods/exec, deployments.apps/scale, or a non-resource URL such as /healthz
  PATH: a cdk.out folder, a manifest file, or a folder of manifests (repeatable). Exit 0 = yes, 1 = no, 2 = error.`;

export async function run(argv: string[]): Promise<number> {
  const json = wantsJson(argv);
  try {
    const { values, positionals } = usageErrors(() => parseArgs({ args: argv, options: {
      ...COMMON_OPTIONS,
      ...PRINCIPAL_OPTIONS,
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      explain: { type: 'boolean' },
      'assume-roles': { type: 'boolean' },
    }, allowPositionals: true, strict: true }));
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    checkOutput(values.output);
    if (positionals.length < 2 || positionals.length > 3) throw new UsageError(`expected VERB RESOURCE [NAME], got ${positionals.length} argument(s)\n${USAGE}`);
    if (values.namespace !== undefined && values['all-namespaces']) throw new UsageError('give -n NAMESPACE or -A, not both');
    const [verb, resource, name] = positionals;
    const request = parseRequest({ verb, resource, name, namespace: values['all-namespaces'] ? '' : values.namespace });
    const analysis = await loadAnalysis(values);
    printWarnings([...request.warnings, ...analysis.sources.warnings]);
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
  } catch (e) {
    return reportError(e, json);
  }
}
