/** Bad RBAC input fails synthesis with the construct path, what would be valid, and the rule id (one test per rule). */
import { Testing } from 'cdk8s';
import { AccessChart, RbacChart, RbacSubject } from '../../lib/k8s';
import { AccessModel, AuthenticationMode } from '../../lib/model';
import { ruleErrorOf } from '../helpers/rule-error';

const chart = () => new RbacChart(Testing.app(), 'rbac');

test.each(['lsit', 'gett'])('verb typo "%s" is refused with the Kubernetes verb set', (verb) => {
  const e = ruleErrorOf(() => chart().addRole('Dev', { name: 'dev', namespace: 'team-a', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', verb] }] }));
  expect(e.ruleId).toBe('eks-access:rbac-verb');
  expect(e.message).toContain(`rbac/Dev rules[0]: unknown verb "${verb}"`);
  expect(e.message).toMatch(/Kubernetes verbs are: get, list, watch, create, update, patch, delete, deletecollection, use, bind, escalate, impersonate/);
  expect(e.message).toMatch(/allowCustomVerbs: true/);
});

test('custom verbs pass only with the explicit opt-in', () => {
  const c = chart();
  c.addClusterRole('Custom', { name: 'custom', rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['frobnicate'], allowCustomVerbs: true }] });
  const [role] = Testing.synth(c);
  expect(role.rules).toEqual([{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['frobnicate'] }]);
});

test('non-resource URLs take HTTP verbs', () => {
  expect(() => chart().addClusterRole('H', { name: 'h', rules: [{ nonResourceUrls: ['/healthz'], verbs: ['list'] }] })).toThrow(/rbac\/H rules\[0\]: unknown verb "list"; non-resource URLs take HTTP verbs: get, post/);
  expect(() => chart().addClusterRole('H', { name: 'h', rules: [{ nonResourceUrls: ['/healthz'], verbs: ['get', 'head'] }] })).not.toThrow();
});

test.each([
  ['v1', /apiGroup "v1" is an API version, not a group: the core group is ""/],
  ['apps/v1', /apiGroup "apps\/v1" includes a version: write the group only \(apps\/v1 → "apps"\)/],
  ['Apps', /apiGroup "Apps" is not "", "\*" or a lowercase DNS name/],
])('apiGroup "%s" is refused', (group, message) => {
  const e = ruleErrorOf(() => chart().addRole('R', { name: 'r', namespace: 'a', rules: [{ apiGroups: [group], resources: ['pods'], verbs: ['get'] }] }));
  expect(e.ruleId).toBe('eks-access:rbac-api-group');
  expect(e.message).toMatch(/^rbac\/R rules\[0\]: /);
  expect(e.message).toMatch(message);
});

test('an invalid label value in an aggregation selector is refused', () => {
  const e = ruleErrorOf(() => chart().addClusterRole('Agg', { name: 'agg', aggregationSelectors: [{ 'example.com/aggregate-to-monitoring': 'yes please' }] }));
  expect(e.ruleId).toBe('eks-access:rbac-label');
  expect(e.message).toMatch(/^rbac\/Agg aggregationSelectors\[0\]: label value "yes please" of "example.com\/aggregate-to-monitoring" is invalid: at most 63 characters/);
  expect(() => chart().addClusterRole('Agg', { name: 'agg', aggregationSelectors: [{ 'bad key!': 'true' }] })).toThrow(/label key "bad key!" is invalid/);
  expect(() => chart().addClusterRole('P', { name: 'p', labels: { team: 'x'.repeat(64) }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] })).toThrow(/rbac\/P labels: label value/);
});

test('RbacSubject.serviceAccount needs a namespace', () => {
  const e = ruleErrorOf(() => RbacSubject.serviceAccount('ci', ''));
  expect(e.ruleId).toBe('eks-access:rbac-subject-namespace');
  expect(e.message).toMatch(/RbacSubject.serviceAccount\('ci'\): namespace "" is not a valid namespace name; give the ServiceAccount's namespace as a DNS label such as "tools"/);
  expect(() => RbacSubject.serviceAccount('ci', 'Tools')).toThrow(/namespace "Tools"/);
});

test('the model\'s group-grant rules go through the same checks in AccessChart', () => {
  const model = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.API });
  model.addGroupGrant({ group: 'pod-viewer', rules: [{ apiGroups: ['v1'], resources: ['pods'], verbs: ['get'] }] });
  expect(() => new AccessChart(Testing.app(), 'access', { model })).toThrow(/access\/Grant0-ClusterRole rules\[0\]: apiGroup "v1" is an API version/);
});

test('AccessChart runs the model validation too (a self-managed cluster may use only the charts)', () => {
  const model = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.CONFIG_MAP });
  model.addRole('dev', { assumableBy: { accountIds: ['111122223333'] }, username: 'dev:{{Foo}}', kubernetesGroups: ['devs'] });
  model.addGroupGrant({ group: 'devs', clusterRole: 'view' });
  const e = ruleErrorOf(() => new AccessChart(Testing.app(), 'access', { model }));
  // The first problem's own rule id (each problem's line ends with its id).
  expect(e.ruleId).toBe('eks-access:username');
  expect(e.message).toMatch(/^access: invalid access model:\n {2}access\/dev: username 'dev:\{\{Foo\}\}': unknown placeholder \{\{Foo\}\}; the authenticator renders only/);
});
