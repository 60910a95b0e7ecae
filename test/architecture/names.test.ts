/**
 * One name per concept (docs/contributing.md, "One name per concept"): an access entry has at most one record type per
 * layer, the one the table names; the construct layers hold no two files of the same name; and no module exports a
 * second name for a value of another module unless the package root still owes it (marked `@deprecated`).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EC2_NODE_USERNAME, FARGATE_USERNAME, MigrationPlanRow, NODE_USERNAME, PlannedAccessEntry, planMigration, SESSION_NODE_USERNAME } from '../../lib';
import { ROOT, sources } from '../helpers/source-files';


const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The fields that make a record an access entry's (the EKS API's CreateAccessEntry, or its normalised spellings). */
const ENTRY_FIELDS = [/\bprincipalArn\??:/, /\btype\??:/, /\busername\??:/, /\b(kubernetesGroups|groups)\??:/, /\b(accessPolicies|policies)\??:/];

interface Declared { readonly name: string; readonly file: string; readonly derivedFrom?: string; readonly deprecated?: boolean }

/** True when the doc comment right above `index` (eslint directives aside) says `@deprecated`. */
function deprecatedAt(text: string, index: number): boolean {
  const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:\/\/[^\n]*\n\s*)*$/.exec(text.slice(0, index));
  return doc !== null && /@deprecated/.test(doc[1]);
}

/** Exported interfaces with at least four of the access entry's fields, and the exported types derived from them. */
function accessEntryRecords(files: string[]): Declared[] {
  const records: Declared[] = [];
  for (const file of files) {
    for (const m of read(file).matchAll(/^export interface (\w+)(?: extends [^{]+)? \{\n([\s\S]*?)^\}/gm)) {
      if (ENTRY_FIELDS.filter((f) => f.test(m[2])).length >= 4) records.push({ name: m[1], file });
    }
  }
  const names = new Set(records.map((r) => r.name));
  for (const file of files) {
    const text = read(file);
    for (const m of text.matchAll(/^export (?:type (\w+) = \w+<(\w+)|interface (\w+) extends (\w+) \{\s*\})/gm)) {
      const [name, from] = m[1] ? [m[1], m[2]] : [m[3], m[4]];
      if (names.has(from)) records.push({ name, file, derivedFrom: from, deprecated: deprecatedAt(text, m.index) });
    }
  }
  return records;
}

/** The rows of the contributing guide's table: `| layer | \`Type\` | \`file\` | ... |`. */
function tableRows(): { layer: string; name: string; file: string }[] {
  const text = read('docs/contributing.md');
  const start = text.indexOf('## One name per concept');
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\| ([^|]+?) \| `(\w+)`[^|]*\| `([^`]+)` \|/gm)].map((m) => ({ layer: m[1], name: m[2], file: m[3] }));
}

const CODE = [...sources('lib'), ...sources('authenticator'), ...sources('bin')];

describe('one name per concept', () => {
  it('finds the records it checks (the scanner itself works)', () => {
    expect(accessEntryRecords(['lib/model/model-views.ts']).map((r) => r.name)).toEqual(['AccessEntryJson']);
    expect(tableRows().length).toBeGreaterThanOrEqual(5);
  });

  it('an access entry has exactly the record types of the table, one per layer, each in its file', () => {
    const rows = tableRows();
    // A deprecated alias the package root still owes (`PlannedAccessEntry`) is the same record under its old name.
    const found = accessEntryRecords(CODE).filter((r) => !r.deprecated);
    expect(found.map((r) => `${r.name} ${r.file}`).sort()).toEqual(rows.map((r) => `${r.name} ${r.file}`).sort());
    expect(new Set(rows.map((r) => r.layer)).size).toBe(rows.length);
  });

  it('a derived record is declared as derived (no second declaration of the same fields)', () => {
    const snapshot = accessEntryRecords(CODE).find((r) => r.name === 'SnapshotAccessEntry');
    expect(snapshot?.derivedFrom).toBe('AccessEntryRecord');
  });

  it('the construct layers hold no two files of the same name', () => {
    const files = ['lib/model', 'lib/aws', 'lib/k8s', 'lib/deploy'].flatMap(sources).map((f) => basename(f)).filter((n) => n !== 'index.ts');
    expect(files.filter((n, i) => files.indexOf(n) !== i)).toEqual([]);
  });

  it('no module exports a second name for a constant or type, unless it is the package root\'s, marked @deprecated', () => {
    const aliases = CODE.flatMap((file) => {
      const text = read(file);
      return [...text.matchAll(/^export (?:const|type) (\w+) = ([A-Za-z_]\w*);/gm)]
        .filter((m) => !deprecatedAt(text, m.index))
        .map((m) => `${file}: ${m[1]} = ${m[2]}`);
    });
    expect(aliases).toEqual([]);
  });

  it('"mapping" is the identity mapping only: a message calls a YAML/JSON object "an object"', () => {
    const messages = CODE.flatMap((file) => [...read(file).matchAll(/['`][^'`\n]*\b(?:be|expected|got|return) a mapping\b[^'`\n]*['`]|return 'a mapping'/g)]
      .map((m) => `${file}: ${m[0]}`));
    expect(messages).toEqual([]);
  });

  it('the package root\'s old names still work: the same values and the same record', () => {
    expect(NODE_USERNAME).toBe(EC2_NODE_USERNAME);
    expect(FARGATE_USERNAME).toBe(SESSION_NODE_USERNAME);
    const rows: MigrationPlanRow[] = planMigration({ mapUsers: [{ userarn: 'arn:aws:iam::111122223333:user/alice', username: 'alice', groups: ['dev'] }] }).entries;
    const old: PlannedAccessEntry[] = rows;
    expect(old.map((r) => [r.principalArn, r.username, r.kubernetesGroups])).toEqual([['arn:aws:iam::111122223333:user/alice', 'alice', ['dev']]]);
  });
});
