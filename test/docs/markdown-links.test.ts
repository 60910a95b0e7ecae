/**
 * Every link of the README and docs/ that points into this repository resolves: a `#fragment` names a heading of
 * its file (as GitHub makes heading anchors), a relative path names a file that exists (and its fragment, if any, a
 * heading of that file). A renamed heading or a moved file otherwise leaves a link that only a reader finds broken.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * GitHub's heading anchor: lower case, every character that is not a letter, digit, space, hyphen or underscore
 * dropped, each space a hyphen; a repeated anchor gets -1, -2, ... (github/cmark-gfm's and html-pipeline's
 * TableOfContentsFilter rule, https://github.com/gjtorikian/html-pipeline/blob/v2.14.3/lib/html/pipeline/toc_filter.rb).
 */
function githubAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Inline links `[text](target)` outside code fences and code spans. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) targets.push(m[1]);
  }
  return targets;
}

const files = ['README.md', 'CHANGELOG.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  .filter((f) => existsSync(join(ROOT, f)));

describe('markdown links into the repository', () => {
  test('githubAnchors follows GitHub: punctuation dropped, spaces hyphenated, repeats numbered', () => {
    const anchors = githubAnchors('# The `eks-access` command line: output, exit codes\n## Tokens: a/b\n## Tokens: a/b\n```\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['the-eks-access-command-line-output-exit-codes', 'tokens-ab', 'tokens-ab-1']);
  });

  test.each(files)('%s: every #fragment and relative path resolves', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const broken: string[] = [];
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — outside the repository
      const [pathPart, fragment] = target.split('#', 2);
      const resolved = pathPart ? join(dirname(join(ROOT, file)), decodeURIComponent(pathPart)) : join(ROOT, file);
      if (!existsSync(resolved)) {
        broken.push(`${target}: no file ${relative(ROOT, resolved)}`);
        continue;
      }
      if (fragment !== undefined && resolved.endsWith('.md') && !githubAnchors(readFileSync(resolved, 'utf8')).has(fragment)) {
        broken.push(`${target}: no heading with anchor #${fragment} in ${relative(ROOT, resolved)}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
