/**
 * Ours for the cdk8s benchmark: the same N Roles and N RoleBindings as cdk8s-plain.ts, declared through this
 * library's `RbacChart` (which validates names, rules, subjects and role references), synthesized to YAML in memory.
 */
import { App } from 'cdk8s';
import { RbacChart, RbacSubject } from '../../lib/k8s';
import { measureSelf } from '../lib/worker';

const count = Number(process.argv[2] ?? '10000');

void measureSelf(() => {
  const app = new App({ outdir: '/tmp/cdk-eks-access-bench-cdk8s-ours' });
  const chart = new RbacChart(app, 'rbac');
  for (let i = 0; i < count; i++) {
    const namespace = `team-${i % 50}`;
    chart.addRole(`role-${i}`, { name: `role-${i}`, namespace, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] });
    chart.addRoleBinding(`binding-${i}`, { name: `binding-${i}`, namespace, roleName: `role-${i}`, subjects: [RbacSubject.group(`group-${i}`)] });
  }
  app.synthYaml();
});
