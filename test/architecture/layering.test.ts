/**
 * The layering of docs/architecture.md (moved from the README), checked on the import graph of the sources (eslint's
 * no-restricted-imports says the same per file; this test also catches what a pattern misses, such as a deeper
 * relative path or a re-export): the authenticator imports nothing from lib/, lib/model nothing from the layers that
 * build on it, and lib/aws (CDK constructs) nothing from lib/k8s (cdk8s charts) — what both need lives in lib/model or
 * the authenticator. And no import cycle at all, between files (type-only imports included: a cycle of types is still
 * two modules that cannot be read apart) or between folders (`authenticator`, `bin`, `lib/<folder>`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT, sources } from '../helpers/source-files';


/** Every relative module a file imports or re-exports (static `import`/`export ... from`, dynamic `import()`, `require`). */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]);
  return specifiers.map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)));
}

function violations(fromDir: string, forbidden: string[]): string[] {
  return sources(fromDir).flatMap((file) => relativeImports(file)
    .filter((target) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
    .map((target) => `${file} → ${target}`));
}

describe('layering', () => {
  it('finds the imports it checks (the scanner itself works)', () => {
    expect(relativeImports('lib/k8s/access-chart.ts')).toContain('lib/model');
  });

  it('authenticator/ imports nothing from lib/', () => {
    expect(violations('authenticator', ['lib'])).toEqual([]);
  });

  it('lib/aws imports nothing from lib/k8s', () => {
    expect(violations('lib/aws', ['lib/k8s'])).toEqual([]);
  });

  it('lib/model imports nothing from lib/aws, lib/k8s, lib/analysis or lib/live', () => {
    expect(violations('lib/model', ['lib/aws', 'lib/k8s', 'lib/analysis', 'lib/live'])).toEqual([]);
  });

  it('lib/ imports nothing from bin/ (the CLI\'s flags and printing stay with the CLI)', () => {
    expect(violations('lib', ['bin'])).toEqual([]);
  });

  it('harness/ (what tests and benchmarks share) imports nothing from test/ or bench/, and bench/ nothing from test/: no bench↔test cycle', () => {
    expect(violations('harness', ['test', 'bench'])).toEqual([]);
    expect(violations('bench', ['test'])).toEqual([]);
    // The product never loads a harness.
    expect(['authenticator', 'lib', 'bin'].flatMap((dir) => violations(dir, ['harness', 'test', 'bench']))).toEqual([]);
  });

  it('lib/k8s imports nothing from lib/analysis or lib/live (shared data is in lib/data) and loads no aws-cdk-lib (CDK constructs are lib/aws, lib/deploy)', () => {
    expect(violations('lib/k8s', ['lib/analysis', 'lib/live'])).toEqual([]);
    expect(sources('lib/k8s').filter((f) => /from 'aws-cdk-lib/.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });
});

/** The source file a relative import names (`x.ts` or `x/index.ts`), if it is one of ours. */
function resolveSource(target: string, known: ReadonlySet<string>): string | undefined {
  return [`${target}.ts`, join(target, 'index.ts')].find((f) => known.has(f));
}

/** The first cycle of a directed graph, as the path that closes it (`a → b → a`), or undefined. */
function firstCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.get(node) !== undefined) continue;
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

const allSources = ['authenticator', 'lib', 'bin'].flatMap(sources);
const known = new Set(allSources);
const fileGraph = new Map(allSources.map((f) => [f, relativeImports(f).map((t) => resolveSource(t, known)).filter((t): t is string => t !== undefined)]));
/** `authenticator`, `bin`, or `lib/<folder>`: the units of the architecture table. */
const folderOf = (file: string) => (file.startsWith('lib/') ? file.split('/').slice(0, 2).join('/') : file.split('/')[0]);

describe('no import cycles', () => {
  it('the graph is read (the scanner resolves files and index modules)', () => {
    expect(fileGraph.get('lib/k8s/access-chart.ts')).toContain('lib/model/index.ts');
    expect(firstCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(firstCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeUndefined();
  });

  it('between files of authenticator/, lib/ and bin/ (a depth-first search over every relative import)', () => {
    expect(firstCycle(fileGraph)?.join(' → ')).toBeUndefined();
  });

  it('between folders (authenticator, bin, lib/<folder>)', () => {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of fileGraph) {
      const from = folderOf(file);
      const edges = folders.get(from) ?? new Set<string>();
      for (const t of targets) if (folderOf(t) !== from) edges.add(folderOf(t));
      folders.set(from, edges);
    }
    expect(firstCycle(new Map([...folders].map(([k, v]) => [k, [...v].sort()])))?.join(' → ')).toBeUndefined();
  });
});

describe('the architecture table (docs/architecture.md, contributor material moved out of the README)', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('<!-- section:architecture -->'), doc.indexOf('<!-- /section:architecture -->'));
  const listed = [...section.matchAll(/^\| `([^`]+)\/` \|/gm)].map((m) => m[1]);

  it('lists folders that exist', () => {
    expect(listed.length).toBeGreaterThan(5);
    expect(listed.filter((f) => !statSync(join(ROOT, f), { throwIfNoEntry: false })?.isDirectory())).toEqual([]);
  });

  it('lists every folder of lib/', () => {
    const folders = readdirSync(join(ROOT, 'lib')).filter((n) => statSync(join(ROOT, 'lib', n)).isDirectory()).map((n) => `lib/${n}`);
    expect(folders.filter((f) => !listed.includes(f))).toEqual([]);
  });
});
