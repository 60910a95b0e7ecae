// PLACEHOLDER until the cdk8s charts work lands: replace this file with the real command.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('eks-access migrate: not implemented yet\n');
  return 2;
}
