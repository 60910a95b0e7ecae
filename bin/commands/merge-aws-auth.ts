/**
 * `eks-access merge-aws-auth --live FILE|- --ours FILE [--force] [-o yaml|json]`: the apply path of our aws-auth
 * rows that keeps everybody else's (lib/k8s/aws-auth-merge.ts). `--live` is the current ConfigMap
 * (`kubectl -n kube-system get cm aws-auth -o yaml --ignore-not-found`; empty = none yet), `--ours` a synthesized
 * manifest file (e.g. dist/aws-auth.k8s.yaml, written by writeAccessManifests) holding our aws-auth ConfigMap. Prints the merged ConfigMap for
 * `kubectl replace -f -` (or `kubectl create -f -` if there was none); it keeps the live resourceVersion, so a
 * concurrent writer makes the replace fail instead of being overwritten, and the pipeline is simply run again.
 * It never adopts, changes or deletes a row it did not create (the ownership annotation records the rows it did).
 * Exit codes: 0 merged, 3 conflicts or unreadable live rows (nothing printed, each row named; `--force` overrides),
 * 2 usage/input error.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { isAwsAuthConfigMap, parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { ConfigMapLike, mergeAwsAuth } from '../../lib/k8s/aws-auth-merge';
import { normaliseAwsAuth } from '../../lib/model/model-aws-auth-rows';
import { strictCommand } from './command-frame';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { InputError, readDocument } from './read-input';
import { UsageError } from './cli-flags';

import { CommandHelp, HELP_FLAG, errorLine } from './help';

export const OPTIONS = {
  live: { type: 'string' }, ours: { type: 'string' }, force: { type: 'boolean', default: false },
  output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
} as const;

export const HELP: CommandHelp = {
  name: 'merge-aws-auth',
  synopsis: '--live FILE|- --ours FILE [options]',
  summary: 'Merge our aws-auth rows into the live ConfigMap, keeping rows written by others; prints the result for kubectl replace -f -.',
  flags: [
    { name: 'live', value: 'FILE', required: true, meaning: 'the live ConfigMap (kubectl -n kube-system get cm aws-auth -o yaml --ignore-not-found; empty = none yet); "-" reads stdin' },
    { name: 'ours', value: 'FILE', required: true, meaning: 'a synthesized manifest file holding our aws-auth ConfigMap (e.g. dist/aws-auth.k8s.yaml, which writeAccessManifests writes in the ConfigMap modes)' },
    { name: 'force', meaning: 'take over rows someone else wrote for our ARNs, and drop unreadable live rows' },
    { name: 'output', short: 'o', value: 'FORMAT', default: 'yaml', choices: ['yaml', 'json'], meaning: 'yaml or json: the merged ConfigMap (there is no text form; with -o json|yaml errors are {"error":{"type","message"}} on stdout)' },
    HELP_FLAG,
  ],
  notes: 'Exit codes: 0 merged, 3 conflicts or unreadable live rows (nothing printed; --force overrides), 2 usage or input error.',
};

const isAwsAuth = (d: unknown): d is ConfigMapLike => isAwsAuthConfigMap(d);

function readOurs(path: string): ConfigMapLike {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const found = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter(isAwsAuth);
  if (found.length !== 1) throw new InputError(`${path} must hold exactly one ConfigMap named aws-auth, found ${found.length}`);
  return found[0];
}

export const run = strictCommand(HELP, OPTIONS, { allowPositionals: false, formats: ['yaml', 'json'] }, async ({ values }, _json, format) => {
  if (format === 'text') throw new UsageError('--output must be yaml or json');
  if (!values.live || !values.ours) throw new UsageError('--live and --ours are required');
  const liveDoc = readDocument(values.live);
  if (liveDoc !== null && liveDoc !== undefined && !isAwsAuth(liveDoc)) throw new InputError(`${values.live} is not the aws-auth ConfigMap`);
  const oursCm = readOurs(values.ours);
  const parsedOurs = parseAwsAuth(oursCm.data);
  if (parsedOurs.errors.some((e) => e.severity === 'error')) throw new InputError(`${values.ours}: ${parsedOurs.errors[0].location}: ${parsedOurs.errors[0].message}`);
  const ours = normaliseAwsAuth(parsedOurs, values.ours);
  const result = mergeAwsAuth(liveDoc ?? undefined, ours, { force: values.force });
  const problems = [
    ...result.conflictDetails.map((c) => `conflict: ${c.key}: ${c.reason} (we never change a row we did not create; rerun with --force to take it over)`),
    ...result.unreadable.map((u) => `unreadable live row (a merge would drop it): ${u}`),
  ];
  if (problems.length > 0 && !values.force) {
    if (format === 'json') process.stdout.write(`${JSON.stringify({ error: { type: 'MergeConflict', message: problems.join('; ') }, conflicts: result.conflicts, conflictDetails: result.conflictDetails, unreadable: result.unreadable })}\n`);
    else process.stderr.write(`${errorLine(HELP.name, 'refusing to write:')}${safeLines(problems.map((p) => `  ${p}`))}`);
    return 3;
  }
  // The keys are ARNs and names from the live ConfigMap: escaped, one line each.
  process.stderr.write(safeLines([
    ...result.added.map((k) => `+ ${k}`),
    ...result.removed.map((k) => `- ${k}`),
    ...result.shared.map((k) => `= ${k} (identical row of another writer: kept as theirs, not owned)`),
    ...result.released.map((k) => `~ ${k} (no longer declared, but changed by another writer: kept as theirs)`),
  ]));
  printStructured(result.configMap, format);
  return 0;
});
