/**
 * The IAM role of a Kubernetes service account. IRSA: trust in the cluster's OIDC provider, restricted by `sub`
 * (exactly this namespace/name) and `aud` (`sts.amazonaws.com`). Pod Identity: trust in `pods.eks.amazonaws.com`
 * (`sts:AssumeRole` + `sts:TagSession`, as EKS requires) and an `AWS::EKS::PodIdentityAssociation`.
 */
import { CfnJson, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ServiceAccountJson, ServiceAccountMechanism } from '../model';
import { toIamPolicyJson } from '../model/iam-statement';
import type { OidcIssuer } from './cluster-target';

/** @internal */
export interface ServiceAccountRoleProps {
  readonly serviceAccount: ServiceAccountJson;
  readonly clusterName: string;
  /** Required for IRSA (checked by ClusterAccess). */
  readonly oidc?: OidcIssuer;
}

/** @internal */
export class ServiceAccountRole extends Construct {
  public readonly role: iam.Role;
  public readonly podIdentityAssociation?: eks.CfnPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: ServiceAccountRoleProps) {
    super(scope, id);
    const sa = props.serviceAccount;
    const irsa = sa.mechanism === ServiceAccountMechanism.IRSA;
    this.role = new iam.Role(this, 'Role', {
      roleName: sa.roleName,
      description: `${irsa ? 'IRSA' : 'EKS Pod Identity'} role of service account ${sa.namespace}/${sa.name}`,
      assumedBy: irsa ? this.irsaPrincipal(sa, props.oidc!) : this.podIdentityPrincipal(),
      managedPolicies: sa.managedPolicyArns.map((arn, i) => iam.ManagedPolicy.fromManagedPolicyArn(this, `Managed${i}`, arn)),
      inlinePolicies: sa.policyStatements.length > 0
        ? { ServiceAccount: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: sa.policyStatements.map(toIamPolicyJson) }) }
        : undefined,
    });
    if (!irsa) {
      this.podIdentityAssociation = new eks.CfnPodIdentityAssociation(this, 'PodIdentityAssociation', {
        clusterName: props.clusterName,
        namespace: sa.namespace,
        serviceAccount: sa.name,
        roleArn: this.role.roleArn,
      });
    }
  }

  private irsaPrincipal(sa: ServiceAccountJson, oidc: OidcIssuer): iam.IPrincipal {
    const stack = Stack.of(this);
    const providerArn = oidc.providerArn ?? stack.formatArn({ service: 'iam', region: '', resource: 'oidc-provider', resourceName: oidc.issuer });
    const conditions: Record<string, string> = {
      [`${oidc.issuer}:sub`]: `system:serviceaccount:${sa.namespace}:${sa.name}`,
      [`${oidc.issuer}:aud`]: 'sts.amazonaws.com',
    };
    // A token issuer (a cluster in this app) cannot be a JSON key at synth time; CfnJson resolves it at deploy time.
    const stringEquals = Token.isUnresolved(oidc.issuer) ? new CfnJson(this, 'OidcConditions', { value: conditions }) : conditions;
    return new iam.WebIdentityPrincipal(providerArn, { StringEquals: stringEquals });
  }

  private podIdentityPrincipal(): iam.IPrincipal {
    return new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags();
  }
}
