/** Shared setup of the CDK tests: a fixed-environment stack, and synthesis that also feeds the cfn-lint batch. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ClusterAccess, ClusterTarget, ShardingOptions } from '../../lib/aws';
import { AccessModel, AuthenticationMode } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const CLUSTER = 'demo';

export function newStack(id = 'Access', app = new App()): Stack {
  return new Stack(app, id, { env: { account: ACCOUNT, region: REGION } });
}

export function newModel(authenticationMode = AuthenticationMode.API): AccessModel {
  return new AccessModel({ accountId: ACCOUNT, authenticationMode });
}

/** A ClusterAccess on a cluster imported by name. */
export function accessOn(stack: Stack, model: AccessModel, opts: { oidcIssuer?: string; sharding?: ShardingOptions } = {}): ClusterAccess {
  return new ClusterAccess(stack, 'Access', {
    cluster: ClusterTarget.fromClusterName({ clusterName: CLUSTER, authenticationMode: model.authenticationMode, oidcIssuer: opts.oidcIssuer }),
    model,
    sharding: opts.sharding,
  });
}

/** Synthesizes the stack's app, adds its templates to the lint batch, and returns the stack's template. */
export function synth(stack: Stack, lint: CfnLintBatch): Template {
  const assembly = (stack.node.root as App).synth();
  lint.add(assembly);
  return Template.fromStack(stack);
}
