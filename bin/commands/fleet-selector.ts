/**
 * `-l/--selector key=value[,key!=value]` of the fleet commands (`snapshot`/`diff --fleet FILE`, `report`/`who-can
 * --fleet DIR`): only the clusters whose labels (the fleet file's, as `fleet.json` repeats them) match. The one parser
 * is lib/model/label-selector.ts; this is its flag, its help entry and its usage errors, shared by the four commands.
 */
import { LabelSelector, parseLabelSelector, selectorMatches } from '../../lib/model/label-selector';
import { UsageError } from './cli-flags';
import { FlagHelp } from './help';

export const SELECTOR_OPTIONS = { selector: { type: 'string', short: 'l' } } as const;

export const SELECTOR_FLAG_HELP: FlagHelp = {
  name: 'selector', short: 'l', value: 'SELECTOR', default: 'none: every cluster',
  meaning: "with --fleet: only the clusters whose labels match, kubectl's equality syntax (env=prod, env!=dev, comma = and)",
};

/** The parsed `-l` (undefined without it); a usage error when it is malformed or given without `--fleet`. */
export function selectorFlag(values: { selector?: string; fleet?: string }): LabelSelector | undefined {
  if (values.selector === undefined) return undefined;
  if (values.fleet === undefined) throw new UsageError('-l/--selector goes with --fleet (it selects clusters of the fleet by label)');
  const parsed = parseLabelSelector(values.selector);
  if ('error' in parsed) throw new UsageError(`-l/--selector: ${parsed.error}`); // escaped by the frame (errorLine)
  return parsed.selector;
}

/** The clusters the selector keeps (all without one); a usage error when it keeps none, naming the labels there are. */
export function selectClusters<C extends { readonly labels: Readonly<Record<string, string>> }>(clusters: readonly C[], selector: LabelSelector | undefined, where: string): C[] {
  if (!selector) return [...clusters];
  const kept = clusters.filter((c) => selectorMatches(selector, c.labels));
  if (kept.length === 0) {
    const seen = [...new Set(clusters.flatMap((c) => Object.entries(c.labels).map(([k, v]) => `${k}=${v}`)))].sort().slice(0, 20);
    throw new UsageError(`-l ${selector.text}: no cluster of ${where} matches (labels there: ${seen.join(', ') || 'none'})`);
  }
  return kept;
}
