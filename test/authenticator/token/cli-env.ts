/** Helpers for running CLI command modules in-process with an isolated AWS environment and captured output. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureCli, CliResult } from '../../helpers/cli-output';
import { LocalSts, startLocalSts } from './local-sts-server';

/** Runs `run(argv)` with `env` replacing every AWS/Kubernetes variable, capturing stdout and stderr. */
export async function runCommand(
  run: (argv: string[]) => Promise<number>,
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<CliResult> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) {
    if (/^(AWS_|KUBERNETES_)/.test(key)) delete process.env[key];
  }
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true' }, env);
  try {
    return await captureCli(run, argv);
  } finally {
    process.env = saved;
  }
}

/** A temp dir with empty AWS config files, so the SDK chain sees only what a test puts there. */
export function isolatedAwsHome(): { dir: string; env: Record<string, string>; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-access-cli-'));
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  fs.writeFileSync(config, '');
  fs.writeFileSync(credentials, '');
  return {
    dir,
    env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, HOME: dir },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The setup of the CLI tests that reach STS: a local STS stand-in, and an isolated AWS home holding its CA (`caFile`). */
export async function startStsCliFixture(): Promise<{ sts: LocalSts; home: ReturnType<typeof isolatedAwsHome>; caFile: string; stop(): Promise<void> }> {
  const sts = await startLocalSts();
  const home = isolatedAwsHome();
  const caFile = path.join(home.dir, 'ca.pem');
  fs.writeFileSync(caFile, sts.caPem);
  return {
    sts,
    home,
    caFile,
    stop: async () => {
      home.cleanup();
      await sts.close();
    },
  };
}
