/**
 * `eks-access import --from DIR --out access.ts [--account ID] [--module NAME]`: TypeScript that reproduces a snapshot
 * (lib/live/import). Exit codes: 0 written; 2 usage or input error.
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from './cli-flags';
import { loadSources } from '../../lib/analysis/inputs/load-sources';
import { generateImport } from '../../lib/live/import/generate';
import { CommandHelp, usageLine } from './help';
import { LIVE_FLAG_HELP, LIVE_OPTIONS, liveCommand } from './live-command';
import { terminalSafe } from './terminal-text';

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
const USAGE = usageLine(HELP);

export const run = liveCommand(HELP, OPTIONS, async (values, json) => {
  if (!values.from || !values.out) throw new UsageError(`--from DIR and --out FILE are required\n${USAGE}`);
  const generated = generateImport(await loadSources([values.from]), { accountId: values.account, moduleName: values.module });
  writeFileSync(values.out, generated.source);
  if (json) process.stdout.write(`${JSON.stringify({ file: values.out, notes: generated.notes }, null, 2)}\n`);
  else {
    process.stdout.write(`wrote ${terminalSafe(values.out)}${generated.notes.length ? ` with ${generated.notes.length} NOTE(s):` : ''}\n`);
    // Notes quote live values (subject names, aws-auth rows): escaped for the terminal; the JSON form needs no escaping.
    for (const n of generated.notes) process.stdout.write(`  ${terminalSafe(n)}\n`);
  }
  return 0;
});
