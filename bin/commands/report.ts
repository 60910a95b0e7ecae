// PLACEHOLDER until the analysis work lands: replace this file with the real command.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('eks-access report: not implemented yet\n');
  return 2;
}
