/**
 * Live RBAC objects and aws-auth rows → `RbacChart` / `AwsAuthConfigMap` calls that render the same objects (names,
 * namespaces, rules, aggregation selectors and labels, role references, subjects). Each object is first added to a
 * scratch chart: what the chart refuses becomes a comment with the reason instead of code that would fail at synth.
 * Roles that bindings reference but the cluster does not hold are declared external, so the chart's dangling-binding
 * check keeps passing on what live already has. Every value is written through code-literal.ts; ids come from the
 * import's one `IdAllocator`; a cluster-scoped object's namespace is ignored as the API server ignores it (the key
 * function diff uses, lib/live/diff/state.ts).
 */
import { App } from 'cdk8s';
import { parseAwsAuth } from '../../../authenticator/mapper/aws-auth';
import { AwsAuthConfigMap, AwsAuthConfigMapProps, DEFAULT_CLUSTER_ROLES, DEFAULT_ROLES, NodeOs, NodeRoleMapping, RbacChart, RbacSubject, RoleKind } from '../../k8s';
import type { RbacRule } from '../../model';
import { nodeTypeOfRow } from '../../../authenticator/mapper/eks-rules';
import { rbacRuleOf } from '../../model/rbac-rule-forms';
import { AccessEntryType } from '../../model';
import { LiveObject } from '../kube/client';
import { isPlatformObject, rbacKey, scopedNamespace } from '../diff/state';
import { IdAllocator, literal } from './code-literal';
import { ImportedCall, rowRoleArn } from './principals';

const lit = literal;
type Rule = Record<string, string[] | undefined>;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
interface Subject { kind: string; name: string; namespace?: string }

function rules(o: LiveObject): RbacRule[] {
  return ((o.rules as Rule[] | undefined) ?? []).map(rbacRuleOf);
}

function subjectCode(s: Subject, bindingNs: string | undefined): { code: string; subject: RbacSubject } {
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace ?? bindingNs ?? 'default';
    return { code: `RbacSubject.serviceAccount(${lit(s.name)}, ${lit(ns)})`, subject: RbacSubject.serviceAccount(s.name, ns) };
  }
  if (s.kind === 'User') return { code: `RbacSubject.user(${lit(s.name)})`, subject: RbacSubject.user(s.name) };
  if (s.kind === 'Group') return { code: `RbacSubject.group(${lit(s.name)})`, subject: RbacSubject.group(s.name) };
  // The three subject kinds of rbac.authorization.k8s.io/v1 (Kubernetes API reference, "Subject"); anything else is
  // not written as code.
  throw new Error(`subject kind ${JSON.stringify(s.kind)} is not one of User, Group, ServiceAccount`);
}

/** The labels worth keeping: aggregation selects by them. Tooling labels of the writer are not access. */
function labelsOf(o: LiveObject): Record<string, string> | undefined {
  const l = { ...(o.metadata.labels as Record<string, string> | undefined) };
  delete l['app.kubernetes.io/managed-by'];
  return Object.keys(l).length ? l : undefined;
}

export interface KubernetesImport {
  readonly externalClusterRoles: string[];
  readonly externalRoles: string[];
  readonly calls: ImportedCall[];
}

export function importRbac(objects: readonly LiveObject[], ids: IdAllocator = new IdAllocator()): KubernetesImport {
  const mine = objects.filter((o) => !isPlatformObject(o as never));
  const clusterRoles = new Set(mine.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name));
  const roles = new Set(mine.filter((o) => o.kind === 'Role').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  const externalClusterRoles = new Set<string>();
  const externalRoles = new Set<string>();
  const scratch = new RbacChart(new App(), 'scratch', { externalClusterRoles: [...clusterRoles], externalRoles: [...roles] });
  const calls: ImportedCall[] = [];
  let n = 0;
  for (const o of mine) {
    const name = o.metadata.name;
    const namespace = scopedNamespace(o);
    const id = ids.allocate(`${o.kind}-${namespace ? `${namespace}-` : ''}${name}`, String(o.kind));
    const scratchId = `o${n++}`;
    let code: string;
    try {
      if (!RBAC_KINDS.has(String(o.kind))) throw new Error(`kind ${JSON.stringify(o.kind)} is not one of ${[...RBAC_KINDS].join(', ')}`);
      if (o.kind === 'Role') {
        scratch.addRole(scratchId, { name, namespace: namespace!, rules: rules(o) });
        code = `chart.addRole(${lit(id)}, { name: ${lit(name)}, namespace: ${lit(namespace)}, rules: ${lit(rules(o))} });`;
      } else if (o.kind === 'ClusterRole') {
        const selectors = ((o.aggregationRule as { clusterRoleSelectors?: Array<{ matchLabels?: Record<string, string>; matchExpressions?: unknown[] }> } | undefined)?.clusterRoleSelectors);
        if (selectors?.some((s) => s.matchExpressions?.length)) throw new Error('aggregationRule uses matchExpressions; RbacChart takes matchLabels selectors only');
        const labels = labelsOf(o);
        const props = selectors ? { name, aggregationSelectors: selectors.map((s) => s.matchLabels ?? {}), labels } : { name, rules: rules(o), labels };
        scratch.addClusterRole(scratchId, props);
        code = `chart.addClusterRole(${lit(id)}, ${lit(JSON.parse(JSON.stringify(props)))});`;
      } else {
        const roleRef = o.roleRef as { kind: string; name: string };
        // roleRef.kind: Role or ClusterRole for a RoleBinding, ClusterRole for a ClusterRoleBinding (Kubernetes API
        // reference, "RoleRef"); anything else is not written as either.
        const kinds = o.kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
        if (!kinds.includes(roleRef?.kind)) throw new Error(`roleRef kind ${JSON.stringify(roleRef?.kind)} is not one of ${kinds.join(', ')}`);
        const subjects = ((o.subjects as Subject[] | undefined) ?? []).map((s) => subjectCode(s, namespace));
        const subjectList = `[${subjects.map((s) => s.code).join(', ')}]`;
        if (o.kind === 'RoleBinding') {
          const roleKind = roleRef.kind === 'ClusterRole' ? RoleKind.CLUSTER_ROLE : RoleKind.ROLE;
          scratch.addRoleBinding(scratchId, { name, namespace: namespace!, roleName: roleRef.name, roleKind, subjects: subjects.map((s) => s.subject) });
          if (roleKind === RoleKind.CLUSTER_ROLE && !clusterRoles.has(roleRef.name) && !DEFAULT_CLUSTER_ROLES.has(roleRef.name)) externalClusterRoles.add(roleRef.name);
          if (roleKind === RoleKind.ROLE && !roles.has(`${namespace}/${roleRef.name}`) && !DEFAULT_ROLES.has(`${namespace}/${roleRef.name}`)) externalRoles.add(`${namespace}/${roleRef.name}`);
          code = `chart.addRoleBinding(${lit(id)}, { name: ${lit(name)}, namespace: ${lit(namespace)}, roleName: ${lit(roleRef.name)}${roleKind === RoleKind.CLUSTER_ROLE ? ', roleKind: RoleKind.CLUSTER_ROLE' : ''}, subjects: ${subjectList} });`;
        } else {
          scratch.addClusterRoleBinding(scratchId, { name, clusterRoleName: roleRef.name, subjects: subjects.map((s) => s.subject) });
          if (!clusterRoles.has(roleRef.name) && !DEFAULT_CLUSTER_ROLES.has(roleRef.name)) externalClusterRoles.add(roleRef.name);
          code = `chart.addClusterRoleBinding(${lit(id)}, { name: ${lit(name)}, clusterRoleName: ${lit(roleRef.name)}, subjects: ${subjectList} });`;
        }
      }
    } catch (e) {
      calls.push({ code: [], notes: [`live: ${rbacKey(o)}; RbacChart refuses it: ${(e as Error).message.replace(/^[^:]*scratch\/o\d+: /, '')}.`, 'done instead: not imported (diff will report it).'] });
      continue;
    }
    calls.push({ code: [code], notes: [] });
  }
  return { externalClusterRoles: [...externalClusterRoles].sort(), externalRoles: [...externalRoles].sort(), calls };
}

/** The node types `AwsAuthConfigMap({ nodeRoles })` writes, and the prop that writes each (rows read by eks-rules.ts `nodeTypeOfRow`). */
const NODE_ROWS = new Map<AccessEntryType, { code: string; props: Partial<NodeRoleMapping> }>([
  [AccessEntryType.EC2_LINUX, { code: '', props: {} }],
  [AccessEntryType.EC2_WINDOWS, { code: ', os: NodeOs.WINDOWS', props: { os: NodeOs.WINDOWS } }],
  [AccessEntryType.FARGATE_LINUX, { code: ', fargate: true', props: { fargate: true } }],
]);

type AwsAuthList = 'nodeRoles' | 'roles' | 'users' | 'accounts';

/**
 * The aws-auth ConfigMap → one `AwsAuthConfigMap` call; node-role rows become `nodeRoles`. Each row is added to a
 * scratch `AwsAuthConfigMap` with the rows taken before it: a row it refuses (a second row for the same ARN, an
 * account that is not an account id) becomes a NOTE, so the generated call is one the construct accepts.
 */
export function importAwsAuth(configMap: LiveObject | undefined): ImportedCall | undefined {
  if (!configMap) return undefined;
  const parsed = parseAwsAuth(configMap.data as Record<string, string> | undefined);
  const notes = parsed.errors.map((e) => `live: aws-auth has a row the authenticator cannot read (${e.message}); done instead: left out.`);
  const props: Required<Pick<AwsAuthConfigMapProps, AwsAuthList>> = { nodeRoles: [], roles: [], users: [], accounts: [] };
  const code: Record<AwsAuthList, string[]> = { nodeRoles: [], roles: [], users: [], accounts: [] };
  // Each row is checked by the construct itself (AwsAuthConfigMap with the rows taken so far plus this one), so what
  // it refuses becomes a NOTE. One construction per row is quadratic — 3,000 rows took 20 s of YAML encoding — so the
  // whole list is tried once first; only when the construct refuses it are the rows taken one at a time to find which.
  // (The construct refuses a row for itself or for a clash with an earlier row — a duplicate ARN —, so a list it
  // accepts whole has every prefix accepted too: the same code and notes either way.)
  interface Candidate { list: AwsAuthList; value: unknown; itemCode: string; what: string }
  const candidates: Candidate[] = [];
  const construct = (p: typeof props) => new AwsAuthConfigMap(new RbacChart(new App(), 'scratch'), 'AwsAuth', p);
  const take = <L extends AwsAuthList>(list: L, value: NonNullable<AwsAuthConfigMapProps[L]>[number], itemCode: string, what: string) => {
    candidates.push({ list, value, itemCode, what });
  };
  const takeOne = ({ list, value, itemCode, what }: Candidate) => {
    const tried = { ...props, [list]: [...props[list], value] };
    try {
      construct(tried);
    } catch (e) {
      notes.push(`live: aws-auth ${what}; AwsAuthConfigMap refuses it: ${(e as Error).message.replace(/^scratch\/AwsAuth: /, '')}. done instead: left out.`);
      return;
    }
    (props[list] as unknown[]).push(value);
    code[list].push(itemCode);
  };
  for (const r of parsed.roles) {
    if (!r.roleArn) {
      notes.push(`live: aws-auth SSO selector row ${JSON.stringify(r.sso)}; not imported (write it by hand).`);
      continue;
    }
    const { arn, note } = rowRoleArn(r.roleArn);
    if (note) notes.push(note);
    const type = nodeTypeOfRow(r);
    const node = type === undefined ? undefined : NODE_ROWS.get(type);
    if (node) take('nodeRoles', { roleArn: arn, ...node.props }, `{ roleArn: ${lit(arn)}${node.code} }`, `node role row ${arn}`);
    else take('roles', { roleArn: arn, username: r.username, groups: r.groups }, `{ roleArn: ${lit(arn)}, username: ${lit(r.username)}, groups: ${lit(r.groups)} }`, `role row ${arn}`);
  }
  for (const u of parsed.users) take('users', { userArn: u.userArn, username: u.username, groups: u.groups }, `{ userArn: ${lit(u.userArn)}, username: ${lit(u.username)}, groups: ${lit(u.groups)} }`, `user row ${u.userArn}`);
  for (const a of parsed.accounts) take('accounts', a, lit(a), `account ${a}`);
  const whole = { nodeRoles: [], roles: [], users: [], accounts: [] } as typeof props;
  for (const c of candidates) (whole[c.list] as unknown[]).push(c.value);
  let acceptedWhole = false;
  if (candidates.length) {
    try {
      construct(whole);
      acceptedWhole = true;
    } catch {
      // some row is refused: found below, one row at a time
    }
  }
  if (acceptedWhole) for (const c of candidates) code[c.list].push(c.itemCode);
  else candidates.forEach(takeOne);
  if (Object.values(code).every((c) => c.length === 0)) {
    return { code: [], notes: [...notes, 'live: aws-auth exists but maps nobody; done instead: not rendered (AwsAuthConfigMap refuses an empty ConfigMap).'] };
  }
  const list = (items: string[]) => (items.length ? `[\n    ${items.join(',\n    ')},\n  ]` : '[]');
  return {
    code: [
      `new AwsAuthConfigMap(chart, 'AwsAuth', {`,
      `  nodeRoles: ${list(code.nodeRoles)},`,
      `  roles: ${list(code.roles)},`,
      `  users: ${list(code.users)},`,
      `  accounts: [${code.accounts.join(', ')}],`,
      `});`,
    ],
    notes,
  };
}
