/**
 * What tests and the emitter property benchmark share about a module written by `eks-access import`
 * (lib/live/import): {@link emittedShapeProblems} parses it with the TypeScript compiler API and lists everything that
 * is not the expected statement shapes (library imports, the module's two functions and two constants, calls on the
 * model/chart and `new` of the library's classes with literal arguments — node kinds and identifiers on a whitelist);
 * {@link runEmitted} transpiles and runs it with `Module._load` hooked, serving the library and failing any other module.
 */
import Module from 'node:module';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import * as ts from 'typescript';
import * as api from '../lib';

const LIBRARY = 'cdk-eks-access';
/** The library's own path (tests generate `--module <repo>/lib/index`). */
const LIBRARY_PATH = path.resolve(__dirname, '..', 'lib', 'index');
/** Modules the library's API is made of; anything else reached from a generated module is a failure. */
const API_MODULES = new Set(['constructs', 'aws-cdk-lib', 'cdk8s', 'cdk8s-plus-28']);

const enumKeys = (o: object) => Object.keys(o).filter((k) => /^[A-Z][A-Z0-9_]*$/.test(k));
/** Every identifier the emitter writes itself; input never becomes an identifier. */
const IDENTIFIERS = new Set([
  // imports and the module's own names
  'Construct', 'AccessChart', 'AccessEntryType', 'AccessModel', 'AccessPolicy', 'AuthenticationMode', 'AwsAuthConfigMap', 'NodeOs', 'RbacChart',
  'RbacSubject', 'RoleKind', 'CLUSTER_NAME', 'IMPORTED_API', 'liveAccessModel', 'liveKubernetes', 'model', 'chart', 'scope', 'id',
  // methods
  'addNodeRole', 'importRole', 'importUser', 'addGroupGrant', 'addRole', 'addClusterRole', 'addRoleBinding', 'addClusterRoleBinding',
  'atClusterScope', 'inNamespaces', 'of', 'user', 'group', 'serviceAccount',
  // property names of the props objects
  'accountId', 'partition', 'authenticationMode', 'entryType', 'accessPolicies', 'username', 'kubernetesGroups', 'rules', 'namespaces',
  'clusterRole', 'name', 'namespace', 'roleName', 'roleKind', 'subjects', 'clusterRoleName', 'externalClusterRoles', 'externalRoles', 'awsAuth',
  'nodeRoles', 'roles', 'users', 'accounts', 'roleArn', 'userArn', 'groups', 'os', 'fargate', 'labels', 'aggregationSelectors',
  // enum members and the catalogue's policies
  ...enumKeys(api.AuthenticationMode), ...enumKeys(api.AccessEntryType), ...enumKeys(api.NodeOs), ...enumKeys(api.RoleKind), ...enumKeys(api.AccessPolicy),
]);
const K = ts.SyntaxKind;
const NODE_KINDS = new Set([
  K.SourceFile, K.EndOfFileToken, K.ImportDeclaration, K.ImportClause, K.NamedImports, K.ImportSpecifier, K.VariableStatement,
  K.VariableDeclarationList, K.VariableDeclaration, K.FunctionDeclaration, K.Parameter, K.TypeReference, K.Block, K.ExpressionStatement,
  K.ReturnStatement, K.VoidExpression, K.ExportKeyword, K.Identifier, K.StringLiteral, K.NumericLiteral, K.TrueKeyword, K.FalseKeyword,
  K.NullKeyword, K.ArrayLiteralExpression, K.ObjectLiteralExpression, K.PropertyAssignment, K.ShorthandPropertyAssignment, K.ComputedPropertyName,
  K.CallExpression, K.NewExpression, K.PropertyAccessExpression, K.TemplateExpression, K.TemplateHead, K.TemplateSpan, K.TemplateTail,
]);
const NEW_CLASSES = new Set(['AccessModel', 'RbacChart', 'AccessChart', 'AwsAuthConfigMap']);
const CALL_ROOTS = new Set(['model', 'chart', 'AccessPolicy', 'RbacSubject']);

function rootIdentifier(e: ts.Expression): string | undefined {
  let x: ts.Expression = e;
  while (ts.isPropertyAccessExpression(x) || ts.isCallExpression(x)) x = x.expression;
  return ts.isIdentifier(x) ? x.text : undefined;
}

/** What in `source` is not the expected shape of a generated module (empty: all of it is). */
export function emittedShapeProblems(source: string, moduleNames: readonly string[] = [LIBRARY, LIBRARY_PATH]): string[] {
  const problems: string[] = [];
  if (!/^[\x20-\x7e\n]*$/.test(source)) problems.push('holds a character outside printable ASCII and newline');
  const sf = ts.createSourceFile('imported.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diagnostics = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  for (const d of diagnostics) problems.push(`syntax: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  const text = (n: ts.Node) => n.getText(sf).slice(0, 80);
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) {
      const spec = (s.moduleSpecifier as ts.StringLiteral).text;
      if (spec !== 'constructs' && !moduleNames.includes(spec)) problems.push(`imports ${spec}`);
    } else if (ts.isVariableStatement(s)) {
      const names = s.declarationList.declarations.map((d) => d.name.getText(sf));
      if (names.join() !== 'CLUSTER_NAME' && names.join() !== 'IMPORTED_API') problems.push(`top-level const ${names.join()}`);
    } else if (ts.isFunctionDeclaration(s)) {
      if (s.name?.text !== 'liveAccessModel' && s.name?.text !== 'liveKubernetes') problems.push(`function ${s.name?.text}`);
      for (const b of s.body?.statements ?? []) {
        if (ts.isVariableStatement(b) || ts.isReturnStatement(b)) continue;
        if (ts.isExpressionStatement(b) && (ts.isCallExpression(b.expression) || ts.isNewExpression(b.expression) || ts.isVoidExpression(b.expression))) continue;
        problems.push(`statement in ${s.name?.text}: ${text(b)}`);
      }
    } else problems.push(`top-level statement: ${text(s)}`);
  }
  const walk = (n: ts.Node): void => {
    if (!NODE_KINDS.has(n.kind)) problems.push(`node ${K[n.kind]}: ${text(n)}`);
    if (ts.isIdentifier(n) && !IDENTIFIERS.has(n.text)) problems.push(`identifier ${n.text}`);
    if (ts.isNewExpression(n) && !(ts.isIdentifier(n.expression) && NEW_CLASSES.has(n.expression.text))) problems.push(`new ${text(n.expression)}`);
    // Calls: methods of the model/chart and of the library's classes, and `liveAccessModel()` (liveKubernetes' default).
    const ownCall = (c: ts.CallExpression) => (ts.isPropertyAccessExpression(c.expression) && CALL_ROOTS.has(rootIdentifier(c.expression) ?? ''))
      || (ts.isIdentifier(c.expression) && c.expression.text === 'liveAccessModel' && c.arguments.length === 0);
    if (ts.isCallExpression(n) && !ownCall(n)) problems.push(`call ${text(n.expression)}`);
    if (ts.isComputedPropertyName(n) && !ts.isStringLiteral(n.expression)) problems.push(`computed key ${text(n)}`);
    if (ts.isTemplateExpression(n) && n.getText(sf) !== '`${id}-grants`') problems.push(`template ${text(n)}`);
    ts.forEachChild(n, walk);
  };
  walk(sf);
  return problems;
}

export interface EmittedRun {
  /** Modules the generated code asked for that are not the library's API. */
  readonly forbiddenModules: string[];
  /** What the generated code threw, if it did. */
  readonly error?: string;
  /** The cdk8s app's output folder when `synth` was asked for. */
  readonly manifests?: string;
}

interface ImportedModule { liveAccessModel(): unknown; liveKubernetes(scope: unknown): unknown }
type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * Node's own `Module` class, whose `_load` every `require` goes through. Under jest, `node:module` is a subclass of
 * it (jest-runtime wraps the core module), so hooking that one would not see the requests: take the last class of the
 * chain that has its own `_load`.
 */
function nodeModuleClass(): typeof Module {
  let c: object = Module;
  for (let up = Object.getPrototypeOf(c) as object | null; up && Object.prototype.hasOwnProperty.call(up, '_load'); up = Object.getPrototypeOf(up) as object | null) c = up;
  return c as typeof Module;
}

/** Transpiles `source`, loads it with `Module._load` hooked, and calls `liveAccessModel()` and `liveKubernetes(app)`. */
export function runEmitted(source: string, makeApp: () => { synth(): void; outdir?: string }, opts: { synth?: boolean } = {}): EmittedRun {
  const js = transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2022' }).code;
  const forbiddenModules: string[] = [];
  const moduleInternals = nodeModuleClass() as unknown as { _load: Load };
  const original = moduleInternals._load;
  moduleInternals._load = function hooked(request, parent, isMain) {
    if (request === LIBRARY || path.resolve(request) === LIBRARY_PATH) return api;
    if (API_MODULES.has(request)) return original.call(this, request, parent, isMain);
    forbiddenModules.push(request);
    throw new Error(`generated module asked for ${request}`);
  };
  try {
    const m = new Module(path.join(__dirname, 'imported-module.js')) as Module & { _compile(code: string, file: string): void };
    m.filename = path.join(__dirname, 'imported-module.js');
    m._compile(js, m.filename);
    const mod = m.exports as ImportedModule;
    mod.liveAccessModel();
    const app = makeApp();
    mod.liveKubernetes(app);
    if (opts.synth) app.synth();
    return { forbiddenModules, manifests: app.outdir };
  } catch (e) {
    return { forbiddenModules, error: (e as Error).message ?? String(e) };
  } finally {
    moduleInternals._load = original;
  }
}
