/** The upstream Kubernetes RBAC test tables (test/conformance/rbac-*.json, transcribed; see NOTICE), run against lib/analysis. */
import { aggregateOnce, materializeAggregation } from '../../lib/analysis/aggregation';
import { bootstrapAuthorizer } from '../../lib/analysis/bootstrap-policy';
import { covers, nonResourceURLCovers } from '../../lib/analysis/covers';
import { KubeObject, normalizeRule } from '../../lib/analysis/normalize';
import { RbacAuthorizer, appliesTo } from '../../lib/analysis/rbac-authorizer';
import { rbacFromObjects } from '../../lib/analysis/rbac-from-objects';
import { resourceMatches, ruleAllows } from '../../lib/analysis/rule-match';
import { PolicyRule, RequestAttributes, Subject } from '../../lib/analysis/rbac-types';
import authorizerVectors from '../conformance/rbac-authorizer.json';
import aggregationVectors from '../conformance/rbac-aggregation.json';
import bootstrapViewVectors from '../conformance/rbac-bootstrap-view.json';
import coversVectors from '../conformance/rbac-covers.json';
import resourceMatchVectors from '../conformance/rbac-resource-matches.json';
import ruleMatchVectors from '../conformance/rbac-rule-matches.json';
import resolverVectors from '../conformance/rbac-rule-resolver.json';
import locatorVectors from '../conformance/rbac-subject-locator.json';

const rules = (raw: unknown[]): PolicyRule[] => raw.map((r) => normalizeRule(r));
const authz = (objects: unknown[]): RbacAuthorizer => rbacFromObjects(objects as KubeObject[]);
const sortKey = (r: PolicyRule): string => JSON.stringify(r);

it('holds every upstream case of the inventory (kubernetes/kubernetes RBAC test tables)', () => {
  const counts = {
    authorizer: authorizerVectors.scenarios.reduce((n, s) => n + s.cases.length, 0),
    ruleMatches: ruleMatchVectors.rules.reduce((n, r) => n + r.cases.length, 0),
    resourceMatches: resourceMatchVectors.cases.length,
    covers: coversVectors.covers.length,
    nonResourceURLCovers: coversVectors.nonResourceURLCovers.length,
    defaultRuleResolver: resolverVectors.defaultRuleResolver.cases.length,
    appliesTo: resolverVectors.appliesTo.length,
    subjectLocator: locatorVectors.scenarios.reduce((n, s) => n + s.actions.length, 0),
    aggregation: aggregationVectors.cases.length,
    editViewRelationship: bootstrapViewVectors.notCovered.length,
  };
  expect(counts).toEqual({ authorizer: 34, ruleMatches: 70, resourceMatches: 12, covers: 23, nonResourceURLCovers: 14, defaultRuleResolver: 4, appliesTo: 9, subjectLocator: 6, aggregation: 6, editViewRelationship: 7 });
});

describe('TestAuthorizer (rbac_test.go)', () => {
  authorizerVectors.scenarios.forEach((s) => {
    it.each(s.cases.map((c) => [JSON.stringify(c.user), JSON.stringify(c.request), c.expect, c] as const))(
      `${s.name}: user %s request %s → %s`, (_u, _r, expected, c) => {
          const decision = authz(s.objects).authorize(c.user, c.request as RequestAttributes);
        expect(decision.allowed ? 'allow' : 'noOpinion').toBe(expected);
      });
  });
});

describe('TestRuleMatches (rbac_test.go)', () => {
  ruleMatchVectors.rules.forEach((t) => {
    it.each(t.cases.map((c) => [JSON.stringify(c.request), c.expect, c] as const))(`${t.name}: %s → %s`, (_r, expected, c) => {
      expect(ruleAllows(c.request as RequestAttributes, normalizeRule(t.rule))).toBe(expected);
    });
  });
});

describe('TestResourceMatches (helpers_test.go)', () => {
  it.each(resourceMatchVectors.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expect(resourceMatches({ resources: c.ruleResources }, c.combined, c.subresource)).toBe(c.expect);
  });
});

describe('TestCovers* and TestNonResourceURLCovers (policy_comparator_test.go)', () => {
  it.each(coversVectors.covers.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const result = covers(rules(c.owner), rules(c.servant));
    expect(result.covered).toBe(c.covered);
    expect(result.uncovered.map(sortKey).sort()).toEqual(rules(c.uncovered).map(sortKey).sort());
  });
  it.each(coversVectors.nonResourceURLCovers.map((c) => [c.owner, c.requested, c.expect] as const))('owner %j covers %j → %s', (o, r, e) => {
    expect(nonResourceURLCovers(o, r)).toBe(e);
  });
});

describe('TestDefaultRuleResolver and TestAppliesTo (rule_test.go)', () => {
  const a = authz(resolverVectors.defaultRuleResolver.objects);
  it.each(resolverVectors.defaultRuleResolver.cases.map((c, i) => [i, c] as const))('resolver case %d', (_i, c) => {
    const got = a.rulesFor(c.user, c.namespace);
    expect(got.errors).toEqual([]);
    expect(got.rules.map(sortKey).sort()).toEqual(rules(c.effectiveRules).map(sortKey).sort());
  });
  it.each(resolverVectors.appliesTo.map((c) => [c.testCase, c] as const))('%s', (_n, c) => {
    const index = appliesTo(c.user, c.subjects as Subject[], c.namespace);
    expect(index >= 0).toBe(c.appliesTo);
    expect(Math.max(index, 0)).toBe(c.index);
  });
});

describe('TestSubjectLocator (subject_locator_test.go)', () => {
  locatorVectors.scenarios.forEach((s) => {
    it.each(s.actions.map((a, i) => [i, a] as const))(`${s.name}: action %d`, (_i, action) => {
      expect(authz(s.objects).allowedSubjects(action.request as RequestAttributes, s.superUser)).toEqual(action.subjects);
    });
  });
});

describe('TestSyncClusterRole (clusterroleaggregation_controller_test.go)', () => {
  it.each(aggregationVectors.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const a = authz(c.clusterRoles);
    const roles = [...a.clusterRoles.values()];
    const target = roles.find((r) => r.name === c.sync)!;
    expect(target.rules).toEqual(rules(c.expectRules));
    // One sync from the starting state gives the same (no chains here), and a second pass changes nothing.
    expect(materializeAggregation(roles).find((r) => r.name === c.sync)!.rules).toEqual(target.rules);
    expect(aggregateOnce(target, roles)).toEqual(target.rules);
  });
});

describe('TestEditViewRelationship (bootstrappolicy/policy_test.go) on the pinned bootstrap data', () => {
  const view = bootstrapAuthorizer().clusterRoles.get('view')!;
  it.each(bootstrapViewVectors.notCovered.map((c) => [c.kind, c.rule.resources.join(','), c] as const))('view does not cover %s %s', (_k, _r, c) => {
    expect(view.rules.length).toBeGreaterThan(0);
    expect(covers(view.rules, [normalizeRule(c.rule)]).covered).toBe(false);
  });
});
