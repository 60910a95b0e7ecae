/**
 * A real moto server (IAM, CloudFormation, Secrets Manager) for deploying the IAM part of synthesized templates, and
 * awscli pointed at it. moto and awscli are real peers: if missing, the test fails saying what to install.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Moto {
  readonly endpoint: string;
  /**
   * Runs `aws <args> --output json` against moto and parses the answer; with `credentials` (e.g. an AssumeRole
   * answer's), as that session — moto acts in the account of the assumed role.
   */
  aws(args: string[], credentials?: SessionCredentials): Promise<unknown>;
  stop(): Promise<void>;
}

/** The `Credentials` of an STS AssumeRole answer. */
export interface SessionCredentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
}

/**
 * `accountId`: the one account of every request. Without it, requests without a session act in moto's default account
 * (123456789012) and a session from AssumeRole acts in its role's account — what a multi-account test needs (with
 * MOTO_ACCOUNT_ID set, moto 5.2's server answers every request in that account, sessions included).
 */
export async function startMoto(accountId?: string): Promise<Moto> {
  const motoEnv: NodeJS.ProcessEnv = { ...process.env, MOTO_ACCOUNT_ID: accountId };
  if (accountId === undefined) delete motoEnv.MOTO_ACCOUNT_ID;
  const child: ChildProcess = spawn('python3', [join(__dirname, 'moto_server.py')], {
    env: motoEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`cannot start moto (pip install 'moto[server]'): ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`moto exited with ${code} (pip install 'moto[server]'): ${stderr}`)));
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim().split('\n')[0])));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  return {
    endpoint,
    aws: (args, credentials) => new Promise((resolve, reject) => {
      const session = credentials
        ? { ...env, AWS_ACCESS_KEY_ID: credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey, AWS_SESSION_TOKEN: credentials.SessionToken }
        : env;
      execFile('aws', [...args, '--endpoint-url', endpoint, '--output', 'json'], { env: session, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, err) => {
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          reject(new Error(missing ? 'awscli is not installed: pip install awscli' : `aws ${args.join(' ')} failed: ${err}`));
        } else {
          resolve(stdout.trim() === '' ? {} : JSON.parse(stdout));
        }
      });
    }),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }),
  };
}
