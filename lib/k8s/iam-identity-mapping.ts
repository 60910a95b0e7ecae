/**
 * `IAMIdentityMapping` objects (`iamauthenticator.k8s.aws/v1alpha1`, cluster-scoped) and their CustomResourceDefinition,
 * as shipped by aws-iam-authenticator (`deploy/iamidentitymapping.yaml`); read by the authenticator's CRD backend.
 */
import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stripPath } from '../../authenticator/arn';
import { RuleError } from '../model/rule-error';

const IAM_IDENTITY_MAPPING_RULE = 'eks-access:iam-identity-mapping';

export const IAM_IDENTITY_MAPPING_GROUP = 'iamauthenticator.k8s.aws';
export const IAM_IDENTITY_MAPPING_API_VERSION = `${IAM_IDENTITY_MAPPING_GROUP}/v1alpha1`;

export interface IamIdentityMappingProps {
  /** IAM user or role ARN (a role path is stripped: the authenticator sees the path-less ARN). */
  readonly arn: string;
  /** Kubernetes username (templates such as `{{SessionName}}` allowed). */
  readonly username: string;
  /** @default - none */
  readonly groups?: string[];
  /** metadata.name. @default - derived from the ARN: stable across construct renames */
  readonly name?: string;
}

/** A DNS-subdomain name derived from the ARN only, so moving the construct does not rename the object. */
export function mappingNameForArn(arn: string): string {
  const tail = arn.split(/[:/]/).slice(-1)[0].toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'principal';
  return `${tail}-${createHash('sha256').update(arn).digest('hex').slice(0, 10)}`;
}

export class IamIdentityMapping extends ApiObject {
  constructor(scope: Construct, id: string, props: IamIdentityMappingProps) {
    if (!/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(props.arn)) {
      throw new RuleError(IAM_IDENTITY_MAPPING_RULE, `${scope.node.path}/${id}`, `arn "${props.arn}" is not an IAM ARN (arn:aws:iam::111122223333:role/NAME or :user/NAME)`);
    }
    if (!props.username) throw new RuleError(IAM_IDENTITY_MAPPING_RULE, `${scope.node.path}/${id}`, 'username is required');
    const arn = stripPath(props.arn);
    super(scope, id, {
      apiVersion: IAM_IDENTITY_MAPPING_API_VERSION,
      kind: 'IAMIdentityMapping',
      metadata: { name: props.name ?? mappingNameForArn(arn) },
      spec: { arn, username: props.username, ...(props.groups?.length ? { groups: [...props.groups] } : {}) },
    });
  }
}

/** The CRD the authenticator's CRD backend needs (schema as the reference's, status subresource for canonicalARN). */
export class IamIdentityMappingCrd extends Construct {
  public readonly crd: k8s.KubeCustomResourceDefinition;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.crd = new k8s.KubeCustomResourceDefinition(this, 'Resource', {
      metadata: { name: `iamidentitymappings.${IAM_IDENTITY_MAPPING_GROUP}` },
      spec: {
        group: IAM_IDENTITY_MAPPING_GROUP,
        scope: 'Cluster',
        names: { plural: 'iamidentitymappings', singular: 'iamidentitymapping', kind: 'IAMIdentityMapping', categories: ['all'] },
        versions: [{
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openApiv3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                spec: {
                  type: 'object',
                  required: ['arn', 'username'],
                  properties: {
                    arn: { type: 'string' },
                    username: { type: 'string' },
                    groups: { type: 'array', items: { type: 'string' } },
                  },
                },
                status: {
                  type: 'object',
                  properties: { canonicalARN: { type: 'string' }, userID: { type: 'string' } },
                },
              },
            },
          },
        }],
      },
    });
  }
}
