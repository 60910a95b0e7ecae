/**
 * Each rule literal lives in the module that owns its rule, and everything else imports the rule (issue 23: "a test
 * lists the rule literals and fails if one appears outside its module"). The string literals of authenticator/, lib/
 * and bin/ are read with the TypeScript parser (comments and documentation are not code and are not checked).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const EKS_RULES = 'authenticator/mapper/eks-rules.ts';
const AWS_AUTH = 'authenticator/mapper/aws-auth.ts';

interface RuleLiteral {
  readonly what: string;
  /** True when the literal text carries this rule's literal. */
  readonly matches: (text: string) => boolean;
  readonly home: string;
  /** `path: literal` pairs allowed elsewhere, each for a reason that is not this rule. */
  readonly elsewhere?: Readonly<Record<string, string>>;
}

const RULES: RuleLiteral[] = [
  { what: 'a reserved prefix', matches: (t) => ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'].includes(t), home: EKS_RULES },
  { what: 'a node username', matches: (t) => t.includes('system:node:'), home: EKS_RULES },
  {
    what: 'a node or superuser group',
    matches: (t) => ['system:masters', 'system:nodes', 'system:bootstrappers', 'system:node-proxier', 'eks:kube-proxy-windows'].includes(t),
    home: EKS_RULES,
  },
  { what: 'the access-policy ARN prefix', matches: (t) => t.includes('cluster-access-policy/'), home: EKS_RULES },
  {
    what: 'the aws-auth ConfigMap name or namespace',
    matches: (t) => t === 'aws-auth' || t === 'kube-system',
    home: AWS_AUTH,
    elsewhere: {
      'bin/commands/migrate.ts: aws-auth': 'the name of the --aws-auth flag',
      'bin/commands/import.ts: aws-auth': 'the name of the --aws-auth flag',
      'lib/k8s/write-manifests.ts: aws-auth': 'the id of the chart that renders it',
      'lib/live/diff/compare.ts: aws-auth': 'the label of the drift area',
      'lib/k8s/authenticator-chart.ts: kube-system': "the namespace the authenticator is deployed in, not aws-auth's",
    },
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every string literal and template piece of a file, with its line. */
function literals(path: string): Array<{ text: string; line: number }> {
  const source = ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Array<{ text: string; line: number }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      // Import specifiers are module paths, not rule literals.
      if (!ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
        out.push({ text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const files = ['authenticator', 'lib', 'bin'].flatMap(sourceFiles);

describe('rule literals', () => {
  it('the scan finds each rule literal in its home module (it reads what it should)', () => {
    for (const rule of RULES) {
      expect({ rule: rule.what, found: literals(rule.home).some((l) => rule.matches(l.text)) }).toEqual({ rule: rule.what, found: true });
    }
  });

  it('appear nowhere but in the module that owns the rule', () => {
    const stray: string[] = [];
    for (const path of files) {
      for (const { text, line } of literals(path)) {
        for (const rule of RULES) {
          if (path === rule.home || !rule.matches(text)) continue;
          if (rule.elsewhere?.[`${path}: ${text}`] !== undefined) continue;
          stray.push(`${path}:${line}: ${rule.what} ${JSON.stringify(text)} (belongs in ${rule.home})`);
        }
      }
    }
    expect(stray).toEqual([]);
  });

  it('every allowed exception is still used (no stale entry hides a new copy)', () => {
    for (const rule of RULES) {
      for (const key of Object.keys(rule.elsewhere ?? {})) {
        const [path, text] = key.split(': ');
        expect({ key, used: literals(path).some((l) => l.text === text) }).toEqual({ key, used: true });
      }
    }
  });
});
