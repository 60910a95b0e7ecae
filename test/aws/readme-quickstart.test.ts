/** The README's CDK quick start runs as written: pasted into a stack, it synthesizes and creates what it says. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import * as library from '../../lib';
import { CfnLintBatch } from '../helpers/cfn-lint';

function quickStart(): string {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:cdk -->'), readme.indexOf('<!-- /section:cdk -->'));
  const code = /```ts\n([\s\S]*?)```/.exec(section);
  if (!code) throw new Error('README section cdk has no ```ts quick start');
  return code[1];
}

it('synthesizes the README quick start inside a stack, passing cfn-lint', async () => {
  const source = quickStart().replace(/^import .* from 'cdk-eks-access';$/m, '');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const stack = new Stack(new App(), 'QuickStart', { env: { account: '111122223333', region: 'us-east-1' } });
  // The snippet's names come from the package entry point; `this` is the stack it is pasted into.
  const names = Object.keys(library);
  new Function(...names, js).call(stack, ...names.map((n) => (library as Record<string, unknown>)[n]));
  const lint = new CfnLintBatch();
  expect(lint.add((stack.node.root as App).synth())).toBe(1);
  expect(await lint.run()).toEqual([]);
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::EKS::AccessEntry', 4);
  template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
  template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  template.hasResourceProperties('AWS::IAM::User', { UserName: 'prod-alice' });
});
