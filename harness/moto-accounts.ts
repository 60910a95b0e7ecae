/**
 * moto in server mode (`python3 -m moto.server`, plain HTTP on 127.0.0.1) holding IAM and STS of SEVERAL accounts, for
 * the hub → spoke AssumeRole: set-up calls pick their account with moto's `x-moto-account-id` request header (moto
 * docs, "Multi-Account support": in server mode the header chooses the account when MOTO_ACCOUNT_ID is not set, so it
 * is left unset here), and credentials returned by AssumeRole act in the account of the assumed role, as real STS's
 * do. The clients are the AWS SDK's own (@aws-sdk/client-iam), as `snapshot` uses.
 *
 * What moto does not do (checked here, moto 5.x): it does not evaluate a role's trust policy or its conditions on
 * AssumeRole (any caller gets credentials; ExternalId and MFA are not checked), so tests of who MAY assume a role are
 * the analysis's (the trust policy as read), never moto's answer.
 */
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { IAMClient } from '@aws-sdk/client-iam';
import { stopProcess } from './child-process';
import { freePort } from './free-port';
import { waitUntil } from './net';
import { INSTALL_HINT } from './sts-standin';

export interface MotoAccounts {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** An IAM client acting in `account` (set-up calls: the header picks the account). */
  iam(account: string): IAMClient;
  stop(): Promise<void>;
}

/** Set-up credentials: moto does not check signatures by default, the header decides the account. */
const SETUP_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-setup-secret' };

export async function startMotoAccounts(python = 'python3'): Promise<MotoAccounts> {
  const port = await freePort();
  const env = { ...process.env };
  delete env.MOTO_ACCOUNT_ID; // the header is honoured only without it
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('moto server', () => new Promise<boolean>((resolve) => {
      get(`${endpoint}/moto-api/`, (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) < 500);
      }).on('error', () => resolve(false));
    }), { timeoutMs: 90_000, intervalMs: 200, abort: () => exited, describe: () => `${INSTALL_HINT}\n${stderr}` });
  } catch (e) {
    await stopProcess(child);
    throw e;
  }
  const clients: IAMClient[] = [];
  return {
    endpoint,
    iam(account) {
      const client = new IAMClient({ endpoint, region: 'us-east-1', credentials: SETUP_CREDENTIALS });
      client.middlewareStack.add((next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
        return next(args);
      }, { step: 'build', name: 'motoAccountHeader' });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await stopProcess(child);
    },
  };
}
