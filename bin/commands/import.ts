/**
 * `eks-access import --from DIR --out access.ts [--account ID] [--module NAME]`: TypeScript that reproduces a snapshot
 * (lib/live/import). Exit codes: 0 written; 2 usage or input error.
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../../lib/analysis/cli-support';
import { loadSources } from '../../lib/analysis/inputs/load-sources';
import { generateImport } from '../../lib/live/import/generate';
import { liveCommand } from './live-command';

const USAGE = 'usage: eks-access import --from DIR --out FILE.ts [--account ID] [--module NAME] [--output json]';

export const run = liveCommand(USAGE, {
  from: { type: 'string' }, out: { type: 'string' }, account: { type: 'string' }, module: { type: 'string' },
}, async (values, json) => {
  if (!values.from || !values.out) throw new UsageError(`--from DIR and --out FILE are required\n${USAGE}`);
  const generated = generateImport(await loadSources([values.from]), { accountId: values.account, moduleName: values.module });
  writeFileSync(values.out, generated.source);
  if (json) process.stdout.write(`${JSON.stringify({ file: values.out, notes: generated.notes }, null, 2)}\n`);
  else {
    process.stdout.write(`wrote ${values.out}${generated.notes.length ? ` with ${generated.notes.length} NOTE(s):` : ''}\n`);
    for (const n of generated.notes) process.stdout.write(`  ${n}\n`);
  }
  return 0;
});
