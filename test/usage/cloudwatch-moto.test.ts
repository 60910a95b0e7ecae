/**
 * `usage --log-group` against another implementation of CloudWatch Logs than ours: moto's (its `logs` backend, served
 * by the moto server of harness/sts-standin.ts over HTTPS, which passes every non-STS call to moto unchanged). moto is
 * a stand-in too, not AWS, but written by others from the same API: the built CLI, in a process of its own with the
 * environment a user would have (credentials, `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, the CA in `NODE_EXTRA_CA_CERTS`),
 * must report from moto's FilterLogEvents what it reports from the same events in a file.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { runEksAccess } from '../analysis/run-cli';
import { writeFixture } from './fixture';
import { CLI } from '../../harness/eks-access-process';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';

const GROUP = '/aws/eks/moto/cluster';
const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'standin-admin-secret' };
const fx = writeFixture();
let moto: StsStandIn;

beforeAll(async () => {
  moto = await startStsStandIn();
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

it('reports from moto\'s FilterLogEvents what the same events give from a file', async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const client = new CloudWatchLogsClient({
    region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDS,
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: moto.caPem }) }),
  });
  await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  // Two audit streams (EKS writes several). Not the authenticator's stream beside them: moto 5.2.1 ignores
  // logStreamNamePrefix (moto/logs/responses.py `filter_log_events` reads only logStreamNames), so the prefix is
  // checked against harness/logs-standin.ts (test/usage/cloudwatch.test.ts), not here.
  const lines = readFileSync(fx.log, 'utf8').split('\n').filter(Boolean);
  const put = async (stream: string, messages: string[]) => {
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
    const logEvents = messages.map((message) => ({ message, timestamp: Date.parse((JSON.parse(message) as { requestReceivedTimestamp: string }).requestReceivedTimestamp) }))
      .sort((a, b) => a.timestamp - b.timestamp);
    await client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents }));
  };
  await put('kube-apiserver-audit-aaaa', lines.slice(0, 5));
  await put('kube-apiserver-audit-bbbb', lines.slice(5));
  client.destroy();

  const env = { ...process.env, ...moto.env(CREDS), AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.endpoint };
  const live = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const c = spawn(process.execPath, [CLI, 'usage', '--from', fx.model, '--log-group', GROUP, '--since', '2026-12-01T00:00:00Z', '--until', '2026-12-02T00:00:00Z', '--no-bootstrap', '-o', 'json'], { env });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('close', (code) => resolve({ code, out }));
  });
  expect(live.code).toBe(0);
  const file = JSON.parse((await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '-o', 'json')).stdout);
  const b = JSON.parse(live.out);
  expect(b.read).toEqual(expect.objectContaining({ counted: 9, duplicates: 0, malformed: {} }));
  expect(b.read.logGroups[0].events).toBe(9);
  expect(b.principals).toEqual(file.principals);
  expect(b.neverSeen).toEqual(file.neverSeen);
}, 120_000);
