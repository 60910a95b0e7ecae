/**
 * Compatibility with a token client nobody here wrote: Debian's awscli (`aws eks get-token`, botocore's own SigV4).
 * For the same credentials, region, cluster and second, our presign must produce the same signature, and its token
 * must pass every local check of our verifier. (Verifying it against a SigV4-checking STS is the moto stand-in's
 * integration test.)
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateToken, TokenVerifier } from '../../../authenticator';
import { parseAmzDate } from '../../../authenticator/token/parse';

const creds = { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjE/+session=' };

function awsGetToken(cluster: string, region: string, home: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'aws',
      ['eks', 'get-token', '--cluster-name', cluster, '--region', region, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          AWS_CONFIG_FILE: path.join(home, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
          AWS_ACCESS_KEY_ID: creds.accessKeyId,
          AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
          AWS_SESSION_TOKEN: creds.sessionToken,
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          reject(new Error('awscli is required for this test: apt-get install awscli (or pip install awscli)'));
        } else if (err) {
          reject(new Error(`aws eks get-token failed: ${stderr}`));
        } else {
          resolve(JSON.parse(stdout).status.token);
        }
      },
    );
  });
}

const queryOf = (token: string) => new URL(Buffer.from(token.slice(11), 'base64url').toString()).searchParams;

let home: string;
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'awscli-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

test.each(['eu-west-1', 'us-east-1'])('awscli and we sign identically in %s, and its token passes our checks', async (region) => {
  const theirs = await awsGetToken('my-cluster', region, home);
  const q = queryOf(theirs);
  const signedAt = parseAmzDate(q.get('X-Amz-Date')!)!;
  const ours = await generateToken({ clusterId: 'my-cluster', region, credentials: creds, now: signedAt });

  expect(queryOf(ours.token).get('X-Amz-Signature')).toBe(q.get('X-Amz-Signature'));
  expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

  const verifier = new TokenVerifier({ clusterId: 'my-cluster' });
  try {
    const parsed = verifier.check(theirs);
    expect(parsed.accessKeyId).toBe(creds.accessKeyId);
    expect([`sts.${region}.amazonaws.com`, 'sts.amazonaws.com']).toContain(parsed.host);
    expect(parsed.host).toBe(ours.stsHost);
  } finally {
    verifier.close();
  }
}, 60_000);
