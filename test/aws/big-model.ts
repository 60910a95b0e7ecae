/**
 * The 3,000-principal model (the EKS maximum) of the sharding tests, synthesized: shared by sharding.test.ts and the
 * long cfn-lint run of all its templates (sharding-cfn-lint.long.test.ts, `npm run test:long`).
 */
import { App } from 'aws-cdk-lib';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterAccess } from '../../lib/aws';
import { AccessModel, AccessPolicy } from '../../lib/model';
import { ACCOUNT, accessOn, newModel, newStack } from './fixtures';

export interface CfnTemplate { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }

/** CloudFormation's limit on a template uploaded through S3 (nested stacks always are). */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/** 3,000 principals of the three shapes: created users, created roles, imported roles. */
export function bigModel(count: number): AccessModel {
  const model = newModel();
  for (let i = 0; i < count; i++) {
    const grant = { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.inNamespaces(`team-${i % 50}`)] };
    if (i % 3 === 0) model.addUser(`user-${i}`, grant);
    else if (i % 3 === 1) model.addRole(`role-${i}`, { ...grant, assumableBy: { accountIds: [ACCOUNT] } });
    else model.importRole(`imported-${i}`, `arn:aws:iam::${ACCOUNT}:role/imported-${i}`, grant);
  }
  return model;
}

/** Synthesizes; returns the templates by file name. */
export function synthTemplates(model: AccessModel): { access: ClusterAccess; dir: string; templates: Map<string, CfnTemplate> } {
  const stack = newStack('Big', new App());
  const access = accessOn(stack, model);
  const assembly = (stack.node.root as App).synth();
  const templates = new Map<string, CfnTemplate>();
  for (const file of readdirSync(assembly.directory)) {
    if (file.endsWith('.template.json')) templates.set(file, JSON.parse(readFileSync(join(assembly.directory, file), 'utf8')));
  }
  return { access, dir: assembly.directory, templates };
}
