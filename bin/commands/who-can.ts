/**
 * `eks-access who-can VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS | -A] --from PATH... [-o text|json|yaml]`: which IAM
 * principals and Kubernetes subjects may do it, and through which binding or access policy (kubectl-who-can, offline).
 * `--fleet DIR` instead of `--from`: the same per cluster of a fleet snapshot folder, with the hub → spoke hop (the
 * principals of other accounts that a mapped role's trust policy lets assume it) listed per cluster
 * (lib/analysis/fleet.ts).
 */
import { loadFleetAnalyses, whoCanFleet, FleetWhoCanCluster } from '../../lib/analysis/fleet';
import { OutputFormat } from './cli-flags';
import { safeLines } from './terminal-text';
import { assumeChainJson, assumeChains } from '../../lib/analysis/assume-chains';
import { COMMON_OPTIONS, FLEET_OPTIONS, NAMESPACE_OPTIONS, analysisCommand, checkFleetFlags, loadAnalysis, printWarnings, requestFrom, resolverOf } from './analysis-command';
import { grantJson } from '../../lib/analysis/grant-json';
import { principalJson, requestJson } from './analysis-json';
import { renderTable } from './text-table';
import { printStructured } from './structured-output';
import { subjectLabel, whoCan } from '../../lib/analysis/who-can';
import { COMMON_FLAG_HELP_WITH_FLEET, FLEET_FLAG_HELP, NAMESPACE_FLAG_HELP } from './analysis-flags';
import { SELECTOR_FLAG_HELP } from './fleet-selector';
import { CommandHelp } from './help';

export const OPTIONS = { ...COMMON_OPTIONS, ...NAMESPACE_OPTIONS, ...FLEET_OPTIONS } as const;

export const HELP: CommandHelp = {
  name: 'who-can',
  synopsis: 'VERB RESOURCE[/SUBRESOURCE] [NAME] (--from PATH... | --fleet DIR) [options]',
  summary: 'Offline kubectl-who-can: the IAM principals and Kubernetes subjects that may do VERB on RESOURCE, and what grants it.',
  flags: [...COMMON_FLAG_HELP_WITH_FLEET.slice(0, -1), FLEET_FLAG_HELP, SELECTOR_FLAG_HELP, ...NAMESPACE_FLAG_HELP, ...COMMON_FLAG_HELP_WITH_FLEET.slice(-1)],
  notes: 'Exit codes: 0 answered, 2 usage or input error.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, format) => {
  const request = requestFrom(positionals, values, HELP);
  const selectClusters = checkFleetFlags(values);
  if (values.fleet !== undefined) {
    const { clusters } = await loadFleetAnalyses(values.fleet, { includeBootstrap: !values['no-bootstrap'], selectClusters });
    printFleet(request.attributes, await whoCanFleet(clusters, request.attributes), format, request.warnings);
    return 0;
  }
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

function printFleet(request: Parameters<typeof requestJson>[0], clusters: readonly FleetWhoCanCluster[], format: OutputFormat, requestWarnings: readonly string[]): void {
  printWarnings([...requestWarnings, ...clusters.flatMap((c) => [
    ...(c.unanswered ? [`${c.name}: not answered: ${c.unanswered}`] : []),
    ...c.warnings.map((w) => `${c.name}: ${w}`),
  ])], HELP.name);
  if (format !== 'text') {
    printStructured({
      request: requestJson(request),
      clusters: clusters.map((c) => ({
        name: c.name, account: c.account, region: c.region, answered: c.result !== undefined,
        iamPrincipals: (c.result?.iamPrincipals ?? []).map((r) => ({ principal: principalJson(r.principal), grant: grantJson(r.grant) })),
        assumeChains: c.chains.map(assumeChainJson),
        hubPrincipals: c.hubPrincipals,
        subjects: (c.result?.subjects ?? []).map((s) => ({ ...s.subject, binding: s.binding, builtIn: !s.fromInputs })),
      })),
    }, format);
    return;
  }
  for (const [i, c] of clusters.entries()) {
    process.stdout.write(`${i ? '\n' : ''}${safeLines([`CLUSTER ${c.name} (${c.account} ${c.region})`])}`);
    if (!c.result) {
      process.stdout.write('  (not answered: its snapshot failed)\n');
      continue;
    }
    process.stdout.write(c.result.iamPrincipals.length
      ? renderTable(['ARN', 'KUBERNETES USER', 'ALLOWED BY'], c.result.iamPrincipals.map((r) => [r.principal.display, r.principal.user.name, r.via]))
      : '  (none of the IAM principals of its snapshot)\n');
    if (c.hubPrincipals.length) {
      process.stdout.write('HUB PRINCIPALS (another account, through a spoke role mapped into the cluster)\n');
      process.stdout.write(renderTable(['PRINCIPAL', 'HUB ACCOUNT', 'SPOKE ROLE', 'CONDITIONS', 'KUBERNETES USER'], c.hubPrincipals.map((h) =>
        [h.principalArn, h.account, h.spokeRoleArn, h.conditions.join('; ') || '-', h.user])));
    }
    const local = c.chains.filter((ch) => !c.hubPrincipals.some((h) => h.principalArn === ch.principalArn && h.spokeRoleArn === ch.assumption.roleArn));
    if (local.length) {
      process.stdout.write('VIA ROLE ASSUMPTION IN THE ACCOUNT\n');
      process.stdout.write(renderTable(['PRINCIPAL', 'ASSUMES', 'CONDITIONS', 'KUBERNETES USER'], local.map((ch) =>
        [ch.principalArn, ch.assumption.roleArn, ch.assumption.conditions.join('; ') || '-', ch.role.user.name])));
    }
    const subjects = c.result.subjects.filter((s) => s.fromInputs);
    if (subjects.length) {
      process.stdout.write('KUBERNETES SUBJECTS (built-in ones left out; -o json lists them)\n');
      process.stdout.write(renderTable(['KIND', 'NAME', 'BINDING'], subjects.map((s) => [s.subject.kind, subjectLabel(s.subject), s.binding])));
    }
  }
}
