/**
 * The read role of a fleet cluster (lib/live/fleet/fleet-snapshot.ts `readCredentials`): what the SDK's
 * `fromTemporaryCredentials` sends to STS. moto (test/e2e/fleet.test.ts) assumes across accounts but does not look at
 * the ExternalId, so this STAND-IN records the AssumeRole request: a loopback STS whose request members are checked
 * against botocore's STS model (`sts/2011-06-15/service-2.json`: the operation's required and known members of
 * `AssumeRoleRequest`, query protocol), answering with the members of `AssumeRoleResponse`. The credentials the
 * provider returns are the ones it answered.
 */
import { execFileSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readModelFile } from '../../harness/eks-standin';
import { FLEET_READ_SESSION_NAME, readCredentials } from '../../lib/live/fleet/fleet-snapshot';
import { parseFleet } from '../../lib/live/fleet/fleet-file';

interface StsModel { operations: Record<string, { input: { shape: string } }>; shapes: Record<string, { required?: string[]; members: Record<string, unknown> }> }

let server: Server;
let endpoint: string;
const requests: URLSearchParams[] = [];
let model: StsModel;
let saved: NodeJS.ProcessEnv;

beforeAll(async () => {
  const botocore = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' }).trim();
  model = readModelFile(join(botocore, 'data', 'sts', '2011-06-15'), 'service-2.json') as StsModel;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      requests.push(form);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIASTANDIN0000001</AccessKeyId><SecretAccessKey>standin-secret</SecretAccessKey><SessionToken>standin-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/eks-access-reader/${FLEET_READ_SESSION_NAME}</Arn><AssumedRoleId>AROASTANDIN:${FLEET_READ_SESSION_NAME}</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL_STS: endpoint, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'hub-secret', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  process.env = saved;
  await new Promise((r) => server.close(r));
});

it('assumes readRoleArn with the ExternalId and the eks-access session name, as botocore\'s STS model says', async () => {
  const fleet = parseFleet(`clusters:
  - name: beta
    account: "222222222222"
    region: us-east-1
    readRoleArn: arn:aws:iam::222222222222:role/eks-access-reader
    externalId: fleet-ext-1
  - name: alpha
    account: "111111111111"
    region: eu-west-1
`, '/f.yaml');
  expect(readCredentials(fleet.clusters[1])).toBeUndefined(); // no read role: the caller's own credentials
  const creds = await readCredentials(fleet.clusters[0])!();
  expect(creds).toMatchObject({ accessKeyId: 'ASIASTANDIN0000001', secretAccessKey: 'standin-secret', sessionToken: 'standin-token' });
  expect(requests).toHaveLength(1);
  const form = requests[0];
  expect(form.get('Action')).toBe('AssumeRole');
  expect(form.get('Version')).toBe('2011-06-15');
  const input = model.shapes[model.operations.AssumeRole.input.shape];
  const members = [...form.keys()].filter((k) => k !== 'Action' && k !== 'Version');
  expect(members.filter((m) => !(m in input.members))).toEqual([]);
  expect((input.required ?? []).filter((r) => !form.has(r))).toEqual([]);
  expect(Object.fromEntries(members.map((m) => [m, form.get(m)]))).toEqual({
    RoleArn: 'arn:aws:iam::222222222222:role/eks-access-reader', RoleSessionName: FLEET_READ_SESSION_NAME, ExternalId: 'fleet-ext-1',
  });
});
