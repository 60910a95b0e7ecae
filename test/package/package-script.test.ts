/**
 * scripts/package.ts decides which jsii targets to build and which failures are the registry's (a dependency it does
 * not serve: the generated code was not compiled, said as such) rather than ours (code generation, compile errors).
 * The outputs below are the texts mvn and the go command printed through jsii-pacmak on the CI machine.
 */
import { packageTargets, unresolvedDependency } from '../../scripts/package';

describe('npm run package', () => {
  it('builds every target whose toolchain is on PATH, and says which it skips', () => {
    expect(packageTargets({}, (tool) => tool !== 'dotnet')).toEqual({ build: ['js', 'python', 'java', 'go'], skipped: ['dotnet (no dotnet on PATH)'] });
    expect(packageTargets({ PACKAGE_TARGETS: 'js,go' }, () => false)).toEqual({ build: ['js', 'go'], skipped: [] });
    expect(() => packageTargets({ PACKAGE_TARGETS: 'js,rust' })).toThrow(/unknown target\(s\) rust; valid: js, python, java, dotnet, go/);
  });

  it('tells a dependency the registry does not serve from a failure of the generated code', () => {
    expect(unresolvedDependency('[ERROR] Failed to execute goal on project cdk-eks-access: Could not resolve dependencies for project '
      + 'io.github.cdk-eks-access:cdk-eks-access:jar:0.1.0: Failed to collect dependencies at software.amazon.awscdk:aws-cdk-lib:jar:[2.275.0,3.0.0): '
      + 'No versions available for software.amazon.awscdk:aws-cdk-lib:jar:[2.275.0,3.0.0) within specified range -> [Help 1]'))
      .toBe('software.amazon.awscdk:aws-cdk-lib:jar:[2.275.0,3.0.0)');
    expect(unresolvedDependency('#STDERR> go: github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2@v2.70.106: reading '
      + 'https://proxy.golang.org/github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2/@v/v2.70.106.mod: 403 Forbidden'))
      .toBe('github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2@v2.70.106');
    expect(unresolvedDependency('[ERROR] COMPILATION ERROR : cdk-eks-access/AccessChart.java:[12,8] cannot find symbol')).toBeUndefined();
    expect(unresolvedDependency('./AccessChart.go:12:2: undefined: cdk8s.NewChart')).toBeUndefined();
  });
});
