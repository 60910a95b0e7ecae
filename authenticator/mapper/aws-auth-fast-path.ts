/**
 * Fast paths for the aws-auth strings (`mapRoles`, `mapUsers`, `mapAccounts`) in the shapes real clusters hold, so a
 * large ConfigMap is not lexed by the full YAML parser (on 1,200 rows that parse was the largest cost left in `can-i`
 * and `who-can`; bench/results/analysis-size.md). They never widen what is accepted: each either returns exactly what
 * `parseYamlText`'s full parse (`yaml`, failsafe schema) returns for the same text, or `undefined` — "not in my
 * subset" — and the full parser decides. test/authenticator/mapper/aws-auth-fast-path.test.ts checks that on random
 * documents built to sit on both sides of each subset's edges.
 *
 * The reference reads these strings with sigs.k8s.io/yaml (YAML → JSON, then `[]string`/struct decoding), which accepts
 * JSON as YAML (pkg/mapper/configmap/configmap.go ParseMap in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/mapper/configmap/configmap.go).
 */

/** Printable ASCII, space and LF (plus tab for JSON, where it is whitespace between tokens). No CR: the full parser
 * treats a lone CR as a line break, JSON.parse as whitespace. Anything else goes to the full parser. */
const JSON_CHARS = /^[\t\n -~]*$/;
const BLOCK_CHARS = /^[\n -~]*$/;
/** Deeper than any aws-auth value (list > row > groups): deeper JSON is left to the full parser and its own limits. */
const MAX_JSON_DEPTH = 6;

/**
 * JSON whose every leaf is a string (the failsafe schema turns `1`, `true`, `null` into the strings "1", "true",
 * "null", which JSON.parse would not, so such text goes to the full parser).
 */
export function parseJsonStrings(text: string): unknown {
  if (!JSON_CHARS.test(text)) return undefined;
  // A list or an object, not indented by a tab (the full parser refuses a tab as indentation: TAB_AS_INDENT).
  const lead = /^[ \n]*[[{]/.exec(text);
  if (!lead) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') continue;
    if (depth > MAX_JSON_DEPTH || v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
    } else {
      for (const [k, x] of Object.entries(v)) {
        if (k === '__proto__') return undefined;
        stack.push([x, depth + 1]);
      }
    }
  }
  return value;
}

/** A key: plain, or quoted without escapes (Terraform's `yamlencode` quotes every key). */
const KEY = /^(?:([A-Za-z_][A-Za-z0-9_-]{0,63})|"([A-Za-z0-9_.-]{0,64})"|'([A-Za-z0-9_.-]{0,64})'):(?: +(.*))?$/;
/** A plain scalar that is one plain scalar in every YAML context here: no spaces, no `#`, no indicator first. */
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_.:/@{}=+,$-]*$/;
const DOUBLE_QUOTED = /^"([ !#-[\]-~]*)"$/;
const SINGLE_QUOTED = /^'([ -&(-~]*)'$/;

/** A one-line scalar (trailing spaces already removed), or undefined. */
function scalar(s: string): string | undefined {
  if (PLAIN.test(s)) return s.endsWith(':') ? undefined : s;
  return DOUBLE_QUOTED.exec(s)?.[1] ?? SINGLE_QUOTED.exec(s)?.[1];
}

type Row = Record<string, string | string[]>;

/**
 * A block sequence whose items are one-line scalars or mappings of one-line scalars and block sequences of one-line
 * scalars — what `encodeAwsAuth`, eksctl, Terraform and the EKS console write:
 *
 * ```yaml
 * - rolearn: arn:aws:iam::111122223333:role/node
 *   username: system:node:{{EC2PrivateDNSName}}
 *   groups:
 *   - system:bootstrappers
 * ```
 *
 * No comments, anchors, tags, flow collections, multi-line scalars, escapes, tabs or empty values.
 */
export function parseSimpleBlockSequence(text: string): unknown[] | undefined {
  if (!BLOCK_CHARS.test(text)) return undefined;
  const items: Array<Row | string> = [];
  let itemCol = -1;
  let row: Row | undefined;
  let rowCol = -1;
  /** A key written `key:` whose value, a block sequence, starts on the next line. */
  let openKey: string | undefined;
  let list: string[] | undefined;
  let listCol = -1;

  const setKey = (content: string): boolean => {
    const m = KEY.exec(content);
    if (!m || !row) return false;
    const key = m[1] ?? m[2] ?? m[3];
    if (key === '__proto__') return false;
    const rest = (m[4] ?? '').trimEnd();
    if (rest === '') {
      openKey = key;
      return true;
    }
    const v = scalar(rest);
    if (v === undefined) return false;
    row[key] = v;
    return true;
  };

  for (const line of text.split('\n')) {
    const rest = line.trimStart();
    if (rest === '') continue;
    const col = line.length - rest.length;
    const content = rest.trimEnd();
    if (openKey !== undefined) {
      // The first item of the key's sequence: at the key's column (YAML's indentless sequence) or deeper.
      if (col < rowCol || !content.startsWith('- ')) return undefined;
      const v = scalar(content.slice(2).trimStart());
      if (v === undefined) return undefined;
      list = [v];
      row![openKey] = list;
      listCol = col;
      openKey = undefined;
      continue;
    }
    if (list && col === listCol && content.startsWith('- ')) {
      const v = scalar(content.slice(2).trimStart());
      if (v === undefined) return undefined;
      list.push(v);
      continue;
    }
    list = undefined;
    if (itemCol === -1) itemCol = col;
    if (col === itemCol && content.startsWith('- ')) {
      const after = content.slice(2);
      const inner = after.trimStart();
      if (KEY.test(inner)) {
        row = {};
        items.push(row);
        rowCol = col + 2 + (after.length - inner.length);
        if (!setKey(inner)) return undefined;
      } else {
        const v = scalar(inner);
        if (v === undefined) return undefined;
        items.push(v);
        row = undefined;
      }
      continue;
    }
    if (row && col === rowCol && setKey(content)) continue;
    return undefined;
  }
  if (openKey !== undefined || itemCol === -1) return undefined;
  return items;
}

/** Either fast path's value, or undefined when the text is in neither subset (then the full parser reads it). */
export function parseAwsAuthTextFast(text: string): unknown {
  return parseJsonStrings(text) ?? parseSimpleBlockSequence(text);
}
