/**
 * The one parser of `-l/--selector` of the fleet commands (`snapshot`, `diff`, `report`, `who-can` with `--fleet`):
 * kubectl's equality-based label selectors, `key=value`, `key==value` and `key!=value`, joined by commas (all must
 * hold). The semantics are Kubernetes' (kubernetes.io docs, "Labels and Selectors", section "Equality-based
 * requirement": `tier != frontend` "selects all resources with key equal to tier and value distinct from frontend,
 * and all resources with no labels with the tier key"; kubernetes/apimachinery pkg/labels/selector.go,
 * `Requirement.Matches`): `=`/`==` need the label with that value; `!=` holds when the label is absent or differs.
 * Set-based forms (`in`, `notin`, `key`, `!key`) are refused with what to write instead: fleets select by equality
 * (the CDK side's `ClusterSelector.labels` is equality too). Keys and values follow the label grammar of
 * `labelProblems` (rbac-vocabulary.ts), so a selector that can match nothing because of a typo is refused, not empty.
 */
import { labelProblems } from './rbac-vocabulary';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** A parsed selector: every requirement must hold. */
export interface LabelSelector {
  /** The selector as given (input: escape it for a terminal). */
  readonly text: string;
  readonly requirements: readonly LabelRequirement[];
}

/** At most this many characters: a flag, not a file. */
const MAX_SELECTOR_LENGTH = 4096;

/** Parses a selector; the error message says what is wrong and what would be valid. */
export function parseLabelSelector(text: string): { selector: LabelSelector } | { error: string } {
  if (text.length > MAX_SELECTOR_LENGTH) return { error: `longer than ${MAX_SELECTOR_LENGTH} characters` };
  if (text.trim() === '') return { error: 'is empty; give key=value[,key!=value...] (e.g. env=prod), or leave the flag out for every cluster' };
  const requirements: LabelRequirement[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(part);
    if (!m) {
      const setBased = /\s(in|notin)\s*\(/.test(` ${part}`) || /^!?[^=!\s]+$/.test(part);
      return { error: `'${part}' is not key=value, key==value or key!=value${setBased ? ' (set-based selectors — in, notin, key, !key — are not supported)' : ''}` };
    }
    const [, key, op, value] = m;
    const problems = labelProblems({ [key]: value });
    if (problems.length) return { error: problems.join('; ') };
    requirements.push({ key, operator: op === '!=' ? '!=' : '=', value });
  }
  return { selector: { text, requirements } };
}

/** Whether labels satisfy the selector (Kubernetes semantics: `!=` also holds when the label is absent). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    return r.operator === '=' ? has && labels[r.key] === r.value : !has || labels[r.key] !== r.value;
  });
}
