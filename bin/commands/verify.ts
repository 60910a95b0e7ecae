// PLACEHOLDER until the authenticator core work lands: replace this file with the real command.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('eks-access verify: not implemented yet\n');
  return 2;
}
