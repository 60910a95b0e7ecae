/**
 * The synth-time rules and their ids: lib/model, lib/aws, lib/k8s and lib/deploy throw one error type (`RuleError`,
 * with `AccessValidationError` its earlier name), every rule's id is unique and listed in the README, and an error
 * from each room carries its id, the construct path (or the call) and the text a reader is shown.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Testing } from 'cdk8s';
import { AccessValidationError, AuthenticatorFunction } from '../../lib/aws';
import { AccessChart, AuthenticatorBackend, AuthenticatorChart, AuthenticatorTls, RbacChart, RbacSubject } from '../../lib/k8s';
import { AccessModel, AccessPolicy } from '../../lib/model';
import { ruleErrorOf } from '../helpers/rule-error';

const ROOT = join(__dirname, '..', '..');
/** The rooms whose synth-time errors are `RuleError`s. */
const ROOMS = ['lib/model', 'lib/aws', 'lib/k8s', 'lib/deploy'];
/**
 * Plain `Error`s allowed there, and why: none is about the user's input. The vendored bootstrap policy lacking a
 * role is a broken build; the missing Lambda bundle is rethrown by `AuthenticatorFunction` as `eks-access:lambda-bundle`;
 * a missing cdk8s peer is an install problem raised while the module loads, before any construct (it carries its id).
 */
const PLAIN_ERRORS = new Set(['lib/k8s/cluster-defaults.ts', 'lib/aws/lambda-bundle.ts', 'lib/k8s/cdk8s-peers.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const sources = ['lib', 'bin', 'authenticator'].flatMap(sourceFiles).map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
/** Every `const X_RULE = 'eks-access:…'` of the tree: the rule ids. */
const ruleConstants = sources.flatMap(({ path, text }) =>
  [...text.matchAll(/\bconst ([A-Z][A-Z0-9_]*_RULE) = '([^']+)'/g)].map((m) => ({ path, name: m[1], id: m[2] })));

describe('rule ids', () => {
  it('are found in the tree (the scan works)', () => {
    expect(ruleConstants.map((c) => c.id)).toEqual(expect.arrayContaining(['eks-access:username', 'eks-access:rbac-verb', 'eks-access:access-model', 'eks-access:principal-lookup']));
  });

  it('are unique: no two rules share an id, and every id is eks-access:<kebab-case>', () => {
    const byId = new Map<string, string[]>();
    for (const c of ruleConstants) byId.set(c.id, [...(byId.get(c.id) ?? []), `${c.path} ${c.name}`]);
    expect([...byId].filter(([, where]) => where.length > 1)).toEqual([]);
    expect(ruleConstants.filter((c) => !/^eks-access:[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id))).toEqual([]);
  });

  it('are each listed in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(ruleConstants.filter((c) => !readme.includes(`\`${c.id}\``)).map((c) => `${c.path}: ${c.id}`)).toEqual([]);
  });

  it('name every RuleError thrown (the first argument is a *_RULE constant)', () => {
    const calls = sources.flatMap(({ path, text }) =>
      [...text.matchAll(/new RuleError\(([^,]+),/g)].map((m) => ({ path, id: m[1].trim() })));
    expect(calls.length).toBeGreaterThan(40);
    // An id carried as data (`issue.ruleId`, set from a *_RULE constant where the issue was found) is the other form.
    expect(calls.filter((c) => !/^[A-Z][A-Z0-9_]*_RULE$/.test(c.id) && !/\.ruleId$/.test(c.id) && !(c.path === 'lib/model/rule-error.ts'))).toEqual([]);
  });

  it(`leave no plain Error thrown in ${ROOMS.join(', ')}`, () => {
    const plain = sources.filter(({ path, text }) => ROOMS.some((r) => path.startsWith(`${r}/`)) && /throw new Error\(/.test(text)).map((s) => s.path);
    expect(plain.filter((p) => !PLAIN_ERRORS.has(p))).toEqual([]);
  });
});

describe('a RuleError from each room carries its id, path and the text shown', () => {
  it('lib/model: the call stands for the path when there is no construct', () => {
    const e = ruleErrorOf(() => AccessPolicy.of('eks:view'));
    expect({ ruleId: e.ruleId, path: e.path }).toEqual({ ruleId: 'eks-access:access-policy-name', path: 'AccessPolicy.of' });
    expect(e.message).toBe(`AccessPolicy.of: ${e.detail} [eks-access:access-policy-name]`);
    expect(e.detail).toMatch(/^'eks:view' is not an EKS access policy name \(letters and digits, e\.g\. AmazonEKSViewPolicy\)/);
  });

  it('lib/aws: the construct path, and AccessValidationError is the same class', () => {
    const stack = new Stack(new App(), 'Auth');
    const e = ruleErrorOf(() => new AuthenticatorFunction(stack, 'Webhook', { clusterId: 'no spaces please', model: new AccessModel({ accountId: '111122223333' }) }));
    expect({ ruleId: e.ruleId, path: e.path }).toEqual({ ruleId: 'eks-access:authenticator-cluster-id', path: 'Auth/Webhook' });
    expect(e.message).toBe('Auth/Webhook: clusterId "no spaces please" must be 1-100 characters of letters, digits, ".", "_" or "-" [eks-access:authenticator-cluster-id]');
    expect(e).toBeInstanceOf(AccessValidationError);
  });

  it('lib/k8s: the chart path', () => {
    const tls = AuthenticatorTls.fromSecretName('eks-access-tls');
    const e = ruleErrorOf(() => new AuthenticatorChart(Testing.app(), 'authenticator', {
      clusterId: 'c', image: 'registry.example.com/eks-access:0.1.0', tls, port: 70000,
      backends: [AuthenticatorBackend.staticRows({ roles: [], users: [], accounts: ['111122223333'] })],
    }));
    expect({ ruleId: e.ruleId, path: e.path, message: e.message }).toEqual({
      ruleId: 'eks-access:authenticator-port', path: 'authenticator', message: 'authenticator: port must be 1-65535, got 70000 [eks-access:authenticator-port]',
    });
  });

  it('lib/k8s: every problem of every rule, each line under its rule, the first rule as the path', () => {
    const e = ruleErrorOf(() => new RbacChart(Testing.app(), 'rbac').addRole('R', {
      name: 'r', namespace: 'a', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: [''], verbs: [] }, { resources: ['pods'], verbs: ['get'] }],
    }));
    expect({ ruleId: e.ruleId, path: e.path }).toEqual({ ruleId: 'eks-access:rbac-rule', path: 'rbac/R rules[1]' });
    expect(e.message.split('\n')).toEqual([
      'rbac/R rules[1]: verbs must not be empty (e.g. ["get", "list", "watch"])',
      'rbac/R rules[1]: resources must list at least one resource (e.g. "pods", "pods/log", "*")',
      'rbac/R rules[2]: apiGroups must list at least one group ("" is the core group, "*" all) [eks-access:rbac-rule]',
    ]);
  });

  it('lib/k8s: a model error rethrown by a chart keeps its id and gains the chart path', () => {
    const model = new AccessModel({ accountId: '111122223333' });
    model.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { accessPolicies: [AccessPolicy.AMAZON_EKS_SECRET_READER_POLICY.inNamespaces('apps')] });
    const e = ruleErrorOf(() => new AccessChart(Testing.app(), 'access', { model, selfManagedAuthenticator: true }));
    expect({ ruleId: e.ruleId, path: e.path }).toEqual({ ruleId: 'eks-access:access-policy-rbac', path: 'access' });
    expect(e.message).toMatch(/^access: principal "ops": access policy AmazonEKSSecretReaderPolicy has no Kubernetes RBAC equivalent, .* \[eks-access:access-policy-rbac\]$/);
  });

  it('lib/k8s: a binding to a role nobody defines fails synth with its id (reported by the chart\'s validation)', () => {
    const app = Testing.app();
    new RbacChart(app, 'rbac').addClusterRoleBinding('B', { name: 'b', clusterRoleName: 'pod-reader', subjects: [RbacSubject.group('devs')] });
    expect(() => app.synth()).toThrow(/rbac\/B: binds ClusterRole "pod-reader", which is neither in this chart nor a cluster default; add it with addClusterRole or list it in externalClusterRoles \[eks-access:rbac-role-ref\]/);
  });
});
