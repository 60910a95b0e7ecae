/**
 * `eks-access import`: the TypeScript that reproduces a snapshot with the published API — `liveAccessModel()` (the
 * `AccessModel` of the access entries, for `ClusterAccess`) and `liveKubernetes(scope)` (an `RbacChart` with the
 * cluster's own RBAC and its aws-auth rows, for cdk8s). Wherever live holds something the model or the chart refuses,
 * a `NOTE` comment says what, why, and what was done instead.
 *
 * Everything read is attacker-controlled (RBAC subjects are named by namespace admins, aws-auth rows by whoever may
 * edit it, a snapshot folder by anyone who can write it), and the generated module is run by `cdk synth`. So every
 * value goes through code-literal.ts (literals only, comments sanitized, enums checked before written), and ids come
 * from one `IdAllocator` for the whole module.
 */
import { isAwsAuthConfigMap } from '../../../authenticator/mapper/aws-auth';
import { AccessSources } from '../../analysis/inputs/load-sources';
import { DEFAULT_CLUSTER_ROLES } from '../../k8s/cluster-defaults';
import { AccessModel, AuthenticationMode, validateModel } from '../../model';
import { commentText, enumMember, enumValues, IdAllocator, literal, noteComment, stringLiteral } from './code-literal';
import { parseIamArn } from '../../model/iam-arn';
import { LiveObject } from '../kube/client';
import { isPlatformObject } from '../diff/state';
import { importGroupGrants } from './group-grants';
import { importAwsAuth, importRbac } from './kubernetes';
import { ImportedCall, PrincipalImporter } from './principals';

export interface ImportOptions {
  /** Account of the cluster. @default - the account of the first IAM ARN in the snapshot */
  readonly accountId?: string;
  /** Module the generated code imports the API from. @default 'cdk-eks-access' */
  readonly moduleName?: string;
  /** NOTEs of the caller about its input (aws-auth-file.ts), written first. */
  readonly extraNotes?: readonly string[];
  /** What the code was generated from, for the header. @default - the snapshot, its cluster and time */
  readonly sourceDescription?: string;
  /** The command named in the header (`eks-access usage --propose` writes through this emitter too). @default 'eks-access import' */
  readonly generator?: string;
  /** What the NOTE comments mark, for the header. @default - what the live cluster holds that the model refuses */
  readonly notesMark?: string;
}

export interface GeneratedImport {
  readonly source: string;
  /** Every NOTE written (what live holds that the model refuses). */
  readonly notes: string[];
}

function block(calls: readonly ImportedCall[], indent: string): string[] {
  return calls.flatMap((c) => [...c.notes.map((n) => noteComment(n, indent)), ...c.code.flatMap((l) => l.split('\n').map((x) => `${indent}${x}`))]);
}

/** The ids the generated module writes itself in the chart's scope (kubernetes.ts `new AwsAuthConfigMap(chart, 'AwsAuth')`). */
const RESERVED_IDS = ['AwsAuth'];

/** Why an object read from the cluster is not of the shape the importers read (undefined: it is). */
function objectShapeProblem(o: LiveObject): string | undefined {
  const m = (o as { metadata?: unknown }).metadata as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null) return 'metadata is not an object';
  if (typeof m.name !== 'string') return 'metadata.name is not a string';
  if (m.namespace !== undefined && typeof m.namespace !== 'string') return 'metadata.namespace is not a string';
  return undefined;
}

/** `importAwsAuth`, with a ConfigMap its parser cannot take said in a NOTE instead of failing the import. */
function awsAuthImport(configMap: LiveObject | undefined): ImportedCall | undefined {
  try {
    return importAwsAuth(configMap);
  } catch (e) {
    return { code: [], notes: [`live: aws-auth cannot be read (${(e as Error).message}); done instead: not rendered.`] };
  }
}

export function generateImport(sources: AccessSources, options: ImportOptions = {}): GeneratedImport {
  const snapshot = sources.snapshots?.[0];
  if (!snapshot) throw new Error('the --from folder holds no cluster.json of `eks-access snapshot`');
  const headNotes: string[] = [...(options.extraNotes ?? [])];
  const liveMode = snapshot.cluster.authenticationMode ?? AuthenticationMode.API_AND_CONFIG_MAP;
  let modeCode = enumMember('AuthenticationMode', AuthenticationMode, liveMode);
  if (!modeCode) {
    headNotes.push(`live: authenticationMode ${JSON.stringify(liveMode)} is not one of ${enumValues(AuthenticationMode).join(', ')}; done instead: ${AuthenticationMode.API_AND_CONFIG_MAP}.`);
    modeCode = `AuthenticationMode.${AuthenticationMode.API_AND_CONFIG_MAP}`;
  }
  const mode = (modeCode === `AuthenticationMode.${liveMode}` ? liveMode : AuthenticationMode.API_AND_CONFIG_MAP) as AuthenticationMode;
  const objects: LiveObject[] = [];
  for (const s of sources.objects) {
    const o = s.object as unknown as LiveObject;
    const problem = objectShapeProblem(o);
    if (problem) headNotes.push(`live: a ${JSON.stringify(o.kind)} object from ${s.origin}: ${problem}; done instead: not imported.`);
    else objects.push(o);
  }
  const awsAuth = objects.find(isAwsAuthConfigMap);
  const firstArn = sources.accessEntries.map((e) => parseIamArn(e.principalArn)).find((a) => a);
  const accountId = options.accountId ?? firstArn?.accountId;
  if (!accountId) throw new Error('no IAM ARN in the snapshot to take the account from; pass --account');
  const partition = firstArn?.partition ?? 'aws';

  const ids = new IdAllocator(RESERVED_IDS);
  const importer = new PrincipalImporter(accountId, mode, partition, ids);
  const principals = [...sources.accessEntries].sort((a, b) => a.principalArn.localeCompare(b.principalArn)).map((e) => importer.entry(e));
  const rbacObjects = objects.filter((o) => /^rbac\.authorization\.k8s\.io\//.test(String(o.apiVersion)) && !isPlatformObject(o as never));
  // Each group grant is checked on a scratch model with the model's own validation, as principals are (principals.ts).
  const grants = importGroupGrants(rbacObjects, (props) => {
    const scratch = new AccessModel({ accountId, authenticationMode: mode, partition });
    try {
      scratch.addGroupGrant(props);
    } catch (e) {
      return (e as Error).message;
    }
    const refused = validateModel(scratch).filter((i) => i.subject !== 'model');
    return refused.length ? refused.map((i) => i.message).join('; ') : undefined;
  });
  const verbatim = rbacObjects.filter((o) => !grants.consumed.has(o));
  const rbac = importRbac(verbatim, ids);
  const awsAuthCall = awsAuthImport(awsAuth);
  const notes = [...headNotes, ...[...principals, ...grants.calls, ...rbac.calls, ...(awsAuthCall ? [awsAuthCall] : [])].flatMap((c) => c.notes)];
  // ClusterRoles the group grants bind that are not cluster defaults (AccessChart checks its bindings' roles).
  const grantExternals = grants.boundClusterRoles.filter((r) => !DEFAULT_CLUSTER_ROLES.has(r));
  const chartProps = [
    ...(rbac.externalClusterRoles.length ? [`externalClusterRoles: ${literal(rbac.externalClusterRoles)}`] : []),
    ...(rbac.externalRoles.length ? [`externalRoles: ${literal(rbac.externalRoles)}`] : []),
  ];
  const lines = [
    '/**',
    // Comment text from input only through commentText (one line of printable ASCII, no comment end).
    ` * Generated by \`${commentText(options.generator ?? 'eks-access import')}\` from ${commentText(options.sourceDescription ?? `the snapshot of cluster '${snapshot.cluster.name}' taken ${snapshot.takenAt}`)}`,
    ` * (authentication mode ${mode}). Review the NOTE comments: they mark ${commentText(options.notesMark ?? 'what the live cluster holds that the model refuses')}.`,
    ' *',
    ' *   new ClusterAccess(stack, \'Access\', { cluster: ClusterTarget.fromClusterName({ clusterName: CLUSTER_NAME,',
    ` *     authenticationMode: ${modeCode} }), model: liveAccessModel() });   // aws-cdk-lib stack`,
    ' *   liveKubernetes(new App());                                                           // cdk8s app',
    ' */',
    `import { Construct } from 'constructs';`,
    `import { AccessChart, AccessEntryType, AccessModel, AccessPolicy, AuthenticationMode, AwsAuthConfigMap, NodeOs, RbacChart, RbacSubject, RoleKind } from ${stringLiteral(options.moduleName ?? 'cdk-eks-access')};`,
    '',
    `export const CLUSTER_NAME = ${stringLiteral(snapshot.cluster.name)};`,
    '',
    '/** The access entries: imported users and roles with their groups and access policies, and node roles. */',
    'export function liveAccessModel(): AccessModel {',
    ...headNotes.map((n) => noteComment(n, '  ')),
    `  const model = new AccessModel({ accountId: ${stringLiteral(accountId)}, ${partition !== 'aws' ? `partition: ${stringLiteral(partition)}, ` : ''}authenticationMode: ${modeCode} });`,
    ...block(principals, '  '),
    ...(grants.calls.length ? ['  // Group grants: RBAC this library rendered before (AccessChart names `eks-access:<group>`).', ...block(grants.calls, '  ')] : []),
    '  return model;',
    '}',
    '',
    '/**',
    ' * The cluster\'s own RBAC (not the platform\'s `system:*`/`eks:*` objects) and its aws-auth rows; the model\'s group',
    ' * grants go to an AccessChart beside it.',
    ' */',
    `export function liveKubernetes(scope: Construct, id = 'live-access', model: AccessModel = liveAccessModel()): RbacChart {`,
    `  const chart = new RbacChart(scope, id${chartProps.length ? `, { ${chartProps.join(', ')} }` : ''});`,
    ...(grants.calls.length
      ? [`  new AccessChart(scope, \`\${id}-grants\`, { model, awsAuth: false${grantExternals.length ? `, externalClusterRoles: ${literal(grantExternals)}` : ''} });`]
      : ['  void model; // no group grants in this snapshot']),
    ...block(rbac.calls, '  '),
    ...(awsAuthCall ? block([awsAuthCall], '  ') : []),
    '  return chart;',
    '}',
    '',
    '// Referenced so that every imported name is used whatever the snapshot holds (noUnusedLocals).',
    'export const IMPORTED_API = { AccessChart, AccessEntryType, AccessPolicy, AwsAuthConfigMap, NodeOs, RbacSubject, RoleKind };',
    '',
  ];
  return { source: lines.join('\n'), notes };
}
