/**
 * `eks-access import --from DIR --out access.ts [--account ID] [--module NAME]`: TypeScript that reproduces a snapshot
 * (lib/live/import). Exit codes: 0 written; 2 usage or input error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { reportError, UsageError, usageErrors, wantsJson } from '../../lib/analysis/cli-support';
import { loadSources } from '../../lib/analysis/inputs/load-sources';
import { generateImport } from '../../lib/live/import/generate';

const USAGE = 'usage: eks-access import --from DIR --out FILE.ts [--account ID] [--module NAME] [--output json]';

export async function run(argv: string[]): Promise<number> {
  const json = wantsJson(argv);
  try {
    const { values } = usageErrors(() => parseArgs({
      args: argv,
      strict: true,
      options: { from: { type: 'string' }, out: { type: 'string' }, account: { type: 'string' }, module: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    }));
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (!values.from || !values.out) throw new UsageError(`--from DIR and --out FILE are required\n${USAGE}`);
    const sources = await loadSources([values.from]);
    const generated = generateImport(sources, { accountId: values.account, moduleName: values.module });
    writeFileSync(values.out, generated.source);
    if (json) process.stdout.write(`${JSON.stringify({ file: values.out, notes: generated.notes }, null, 2)}\n`);
    else {
      process.stdout.write(`wrote ${values.out}${generated.notes.length ? ` with ${generated.notes.length} NOTE(s):` : ''}\n`);
      for (const n of generated.notes) process.stdout.write(`  ${n}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(e, json);
  }
}
