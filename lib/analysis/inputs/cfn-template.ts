/** Extracts access entries and Kubernetes manifests from one synthesized CloudFormation template. */
import { partitionOfRegion } from '../../../authenticator/mapper/eks-rules';
import { AccessEntryRecord, AccessPolicyAssociation } from '../access-entries';
import { TrustedRole } from '../role-trust';
import { KubeObject } from '../normalize';
import { SourcedObject } from '../rbac-from-objects';
import { TemplateContext, resolveValue } from './cfn-intrinsics';

export interface CfnTemplate {
  readonly Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
}

/** The custom resource types through which aws-cdk-lib (aws-eks and aws-eks-v2) applies manifests. */
const KUBERNETES_RESOURCE_TYPES = /^Custom::AWSCDK-EKS-KubernetesResource$/;

export interface TemplateContents {
  readonly accessEntries: AccessEntryRecord[];
  readonly objects: SourcedObject[];
  readonly warnings: string[];
  /** `AWS::IAM::Role`s with their trust policies (for the IAM hop of who-can/can-i). */
  readonly trustedRoles: TrustedRole[];
  /** ARNs of the `AWS::IAM::User`s the template creates. */
  readonly iamUsers: string[];
  /** The template's exports (`Outputs.*.Export.Name` → the output's value), resolved as far as offline allows. */
  readonly exports: Array<{ readonly name: string; readonly value: string }>;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

export function isCfnTemplate(doc: unknown): doc is CfnTemplate {
  return typeof doc === 'object' && doc !== null && typeof (doc as CfnTemplate).Resources === 'object';
}

export function readTemplate(template: CfnTemplate, file: string, env: { account?: string; region?: string; importValue?: (exportName: string) => string }): TemplateContents {
  const resources = template.Resources ?? {};
  const ctx: TemplateContext = {
    resources,
    parameters: template.Parameters ?? {},
    account: env.account,
    region: env.region,
    partition: env.region ? partitionOfRegion(env.region).id : 'aws',
    importValue: env.importValue,
  };
  // Which cluster of which account a resource is for (diff --fleet matches clusters by it).
  const stackEnvironment = env.account !== undefined || env.region !== undefined
    ? { stackEnvironment: { ...(env.account !== undefined ? { account: env.account } : {}), ...(env.region !== undefined ? { region: env.region } : {}) } }
    : {};
  const out: TemplateContents = { accessEntries: [], objects: [], warnings: [], trustedRoles: [], iamUsers: [], exports: [] };
  for (const o of Object.values(template.Outputs ?? {})) {
    if (o?.Export?.Name === undefined) continue;
    out.exports.push({ name: String(resolveValue(o.Export.Name, ctx)), value: String(resolveValue(o.Value, ctx)) });
  }
  for (const [id, res] of Object.entries(resources)) {
    const origin = `${file}#${id}`;
    if (res.Type === 'AWS::IAM::Role' && res.Properties?.AssumeRolePolicyDocument) {
      const roleArn = String(resolveValue({ 'Fn::GetAtt': [id, 'Arn'] }, ctx));
      out.trustedRoles.push({ roleArn, trustPolicy: resolveValue(res.Properties.AssumeRolePolicyDocument, ctx), origin });
    } else if (res.Type === 'AWS::IAM::User') {
      out.iamUsers.push(String(resolveValue({ 'Fn::GetAtt': [id, 'Arn'] }, ctx)));
    } else if (res.Type === 'AWS::EKS::AccessEntry') {
      const p = resolveValue(res.Properties ?? {}, ctx) as Record<string, unknown>;
      const policies: AccessPolicyAssociation[] = list(p.AccessPolicies).map((a) => {
        const ap = a as { PolicyArn?: unknown; AccessScope?: { Type?: unknown; Namespaces?: unknown } };
        return {
          policyArn: String(ap.PolicyArn),
          scope: { type: String(ap.AccessScope?.Type ?? 'cluster'), namespaces: list(ap.AccessScope?.Namespaces).map(String) },
        };
      });
      out.accessEntries.push({
        principalArn: String(p.PrincipalArn),
        type: p.Type === undefined ? 'STANDARD' : String(p.Type),
        ...(p.Username !== undefined ? { username: String(p.Username) } : {}),
        kubernetesGroups: list(p.KubernetesGroups).map(String),
        accessPolicies: policies,
        ...(p.ClusterName !== undefined ? { clusterName: String(p.ClusterName) } : {}),
        ...stackEnvironment,
        origin,
      });
    } else if (res.Type && KUBERNETES_RESOURCE_TYPES.test(res.Type)) {
      const manifest = resolveValue(res.Properties?.Manifest, ctx);
      const clusterName = res.Properties?.ClusterName !== undefined ? { clusterName: String(resolveValue(res.Properties.ClusterName, ctx)) } : {};
      try {
        const docs = typeof manifest === 'string' ? JSON.parse(manifest) : manifest;
        for (const doc of list(docs)) out.objects.push({ object: doc as KubeObject, origin, ...clusterName, ...stackEnvironment });
      } catch (e) {
        out.warnings.push(`${origin}: Manifest is not JSON after resolving intrinsics (${(e as Error).message}); skipped`);
      }
    }
  }
  return out;
}
