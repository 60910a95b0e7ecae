/**
 * Every ```ts block of the README, compiled by the TypeScript compiler against the BUILT package (`cdk-eks-access` and
 * its subpaths resolve to the declarations in dist/, as an installed package's `types` would; aws-cdk-lib, constructs
 * and cdk8s from this repository's node_modules). The Python quick start is run by test/python/python-app.test.ts, and
 * the "Use it in your app" stack is synthesized from the packed tarball by test/package/consumer-app.test.ts.
 *
 * A block is one of:
 * - a module that exports something (`export class …`): compiled as it is;
 * - a module with imports but no export (statements at the top level): its imports stay on top, the rest is the body
 *   of a function whose `this` is a `Stack` (the README's "inside a stack" snippets) — nothing else is lent to it, so
 *   a variable it uses without declaring fails the test;
 * - a fragment (no import): the package's exports it names are imported for it, and it may use the names the README's
 *   prose gives it (GIVENS: `stack`, `cluster`, `app`/`k8sApp` (cdk8s), the TLS PEMs, the migration walkthrough's
 *   `mode` and `kubectlLayer`; `eks` is aws-cdk-lib/aws-eks) in a `this: Stack` function.
 * Every block may use `model`, the AccessModel the README builds in "Use it in your app".
 *
 * The snippets are written under the OS temp dir; every bare module name resolves to this repository's node_modules.
 * npm test builds dist/ first.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

/** What the README's prose hands a fragment, as parameters of the function its body becomes. */
const GIVENS = [
  'stack: import("aws-cdk-lib").Stack',
  'cluster: import("aws-cdk-lib/aws-eks").ICluster',
  'app: import("cdk8s").App',
  'k8sApp: import("cdk8s").App',
  'certPem: string',
  'keyPem: string',
  'caPem: string',
  // The migration walkthrough's steps: `mode` is its first block's step, `kubectlLayer` the one an eks.Cluster needs.
  'mode: import("cdk-eks-access").AuthenticationMode',
  'kubectlLayer: import("aws-cdk-lib/aws-lambda").ILayerVersion',
];

export interface Snippet {
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence in the README. */
  readonly line: number;
}

/** The fenced code blocks of a Markdown text. */
export function codeBlocks(markdown: string): Snippet[] {
  const blocks: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`README line ${i + 1}: unclosed code block`);
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return blocks;
}

const IMPORT_LINE = /^import\s[^;]*;?\s*$/;

/** The compilable source of one README block (see the file comment for the three kinds). */
export function snippetSource(code: string, packageExports: readonly string[]): string {
  const lines = code.split('\n');
  const imports = lines.filter((l) => IMPORT_LINE.test(l));
  if (/^export\s/m.test(code)) return code;
  const body = lines.filter((l) => !IMPORT_LINE.test(l)).join('\n');
  if (imports.length > 0) {
    return `${imports.join('\n')}\nexport function snippet(this: import('aws-cdk-lib').Stack): void {\n${body}\n}\n`;
  }
  const used = packageExports.filter((name) => new RegExp(`\\b${name}\\b`).test(code));
  const head = (used.length > 0 ? `import { ${used.join(', ')} } from 'cdk-eks-access';\n` : '')
    // `eks.` is aws-cdk-lib's EKS module, as the README's eks.Cluster snippets write it.
    + (/\beks\./.test(code) ? "import * as eks from 'aws-cdk-lib/aws-eks';\n" : '');
  // The extra block lets the fragment declare a name that is also a given (block scope shadows the parameter).
  return `${head}export function snippet(this: import('aws-cdk-lib').Stack, ${GIVENS.join(', ')}): void {\n{\n${body}\n}\n}\n`;
}

/** Compiles the files and returns the error diagnostics, each as `file:line: message`. */
function compile(files: string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    baseUrl: ROOT,
    // The package as installed: its `types`/`typesVersions` point at these declarations; its peers from node_modules.
    paths: {
      'cdk-eks-access': ['dist/lib/index.d.ts'],
      'cdk-eks-access/analysis': ['dist/lib/analysis/index.d.ts'],
      'cdk-eks-access/authenticator': ['dist/authenticator/index.d.ts'],
      '*': ['node_modules/*', 'node_modules/@types/*'],
    },
  });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.includes('cdk-eks-access-readme-') ? d.file.fileName.replace(/^.*[\\/]/, '') : relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe("the README's TypeScript snippets", () => {
  let snippets: Snippet[];
  let packageExports: string[];
  let OUT: string;

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'lib', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    snippets = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8')).filter((b) => b.lang === 'ts' || b.lang === 'typescript');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    packageExports = Object.keys(require(join(ROOT, 'dist', 'lib', 'index.js')) as object).filter((n) => /^[A-Za-z_]\w*$/.test(n));
    OUT = mkdtempSync(join(tmpdir(), 'cdk-eks-access-readme-'));
  });

  afterAll(() => {
    if (OUT) rmSync(OUT, { recursive: true, force: true });
  });

  it('compile against the built package, each as written', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    // `model` is the one name every block may use: the README builds it first.
    const givens = join(OUT, 'givens.d.ts');
    writeFileSync(givens, "declare const model: import('cdk-eks-access').AccessModel;\n");
    const files = snippets.map((s) => {
      const file = join(OUT, `readme-line-${s.line}.ts`);
      writeFileSync(file, snippetSource(s.code, packageExports));
      return file;
    });
    expect(compile([givens, ...files])).toEqual([]);
  }, 120_000);

  it('a snippet using a variable nobody declared does not compile (the check can fail)', () => {
    const file = join(OUT, 'undeclared.ts');
    writeFileSync(file, snippetSource("import { App } from 'cdk8s';\nimport { RbacChart } from 'cdk-eks-access';\nnew RbacChart(app, 'rbac');", packageExports));
    expect(compile([file])).toEqual([expect.stringMatching(/Cannot find name 'app'/)]);
  }, 120_000);
});

describe("the README's first screen is for users", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n');

  it('says what the package does, then how to install it (now and from the registries), then how to use it', () => {
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    expect(at(/^Declare, in one typed program/)).toBeLessThan(at(/^## Install$/));
    expect(at(/^## Install$/)).toBeLessThan(at(/^## Use it in your app$/));
    const install = readme.slice(readme.indexOf('<!-- section:install -->'), readme.indexOf('<!-- /section:install -->'));
    expect(install).toMatch(/^\*\*Works now[^\n]*\*\*/m);
    expect(install).toMatch(/^\*\*From release day[^\n]*\*\*/m);
  });

  it('keeps the contributor commands `npm ci` and `npm test` within its first 40 lines', () => {
    const first = lines.slice(0, 40);
    expect(first.some((l) => /^npm ci\b/.test(l))).toBe(true);
    expect(first.some((l) => /^npm test\b/.test(l))).toBe(true);
  });

  it('has one quick start (the Python one is its translation, inside it)', () => {
    const quickStarts = lines.filter((l) => /^#+ .*quick start/i.test(l));
    expect(quickStarts).toEqual(['### Python quick start']);
  });
});

describe('the README and the CLI name the same files', () => {
  it("merge-aws-auth's --ours is the aws-auth file writeAccessManifests writes, as in the README's apply steps", async () => {
    const { HELP } = await import('../../bin/commands/merge-aws-auth');
    const ours = HELP.flags.find((f) => f.name === 'ours');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const inReadme = [...readme.matchAll(/merge-aws-auth [^\n]*--ours (\S+)/g)].map((m) => m[1].split('/').pop());
    expect(inReadme.length).toBeGreaterThan(0);
    for (const file of new Set(inReadme)) expect(ours?.meaning).toContain(file);
    expect(ours?.meaning).not.toMatch(/\baccess\.k8s\.yaml/);
  });
});
