/**
 * `eks-access import --from DIR --out access.ts [--account ID] [--module NAME]`: TypeScript that reproduces a snapshot
 * (lib/live/import); `--aws-auth FILE` instead of `--from`: model code with one access entry per row of an aws-auth
 * ConfigMap (lib/live/import/aws-auth-file.ts). Exit codes: 0 written; 2 usage or input error.
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from './cli-flags';
import { loadSources } from '../../lib/analysis/inputs/load-sources';
import { generateImport } from '../../lib/live/import/generate';
import { generateAwsAuthImport } from '../../lib/live/import/aws-auth-file';
import { readDocument } from './read-input';
import { createProgress } from './progress';
import { CommandHelp } from './help';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { LIVE_FLAG_HELP, LIVE_OPTIONS, liveCommand } from './live-command';

export const OPTIONS = {
  from: { type: 'string' }, 'aws-auth': { type: 'string' }, mode: { type: 'string' }, cluster: { type: 'string' },
  out: { type: 'string' }, account: { type: 'string' }, module: { type: 'string' }, ...LIVE_OPTIONS,
} as const;

export const HELP: CommandHelp = {
  name: 'import',
  synopsis: '(--from DIR | --aws-auth FILE|-) --out FILE.ts [options]',
  summary: 'Write TypeScript (an access model and charts) that reproduces a snapshot folder.',
  flags: [
    { name: 'from', value: 'DIR', default: 'none: this or --aws-auth is required', meaning: 'a folder written by eks-access snapshot' },
    { name: 'aws-auth', value: 'FILE', default: 'none: this or --from is required', meaning: 'instead of --from: an aws-auth ConfigMap (manifest or kubectl get -o yaml|json; "-" reads stdin) → one access entry per row' },
    { name: 'mode', value: 'MODE', default: 'API_AND_CONFIG_MAP', meaning: 'with --aws-auth: authentication mode of the model (API or API_AND_CONFIG_MAP)' },
    { name: 'cluster', value: 'NAME', default: 'my-cluster', meaning: 'with --aws-auth: the CLUSTER_NAME written' },
    { name: 'out', value: 'FILE', required: true, meaning: 'the TypeScript file to write' },
    { name: 'account', value: 'ID', default: "the snapshot's account", meaning: 'account id of the generated model' },
    { name: 'module', value: 'NAME', default: 'cdk-eks-access', meaning: 'module the generated code imports the library from' },
    ...LIVE_FLAG_HELP,
  ],
  notes: 'Exit codes: 0 written, 2 usage or input error.',
};

/** The text report of a written code file, shared by `import` and `migrate --write-code`: unescaped lines for safeLines. */
export function wroteCodeLines(file: string, notes: readonly string[]): string[] {
  // A note is one item, however many lines it has: each of its lines is escaped and indented under it.
  return [
    `wrote ${file}${notes.length ? ` with ${notes.length} NOTE(s):` : ''}`,
    ...notes.flatMap((n) => n.split('\n').map((l) => `  ${l}`)),
  ];
}

export const run = liveCommand(HELP, OPTIONS, async (values, _json, format) => {
  const awsAuth = values['aws-auth'];
  if (!values.out || (values.from === undefined) === (awsAuth === undefined)) throw new UsageError('either --from DIR or --aws-auth FILE, and --out FILE, are required');
  if (values.from !== undefined && (values.mode !== undefined || values.cluster !== undefined)) throw new UsageError('--mode and --cluster go with --aws-auth (a snapshot has its own)');
  const options = { accountId: values.account, moduleName: values.module };
  // Progress only on a terminal and never with -o json|yaml (progress.ts decides): at thousands of principals the
  // snapshot's read and the generation take seconds.
  const progress = createProgress({ quiet: format !== 'text' });
  const step = (done: number, phase: string) => progress.update({ phase: `import: ${phase}`, done, total: 3 });
  let generated;
  try {
    if (awsAuth !== undefined) {
      generated = generateAwsAuthImport(readDocument(awsAuth), awsAuth === '-' ? 'stdin' : awsAuth, { ...options, authenticationMode: values.mode, clusterName: values.cluster });
    } else {
      step(1, 'reading the snapshot');
      const sources = await loadSources([values.from!]);
      step(2, 'generating code');
      generated = generateImport(sources, options);
    }
    step(3, `writing ${values.out}`);
    writeFileSync(values.out, generated.source);
  } finally {
    progress.done();
  }
  if (format !== 'text') printStructured({ file: values.out, notes: generated.notes }, format);
  else {
    process.stdout.write(safeLines(wroteCodeLines(values.out, generated.notes)));
  }
  return 0;
});
