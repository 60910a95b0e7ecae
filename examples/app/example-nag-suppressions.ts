/** cdk-nag (AwsSolutions) acknowledgements of the example app, each with the reason it is acceptable. */
import { Validations } from 'aws-cdk-lib';
import type { ClusterAccess } from '../../lib/aws';

export function suppressExampleNagFindings(access: ClusterAccess): void {
  Validations.of(access.accessKeySecret('pod-admin-user')).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'The secret holds an IAM access key, which Secrets Manager cannot rotate without a custom rotation Lambda '
      + 'that creates a new key; the example user is a CI identity whose key is rotated by replacing the user.',
  });
  Validations.of(access.serviceAccountRole('s3-reader')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:aws:s3:::demo-bucket/*]',
    reason: 's3:GetObject is granted on the objects of one named bucket; object ARNs need the /* suffix.',
  });
}
