/**
 * Property test of `eks-access import`'s emitter (lib/live/import): generated snapshots — access entries, RBAC objects
 * and aws-auth rows — whose strings are drawn from a hostile alphabet (quotes, backticks, `${`, `*\/`, `\`, newline,
 * `\r`, U+2028/2029, NUL, ESC, C1 controls, bidi overrides, astral, combining and lone-surrogate characters, pieces of
 * JavaScript). For each, the generated module must
 * 1. parse (TypeScript compiler API) into exactly the expected statement shapes: imports of the library, the two
 *    functions and two constants the module always has, and inside them only calls on the model/chart and `new` of
 *    the library's classes with literal arguments — every node kind and every identifier on a whitelist;
 * 2. run (transpiled, `require` with `Module._load` hooked) without loading any module but the library's API.
 * The aws-auth ConfigMap of each input goes through `import --aws-auth FILE` as well, with the same checks.
 * Counted as well: inputs the import threw on, and generated modules that threw when run (a call the library refuses).
 *
 * `npm run fuzz:emitter [-- --runs N --seed S]` (default 100,000 runs) writes bench/results/emitter-property.{json,md};
 * a short run is test/bench/emitter-property.test.ts.
 */
import { parseArgs } from 'node:util';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { emittedShapeProblems, runEmitted } from '../../harness/emitted-module';
import { AccessSources } from '../../lib/analysis/inputs/load-sources';
import { commentText } from '../../lib/live/import/code-literal';
import { generateAwsAuthImport } from '../../lib/live/import/aws-auth-file';
import { generateImport } from '../../lib/live/import/generate';
import { assertLiveSnapshot, LiveSnapshot, snapshotAccessEntries } from '../../lib/live/snapshot/format';
import { examples, runMain, writeReport } from './report';

const ACCT = '111122223333';

// ---- the generated snapshots ----------------------------------------------------------------------------------

/** The hostile alphabet: each piece is one draw. */
const HOSTILE = [
  '"', "'", '`', '${', '}', '*/', '/*', '//', '\\', '\n', '\r', '\u2028', '\u2029', '\u0000', '\u001b', '\u001b[2J', '\u0085', '\u009b', '\u007f',
  '\u202e', '\u2066', '\ud83d\ude00', 'e\u0301', '\ud800', '\udfff', '\ufeff', ' ', '__proto__', 'constructor', '});', 'require("child_process")',
  'process.exit(1)', '<', '>', '&', '%', ':', '/', '.', '-', '*', 'system:', '{{SessionName}}', 'a', 'b', 'x', '0',
];
const hostile = fc.array(fc.constantFrom(...HOSTILE), { maxLength: 8 }).map((p) => p.join(''));
const plain = fc.constantFrom('dev', 'team-a', 'a-b', 'b', 'viewer', 'view', 'edit', 'ops', 'pods', 'get', 'list', '');
const word = fc.oneof(hostile, plain);
const words = fc.array(word, { maxLength: 3 });
const ns = fc.option(word, { nil: undefined });

const entryType = fc.oneof(fc.constantFrom('STANDARD', 'STANDARD', 'EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX'), hostile);
const principalArn = fc.oneof(
  word.map((n) => `arn:aws:iam::${ACCT}:role/${n}`), word.map((n) => `arn:aws:iam::${ACCT}:user/${n}`),
  fc.tuple(word, word).map(([p, n]) => `arn:aws:iam::${ACCT}:role/${p}/${n}`), hostile,
);
const policy = fc.record({
  policyArn: fc.oneof(fc.constantFrom('AmazonEKSViewPolicy', 'AmazonEKSClusterAdminPolicy', 'AmazonEKSEditPolicy'), hostile).map((n) => `arn:aws:eks::aws:cluster-access-policy/${n}`),
  scope: fc.oneof(fc.constant({ type: 'cluster', namespaces: [] as string[] }), words.map((n) => ({ type: 'namespace', namespaces: n }))),
});
const entry = fc.record({ principalArn, type: entryType, username: fc.option(word, { nil: undefined }), kubernetesGroups: words, accessPolicies: fc.array(policy, { maxLength: 2 }) });

const rule = fc.record({ apiGroups: words, resources: words, verbs: fc.array(fc.oneof(fc.constantFrom('get', 'list', '*'), hostile), { minLength: 1, maxLength: 3 }) });
const subject = fc.record({ kind: fc.oneof(fc.constantFrom('User', 'Group', 'ServiceAccount'), hostile), name: word, namespace: ns }, { requiredKeys: ['kind', 'name'] });
const labels = fc.dictionary(word, word, { maxKeys: 2 });
const grantName = fc.oneof(word, word.map((g) => `eks-access:${g}`));
const rbacObject = fc.oneof(
  fc.record({ kind: fc.constant('Role'), metadata: fc.record({ name: grantName, namespace: word }), rules: fc.array(rule, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('ClusterRole'), metadata: fc.record({ name: grantName, namespace: ns, labels }, { requiredKeys: ['name'] }), rules: fc.array(rule, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('ClusterRole'), metadata: fc.record({ name: word }), aggregationRule: fc.record({ clusterRoleSelectors: fc.array(fc.record({ matchLabels: labels }), { minLength: 1, maxLength: 2 }) }) }),
  fc.record({ kind: fc.constant('RoleBinding'), metadata: fc.record({ name: grantName, namespace: word }), roleRef: fc.record({ apiGroup: fc.constant('rbac.authorization.k8s.io'), kind: fc.constantFrom('Role', 'ClusterRole'), name: word }), subjects: fc.array(subject, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('ClusterRoleBinding'), metadata: fc.record({ name: grantName, namespace: ns }, { requiredKeys: ['name'] }), roleRef: fc.record({ apiGroup: fc.constant('rbac.authorization.k8s.io'), kind: fc.constant('ClusterRole'), name: word }), subjects: fc.array(subject, { maxLength: 3 }) }),
).map((o) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', ...o }));

const roleRow = fc.record({
  rolearn: fc.oneof(principalArn, fc.tuple(word, word).map(([p, n]) => `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/${p}/AWSReservedSSO_${n}_0123456789abcdef`)),
  username: word, groups: words,
});
const userRow = fc.record({ userarn: word.map((n) => `arn:aws:iam::${ACCT}:user/${n}`), username: word, groups: words });
const awsAuth = fc.record({ mapRoles: fc.array(roleRow, { maxLength: 3 }), mapUsers: fc.array(userRow, { maxLength: 2 }), mapAccounts: fc.array(fc.oneof(fc.constant(ACCT), hostile), { maxLength: 1 }) })
  .map((d) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: stringify(d.mapRoles), mapUsers: stringify(d.mapUsers), mapAccounts: stringify(d.mapAccounts) } }));

export interface GeneratedInput { readonly snapshot: LiveSnapshot; readonly objects: object[] }

export const generatedInput: fc.Arbitrary<GeneratedInput> = fc.record({
  snapshot: fc.record({
    apiVersion: fc.constant('cdk-eks-access.io/v1alpha1' as const), kind: fc.constant('LiveSnapshot' as const), takenAt: word,
    cluster: fc.record({ name: word, region: fc.constant('us-east-1'), authenticationMode: fc.option(fc.oneof(fc.constantFrom('API', 'API_AND_CONFIG_MAP', 'CONFIG_MAP'), hostile), { nil: undefined }) }),
    accessEntries: fc.array(entry, { maxLength: 4 }), iamRoles: fc.constant([]), problems: fc.constant([]),
  }),
  objects: fc.tuple(fc.array(rbacObject, { maxLength: 5 }), fc.option(awsAuth, { nil: undefined })).map(([r, a]) => (a ? [...r, a] : r)),
});

/** The outcome of one generated input: undefined when every property holds, else what failed. */
/** Code lines (not comments) holding an escaped character: a hostile value that reached the code, as a literal. */
function escapedCodeLines(source: string): number {
  return source.split('\n').filter((l) => !/^\s*(\/\/|\/\*|\*)/.test(l) && /\\u[0-9a-f]{4}|\\[nr"\\]/.test(l)).length;
}

export function checkOne(input: GeneratedInput, makeApp: () => { synth(): void }): { failure?: string; runtimeError?: string; notes: number; escapedCodeLines?: number } {
  // The generated snapshot is of the documented types: the load-time check must accept it.
  const snapshot = JSON.parse(JSON.stringify(input.snapshot)) as LiveSnapshot;
  assertLiveSnapshot(snapshot, 'cluster.json');
  const sources: AccessSources = {
    objects: input.objects.map((object) => ({ object: JSON.parse(JSON.stringify(object)) as never, origin: 'generated' })),
    accessEntries: snapshotAccessEntries(snapshot, 'cluster.json'), warnings: [], files: [], snapshots: [snapshot],
  };
  let generated;
  try {
    generated = generateImport(sources, { accountId: ACCT });
  } catch (e) {
    return { failure: `import threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`, notes: 0 };
  }
  const shape = emittedShapeProblems(generated.source);
  if (shape.length) return { failure: `shape: ${shape.slice(0, 3).join('; ')}`, notes: generated.notes.length };
  const run = runEmitted(generated.source, makeApp);
  if (run.forbiddenModules.length) return { failure: `loaded ${run.forbiddenModules.join(', ')}`, notes: generated.notes.length };
  // The same aws-auth rows through `import --aws-auth FILE` (aws-auth-file.ts): the same properties.
  const awsAuth = input.objects.find((o) => (o as { kind?: string }).kind === 'ConfigMap');
  if (awsAuth) {
    let fromFile;
    try {
      fromFile = generateAwsAuthImport(JSON.parse(JSON.stringify(awsAuth)), 'aws-auth.yaml', { accountId: ACCT, clusterName: input.snapshot.cluster.name });
    } catch (e) {
      return { failure: `import --aws-auth threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`, notes: generated.notes.length };
    }
    const fileShape = emittedShapeProblems(fromFile.source);
    if (fileShape.length) return { failure: `--aws-auth shape: ${fileShape.slice(0, 3).join('; ')}`, notes: generated.notes.length };
    const fileRun = runEmitted(fromFile.source, makeApp);
    if (fileRun.forbiddenModules.length) return { failure: `--aws-auth loaded ${fileRun.forbiddenModules.join(', ')}`, notes: generated.notes.length };
    if (fileRun.error !== undefined && run.error === undefined) return { runtimeError: `--aws-auth: ${fileRun.error}`, notes: generated.notes.length };
  }
  return { runtimeError: run.error, notes: generated.notes.length, escapedCodeLines: escapedCodeLines(generated.source) };
}

// ---- the run --------------------------------------------------------------------------------------------------

export interface EmitterFigures {
  readonly runs: number;
  readonly seed: number;
  readonly failures: number;
  readonly failureExamples: string[];
  /** Generated modules that threw when run (a call the library refused at run time); not an injection. */
  readonly runtimeErrors: number;
  readonly runtimeErrorExamples: string[];
  readonly notes: number;
  /** Runs whose generated code (not a comment) holds a hostile character, escaped in a literal. */
  readonly runsWithEscapedLiterals: number;
  readonly seconds: number;
}

export function runEmitterProperty(opts: { runs: number; seed: number; onProgress?: (done: number) => void }): EmitterFigures {
  // cdk8s is loaded the way the generated code would get it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const failureExamples: string[] = [];
  const runtimeErrorExamples: string[] = [];
  let failures = 0;
  let runtimeErrors = 0;
  let notes = 0;
  let runsWithEscapedLiterals = 0;
  let done = 0;
  const started = process.hrtime.bigint();
  fc.assert(fc.property(generatedInput, (input) => {
    const r = checkOne(input, () => new App());
    notes += r.notes;
    if (r.escapedCodeLines) runsWithEscapedLiterals++;
    if (r.runtimeError !== undefined) {
      runtimeErrors++;
      if (runtimeErrorExamples.length < 5) runtimeErrorExamples.push(commentText(r.runtimeError.slice(0, 300)));
    }
    if (r.failure) {
      failures++;
      // Examples go into Markdown: printable ASCII only (they hold the hostile characters themselves).
      if (failureExamples.length < 10) failureExamples.push(commentText(`${r.failure.slice(0, 300)} -- input ${JSON.stringify(input).slice(0, 400)}`));
    }
    if (++done % 1000 === 0) opts.onProgress?.(done);
    return true; // counted, not thrown: a long run reports every failure, not the first
  }), { numRuns: opts.runs, seed: opts.seed, endOnFailure: false });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { runs: done, seed: opts.seed, failures, failureExamples, runtimeErrors, runtimeErrorExamples, notes, runsWithEscapedLiterals, seconds: Math.round(seconds * 10) / 10 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string', default: '22' } } });
  const f = runEmitterProperty({ runs: Number(values.runs), seed: Number(values.seed), onProgress: (d) => process.stderr.write(`emitter-property: ${d}\n`) });
  writeReport('emitter-property', f, [
    '# Property test of the `eks-access import` emitter',
    '',
    `Method: \`npm run fuzz:emitter -- --runs ${f.runs} --seed ${f.seed}\` (bench/hardening/emitter-property.ts, run under \`nice\`). `
      + 'Each run generates a snapshot (access entries, RBAC objects, aws-auth rows) whose strings come from a hostile alphabet '
      + '(quotes, backticks, `${`, `*/`, `\\`, newline, CR, U+2028/2029, NUL, ESC, C1, bidi, astral, combining, lone surrogates, pieces of JavaScript), '
      + 'imports it, parses the module with the TypeScript compiler API against a whitelist of statement shapes, node kinds and identifiers, '
      + 'and runs it (esbuild transpile, `Module._load` hooked) checking that nothing outside the library\'s API is loaded.',
    '',
    '| runs | failures | generated modules that threw at run time | runs with a hostile value in code (as an escaped literal) | NOTEs written | time |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${f.runs} | ${f.failures} | ${f.runtimeErrors} | ${f.runsWithEscapedLiterals} | ${f.notes} | ${f.seconds} s (${Math.round((f.seconds * 1e6) / Math.max(1, f.runs))} µs/run) |`,
    ...examples('Failures', f.failureExamples),
    ...examples('Run-time errors (the library refusing a generated call; not an injection)', f.runtimeErrorExamples),
  ]);
  if (f.failures) process.exitCode = 1;
}

runMain('emitter-property', module, main);
