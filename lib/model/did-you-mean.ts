/**
 * "Did you mean" suggestions for names the user typed (group names, access policy names): the candidates within a small
 * edit distance, compared case-insensitively (`AmazonEksViewPolicy` is a typo of `AmazonEKSViewPolicy`, not another
 * policy). One function for every such message, so they all read the same.
 */

/** Levenshtein distance, small strings only (also the CLI's "did you mean" for flags and commands). */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * `; did you mean 'x'?` (or `'x' or 'y'` when tied) for the closest candidates, if they are at most `maxDistance`
 * edits from `name`, ignoring case; `''` when none is. Only the closest: names that share long parts (every
 * `AmazonEKS…Policy`) would otherwise all be suggested.
 */
export function didYouMean(name: string, candidates: Iterable<string>, maxDistance = 2): string {
  const lower = name.toLowerCase();
  const scored = [...candidates].map((c) => ({ c, d: distance(lower, c.toLowerCase()) }));
  const best = Math.min(...scored.map((x) => x.d));
  if (!(best <= maxDistance)) return '';
  const close = scored.filter((x) => x.d === best).map((x) => x.c).sort();
  return `; did you mean ${close.map((c) => `'${c}'`).join(' or ')}?`;
}
