/**
 * Baseline for the cdk8s benchmark: N Roles and N RoleBindings written directly with cdk8s-plus-28, the way a user
 * would without this library, synthesized to YAML in memory.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { measureSelf } from '../lib/worker';

const count = Number(process.argv[2] ?? '10000');

void measureSelf(() => {
  const app = new App({ outdir: '/tmp/cdk-eks-access-bench-cdk8s-plain' });
  const chart = new Chart(app, 'rbac');
  for (let i = 0; i < count; i++) {
    const ns = `team-${i % 50}`;
    const role = new kplus.Role(chart, `role-${i}`, { metadata: { name: `role-${i}`, namespace: ns } });
    role.allow(['get', 'list', 'watch'], kplus.ApiResource.PODS);
    const binding = new kplus.RoleBinding(chart, `binding-${i}`, { metadata: { name: `binding-${i}`, namespace: ns }, role });
    binding.addSubjects(kplus.Group.fromName(chart, `group-${i}`, `group-${i}`));
  }
  app.synthYaml();
});
