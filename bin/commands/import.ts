/**
 * `eks-access import --from DIR --out access.ts [--account ID] [--module NAME]`: TypeScript that reproduces a snapshot
 * (lib/live/import). Exit codes: 0 written; 2 usage or input error.
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from './cli-flags';
import { loadSources } from '../../lib/analysis/inputs/load-sources';
import { generateImport } from '../../lib/live/import/generate';
import { CommandHelp } from './help';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { LIVE_FLAG_HELP, LIVE_OPTIONS, liveCommand } from './live-command';

export const OPTIONS = {
  from: { type: 'string' }, out: { type: 'string' }, account: { type: 'string' }, module: { type: 'string' }, ...LIVE_OPTIONS,
} as const;

export const HELP: CommandHelp = {
  name: 'import',
  synopsis: '--from DIR --out FILE.ts [options]',
  summary: 'Write TypeScript (an access model and charts) that reproduces a snapshot folder.',
  flags: [
    { name: 'from', value: 'DIR', required: true, meaning: 'a folder written by eks-access snapshot' },
    { name: 'out', value: 'FILE', required: true, meaning: 'the TypeScript file to write' },
    { name: 'account', value: 'ID', default: "the snapshot's account", meaning: 'account id of the generated model' },
    { name: 'module', value: 'NAME', default: 'cdk-eks-access', meaning: 'module the generated code imports the library from' },
    ...LIVE_FLAG_HELP,
  ],
  notes: 'Exit codes: 0 written, 2 usage or input error.',
};

export const run = liveCommand(HELP, OPTIONS, async (values, _json, format) => {
  if (!values.from || !values.out) throw new UsageError('--from DIR and --out FILE are required');
  const generated = generateImport(await loadSources([values.from]), { accountId: values.account, moduleName: values.module });
  writeFileSync(values.out, generated.source);
  if (format !== 'text') printStructured({ file: values.out, notes: generated.notes }, format);
  else {
    // A note is one item, however many lines it has: each of its lines is escaped and indented under it.
    process.stdout.write(safeLines([
      `wrote ${values.out}${generated.notes.length ? ` with ${generated.notes.length} NOTE(s):` : ''}`,
      ...generated.notes.flatMap((n) => n.split('\n').map((l) => `  ${l}`)),
    ]));
  }
  return 0;
});
