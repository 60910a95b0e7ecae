/**
 * Sharding into nested stacks, shown with 3,000 principals (the EKS maximum): every stack stays within
 * CloudFormation's limits, and adding a principal changes nothing but that principal's shard.
 */
import { App, CfnParameter } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterAccess, ClusterTarget, MAX_RESOURCES_PER_STACK, ShardingMode } from '../../lib/aws';
import { AccessPolicy } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { bigModel, CfnTemplate, MAX_TEMPLATE_BYTES, synthTemplates } from './big-model';
import { accessOn, newModel, newStack } from './fixtures';

const lint = new CfnLintBatch();
const base = synthTemplates(bigModel(2999));
const grown = (() => {
  const model = bigModel(2999);
  model.addUser('newcomer', { kubernetesGroups: ['newcomers'] });
  return synthTemplates(model);
})();

describe('3,000 principals', () => {
  it('are sharded automatically into nested stacks within the resource and size limits', () => {
    expect(grown.access.shards.length).toBe(64);
    let entries = 0;
    for (const [file, template] of grown.templates) {
      const resources = Object.values(template.Resources);
      expect(resources.length).toBeLessThanOrEqual(MAX_RESOURCES_PER_STACK);
      expect(statSync(join(grown.dir, file)).size).toBeLessThan(MAX_TEMPLATE_BYTES);
      entries += resources.filter((r) => r.Type === 'AWS::EKS::AccessEntry').length;
    }
    expect(entries).toBe(3000);
    expect(grown.templates.size).toBe(65);
  });

  it('adding a principal changes only its own shard, and no existing logical id or resource', () => {
    const changed: string[] = [];
    for (const [file, before] of base.templates) {
      const after = grown.templates.get(file)!;
      for (const [id, resource] of Object.entries(before.Resources)) {
        if (resource.Type === 'AWS::CloudFormation::Stack') continue; // its TemplateURL hashes the nested template
        expect(after.Resources[id]).toEqual(resource);
      }
      if (Object.keys(after.Resources).length !== Object.keys(before.Resources).length) changed.push(file);
    }
    expect(changed).toHaveLength(1);
    const parent = (t: CfnTemplate) => Object.keys(t.Resources).filter((id) => t.Resources[id].Type === 'AWS::CloudFormation::Stack').sort();
    expect(parent(grown.templates.get('Big.template.json')!)).toEqual(parent(base.templates.get('Big.template.json')!));
  });

});

describe('sharding modes', () => {
  it('AUTO keeps a small model in the construct\'s own stack', () => {
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
    expect(accessOn(newStack(), model).shards).toEqual([]);
  });

  it('AUTO warns at synth time before and after its one-time switch, so the mode gets pinned in time', () => {
    const warningsFor = (users: number, inlineResourceLimit: number) => {
      const model = newModel();
      for (let i = 0; i < users; i++) model.addUser(`u${i}`, { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
      const stack = newStack();
      accessOn(stack, model, { sharding: { mode: ShardingMode.AUTO, inlineResourceLimit } });
      return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
    };
    expect(warningsFor(1, 400)).toEqual([]);
    const near = warningsFor(10, 30);
    expect(near).toHaveLength(1);
    expect(near[0]).toMatch(/near its switch .*Pin sharding.mode to ALWAYS/);
    const after = warningsFor(10, 5);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatch(/placed principals in nested stacks .*pin sharding.mode to ALWAYS/);
  });

  it('ALWAYS shards a small model too (stable from the first deploy)', () => {
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
    const stack = newStack('Small', new App());
    const access = accessOn(stack, model, { sharding: { mode: ShardingMode.ALWAYS, shardCount: 8 } });
    expect(lint.add((stack.node.root as App).synth())).toBe(2);
    expect(access.shards.map((s) => s.node.id)).toHaveLength(1);
    expect(access.shards[0].node.id).toMatch(/^Shard[0-7]$/);
  });

  it('passes a deploy-time cluster name into the shards as a nested-stack parameter', () => {
    const stack = newStack('TokenName', new App());
    const clusterName = new CfnParameter(stack, 'ClusterName', { type: 'String' }).valueAsString;
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
    const access = new ClusterAccess(stack, 'Access', {
      cluster: ClusterTarget.fromClusterName({ clusterName }), model, sharding: { mode: ShardingMode.ALWAYS },
    });
    expect(lint.add((stack.node.root as App).synth())).toBe(2);
    const shard = Template.fromStack(access.shards[0]);
    shard.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: { Ref: Match.stringLikeRegexp('ClusterName') } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::Stack', {
      Parameters: Match.objectLike({ [Object.keys(shard.toJSON().Parameters).find((k) => k.includes('ClusterName'))!]: { Ref: 'ClusterName' } }),
    });
  });

  it('NEVER fails synthesis past 500 resources, naming the stack and the fix', () => {
    const stack = newStack('Flat', new App());
    accessOn(stack, bigModel(300), { sharding: { mode: ShardingMode.NEVER } });
    expect(() => (stack.node.root as App).synth()).toThrow(/Flat has 600 resources, CloudFormation allows 500: use sharding: \{ mode: ShardingMode\.ALWAYS \} or raise sharding\.shardCount/);
  });

  it('refuses a shard count that is not a positive integer', () => {
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
    expect(() => accessOn(newStack('Zero'), model, { sharding: { mode: ShardingMode.ALWAYS, shardCount: 0 } }))
      .toThrow('Zero/Access: sharding.shardCount 0 must be a positive integer');
  });
});

describe('cfn-lint', () => {
  // Linting all 65 templates of the 3,000 principals takes about ten minutes: that is `npm run test:long`
  // (sharding-cfn-lint.long.test.ts). Here: the parent and the shard that gained the newcomer, with the small ones above.
  it('passes every small template above, the 3,000-principal parent and a shard with zero findings', async () => {
    const changedShard = [...grown.templates.keys()].find((file) =>
      file !== 'Big.template.json' && Object.keys(grown.templates.get(file)!.Resources).length !== Object.keys(base.templates.get(file)!.Resources).length)!;
    expect(lint.addFiles([join(grown.dir, 'Big.template.json'), join(grown.dir, changedShard)])).toBe(2);
    expect(lint.size).toBe(6);
    expect(await lint.run()).toEqual([]);
  }, 180000);
});
