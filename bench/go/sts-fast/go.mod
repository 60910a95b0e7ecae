module cdk-eks-access.bench/sts-fast

go 1.25.3
