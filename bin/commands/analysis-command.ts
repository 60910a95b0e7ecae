/**
 * Shared plumbing of the offline analysis commands (`can-i`, `who-can`, `matrix`, `risks`, `report`): the common
 * options, loading the inputs, resolving `--as`/`--as-arn` to a principal, and printing errors. Errors are one line
 * on stderr, or with `--output json` a `{"error":{"type","message"}}` object on stdout (so a pipe sees it); exit 2.
 */
import { AccessAnalysis, AnalysedPrincipal } from '../../lib/analysis/access-analysis';
import { IamPrincipalResolver } from '../../lib/analysis/iam-principals';
import { countAccessObjects, NoAccessObjectsError } from '../../lib/analysis/inputs/access-objects';
import { withImplicitGroups } from '../../lib/analysis/subjects';
import { UsageError } from './cli-flags';

export const EXIT_ERROR = 2;

/** Options every analysis command takes. */
export const COMMON_OPTIONS = {
  from: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  account: { type: 'string' },
  'no-bootstrap': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options that name who is asking. */
export const PRINCIPAL_OPTIONS = {
  as: { type: 'string' },
  'as-group': { type: 'string', multiple: true },
  'as-arn': { type: 'string' },
  'session-name': { type: 'string' },
} as const;

/** Runs `parseArgs` (strict, positionals allowed), turning its complaints into `UsageError`s. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function checkOutput(output: string | undefined): 'json' | 'text' {
  if (output === undefined || output === 'text') return 'text';
  if (output === 'json') return 'json';
  throw new UsageError(`--output must be json or text, not '${output}'`);
}

export async function loadAnalysis(values: { from?: string[]; account?: string; 'no-bootstrap'?: boolean }): Promise<AccessAnalysis> {
  if (!values.from?.length) throw new UsageError('--from PATH is required (a cdk.out folder, a manifest file or a folder of manifests; repeatable)');
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw new UsageError(`--account must be a 12-digit AWS account id, not '${values.account}'`);
  const analysis = await AccessAnalysis.load(values.from, { account: values.account, includeBootstrap: !values['no-bootstrap'] });
  if (countAccessObjects(analysis.sources) === 0) throw new NoAccessObjectsError(values.from, analysis.sources);
  return analysis;
}

export function resolverOf(analysis: AccessAnalysis): IamPrincipalResolver {
  return new IamPrincipalResolver(analysis.accessEntries, analysis.sources.objects);
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

/** The CLI's one prefix for what goes to stderr: `eks-access <command>: ` (`eks-access: ` when no command is named). */
function prefix(command: string | undefined): string {
  return command ? `eks-access ${command}: ` : 'eks-access: ';
}

/** Prints an error (one prefixed line on stderr, or JSON on stdout) and returns exit code 2. */
export function reportError(e: unknown, json: boolean, command?: string): number {
  const err = e as Error;
  const type = err?.name && err.name !== 'Error' ? err.name : 'Error';
  if (json) process.stdout.write(`${JSON.stringify({ error: { type, message: err?.message ?? String(e) } })}\n`);
  else process.stderr.write(`${prefix(command)}${err?.message ?? String(e)}\n`);
  return EXIT_ERROR;
}

export function printWarnings(warnings: readonly string[], command?: string): void {
  for (const w of warnings) process.stderr.write(`${prefix(command)}warning: ${w}\n`);
}
