/**
 * Long version (about ten minutes) of the cfn-lint test in sharding.test.ts: every template of the 3,000-principal
 * model (parent and 64 shards) through cfn-lint. `npm run test:long`; `npm test` lints the parent and one shard.
 */
import { CfnLintBatch } from '../helpers/cfn-lint';
import { bigModel, synthTemplates } from './big-model';

it('cfn-lint passes every template of 3,000 principals (parent and 64 shards) with zero findings', async () => {
  const lint = new CfnLintBatch();
  const model = bigModel(2999);
  model.addUser('newcomer', { kubernetesGroups: ['newcomers'] });
  expect(lint.add(synthTemplates(model).dir)).toBe(65);
  expect(await lint.run()).toEqual([]);
});
