/** CDK constructs that apply the lib/k8s charts to an aws-cdk-lib EKS cluster at deploy time. */
export * from './eks-access-manifests';
