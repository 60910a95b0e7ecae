import { runOk } from '../../../harness/run-process';
import { eksAccess } from '../../../harness/eks-access-process';

/** AWS credentials as the stand-in hands them out. */
export interface Creds {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * Environment for a token client (awscli, `eks-access token`) holding only these credentials and a region.
 * Presigning is offline, so no endpoint override is set: the token names the real STS host, exactly as in
 * production, and only the verifiers are redirected to the stand-in. Shared config files are blanked so nothing on
 * the machine leaks in.
 */
export function tokenClientEnv(creds: Creds, region = 'us-east-1'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** A token from the real AWS CLI: `aws eks get-token --cluster-name ID`. */
export async function awscliToken(aws: string, creds: Creds, clusterId: string, region = 'us-east-1'): Promise<string> {
  const out = await runOk(aws, ['eks', 'get-token', '--cluster-name', clusterId, '--output', 'json'], { env: tokenClientEnv(creds, region) });
  return JSON.parse(out).status.token as string;
}

/** A token from our CLI: `eks-access token -i ID` (the ExecCredential it prints). */
export async function cliToken(creds: Creds, clusterId: string, extraArgs: string[] = [], region = 'us-east-1'): Promise<string> {
  const r = await eksAccess(['token', '-i', clusterId, ...extraArgs], { env: tokenClientEnv(creds, region) });
  if (r.code !== 0) throw new Error(`eks-access token exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout).status.token as string;
}

/** The presigned URL inside a token, for assertions on the STS host it names. */
export function tokenUrl(token: string): URL {
  return new URL(Buffer.from(token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString('utf8'));
}
