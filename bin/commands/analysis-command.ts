/**
 * Shared plumbing of the offline analysis commands (`can-i`, `who-can`, `matrix`, `risks`, `report`): the common
 * options, their frame (command-frame.ts), loading the inputs, the request and namespace flags, and resolving
 * `--as`/`--as-arn` to a principal.
 */
import { SELECTOR_OPTIONS, selectClusters, selectorFlag } from './fleet-selector';
import type { FleetAnalysisOptions } from '../../lib/analysis/fleet';

/** The `-l` of report/who-can --fleet, as `loadFleetAnalyses` takes it (undefined: every cluster). */
export type FleetClusterSelection = FleetAnalysisOptions['selectClusters'];
import { isAccountId } from '../../authenticator/arn';
import { AccessAnalysis, AnalysedPrincipal } from '../../lib/analysis/access-analysis';
import { IamPrincipalResolver } from '../../lib/analysis/iam-principals';
import { countAccessObjects, NoAccessObjectsError } from '../../lib/analysis/inputs/access-objects';
import { withImplicitGroups } from '../../lib/analysis/subjects';
import { parseRequest, ParsedRequest } from '../../lib/analysis/request-parse';
import { OutputFormat, UsageError } from './cli-flags';
import { Options, ParsedFlags, strictCommand } from './command-frame';
import { CommandHelp } from './help';

export { printWarnings } from './command-frame';

/** Options every analysis command takes. */
export const COMMON_OPTIONS = {
  from: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  account: { type: 'string' },
  'no-bootstrap': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--fleet DIR` (report, who-can): a fleet snapshot folder instead of `--from`. */
export const FLEET_OPTIONS = { fleet: { type: 'string' }, ...SELECTOR_OPTIONS } as const;

/** Checks `--fleet` against `--from` and `--account` (each cluster's account is in the fleet folder). */
export function checkFleetFlags(values: { from?: string[]; fleet?: string; account?: string; selector?: string }): FleetClusterSelection {
  if (values.fleet !== undefined && values.from?.length) throw new UsageError('give --from PATH or --fleet DIR, not both');
  if (values.fleet !== undefined && values.account !== undefined) throw new UsageError("--account goes with --from; with --fleet each cluster's account is in the fleet folder");
  const selector = selectorFlag(values);
  return selector ? (clusters) => selectClusters(clusters, selector, values.fleet!) : undefined;
}

/** Options that name who is asking. */
export const PRINCIPAL_OPTIONS = {
  as: { type: 'string' },
  'as-group': { type: 'string', multiple: true },
  'as-arn': { type: 'string' },
  'session-name': { type: 'string' },
} as const;

/** `-n NAMESPACE` / `-A` of the commands that ask about a namespace. */
export const NAMESPACE_OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
} as const;

/** An analysis command: `COMMON_OPTIONS` plus its own, positionals allowed (each command checks its own), `-o text|json|yaml`. */
export function analysisCommand<const O extends Options>(
  help: CommandHelp,
  options: O,
  body: (parsed: ParsedFlags<O, true>, json: boolean, output: OutputFormat) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return strictCommand(help, options, { allowPositionals: true }, body);
}

/** For the commands that take no positional argument. */
export function noPositionals(positionals: readonly string[], _help: CommandHelp): void {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
}

/** `VERB RESOURCE [NAME] [-n NS | -A]` of `can-i` and `who-can` → the request. */
export function requestFrom(
  positionals: readonly string[],
  values: { namespace?: string; 'all-namespaces'?: boolean },
  _help: CommandHelp,
): ParsedRequest {
  if (positionals.length < 2 || positionals.length > 3) throw new UsageError(`expected VERB RESOURCE [NAME], got ${positionals.length} argument(s)`);
  checkNamespaceFlags(values);
  const [verb, resource, name] = positionals;
  return parseRequest({ verb, resource, name, namespace: values['all-namespaces'] ? '' : values.namespace });
}

export function checkNamespaceFlags(values: { namespace?: string; 'all-namespaces'?: boolean }): void {
  if (values.namespace !== undefined && values['all-namespaces']) throw new UsageError('give -n NAMESPACE or -A, not both');
}

export async function loadAnalysis(values: { from?: string[]; account?: string; 'no-bootstrap'?: boolean }): Promise<AccessAnalysis> {
  if (!values.from?.length) throw new UsageError('--from PATH is required (a cdk.out folder, a manifest file or a folder of manifests; repeatable)');
  if (values.account !== undefined && !isAccountId(values.account)) throw new UsageError(`--account must be a 12-digit AWS account id, not '${values.account}'`);
  const analysis = await AccessAnalysis.load(values.from, { account: values.account, includeBootstrap: !values['no-bootstrap'] });
  if (countAccessObjects(analysis.sources) === 0) throw new NoAccessObjectsError(values.from, analysis.sources);
  return analysis;
}

/**
 * One resolver per analysis: building one parses every aws-auth ConfigMap of the inputs, and `who-can` and `can-i` ask
 * for it twice (the answer, then the role-assumption chains) — on 1,200 aws-auth rows that second parse was the
 * largest cost left in those commands (test/analysis/aws-auth-read-once.test.ts).
 */
const resolvers = new WeakMap<AccessAnalysis, IamPrincipalResolver>();
export function resolverOf(analysis: AccessAnalysis): IamPrincipalResolver {
  let resolver = resolvers.get(analysis);
  if (!resolver) {
    resolver = new IamPrincipalResolver(analysis.accessEntries, analysis.sources.objects);
    resolvers.set(analysis, resolver);
  }
  return resolver;
}

/** `--as USER [--as-group G]...` or `--as-arn ARN [--session-name S]` → the principal. */
export async function principalFrom(
  analysis: AccessAnalysis,
  values: { as?: string; 'as-group'?: string[]; 'as-arn'?: string; 'session-name'?: string },
): Promise<AnalysedPrincipal> {
  if (values.as !== undefined && values['as-arn'] !== undefined) throw new UsageError('give either --as USER or --as-arn ARN, not both');
  if (values['as-arn'] !== undefined) {
    if (values['as-group']?.length) throw new UsageError('--as-group goes with --as; an IAM principal gets its groups from its mapping');
    const arn = values['as-arn'];
    let principal: AnalysedPrincipal | undefined;
    try {
      principal = await resolverOf(analysis).resolve(arn, values['session-name']);
    } catch (e) {
      throw new UsageError(`--as-arn ${arn}: ${(e as Error).message}`);
    }
    if (!principal) {
      throw new UnmappedPrincipalError(`${arn} is not mapped by any access entry, aws-auth row or IAMIdentityMapping in the inputs: it could not authenticate to the cluster`);
    }
    return principal;
  }
  if (values.as === undefined) throw new UsageError('say who is asking: --as USER [--as-group GROUP]... or --as-arn ARN [--session-name NAME]');
  if (values['session-name'] !== undefined) throw new UsageError('--session-name goes with --as-arn');
  return { display: values.as, user: withImplicitGroups(values.as, values['as-group'] ?? []) };
}

/** The principal cannot authenticate at all; commands answer "no" for it rather than failing. */
export class UnmappedPrincipalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnmappedPrincipalError';
  }
}

