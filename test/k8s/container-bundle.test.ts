/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
/**
 * No Docker engine runs here, so instead of building the image this test builds the exact file the image runs
 * (scripts/bundle-server.ts, as the Dockerfile's build stage does), copies it to a folder without node_modules (as in
 * the runtime image), starts it with the Dockerfile's ENTRYPOINT + the AuthenticatorChart's args and the chart's
 * server config, and sends it a real TokenReview signed with real SigV4 and checked by the moto STS stand-in.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import YAML from 'yaml';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { SERVE_NODE_FLAGS } from '../../authenticator/server/node-flags';
import { generateToken } from '../../authenticator/token';
import { AuthenticatorBackend, AuthenticatorChart, AuthenticatorTls } from '../../lib/k8s';
import { bundleServer } from '../../scripts/bundle-server';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';
import { freePort } from '../../harness/free-port';
import { httpsCall, review } from '../authenticator/server/helpers';

const CLUSTER = 'bundle-test';

const dockerfile = readFileSync(join(__dirname, '../../Dockerfile'), 'utf8');

describe('the container bundle', () => {
  let dir: string;
  let standIn: StsStandIn;
  let proc: ChildProcess | undefined;
  let url: string;
  /** What the server printed up to its 'webhook listening' line. */
  let startupOutput = '';
  let caPem: string;
  let alice: { arn: string; userId: string; accessKeyId: string; secretAccessKey: string };
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'container-bundle-'));
    standIn = await startStsStandIn();
    alice = await standIn.createUser('alice');
    const ca = createCertificateAuthority('bundle test CA');
    const leaf = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    caPem = ca.certPem;

    // The chart's server config, adapted only where a test must: a free port, TLS and STS stand-in paths.
    const chart = new AuthenticatorChart(Testing.app(), 'authenticator', {
      clusterId: CLUSTER, image: 'eks-access:test', tls: AuthenticatorTls.fromPemUnsafe(leaf.certPem, leaf.keyPem, ca.certPem),
      backends: [AuthenticatorBackend.staticRows({ roles: [], users: [{ userArn: alice.arn, username: 'alice', groups: ['devs'] }], accounts: [] })],
    });
    const configMap = Testing.synth(chart).find((o: any) => o.kind === 'ConfigMap');
    const config = YAML.parse(configMap.data['config.yaml']);
    writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
    writeFileSync(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
    const port = await freePort();
    config.server = { ...config.server, port, tlsCertFile: join(dir, 'tls.crt'), tlsKeyFile: join(dir, 'tls.key') };
    config.sts = { connectTo: standIn.connectTo, caFile: standIn.caFile }; // TEST ONLY settings: STS is the stand-in
    writeFileSync(join(dir, 'config.yaml'), YAML.stringify(config));

    bundle = await bundleServer(join(dir, 'app'));
    const entrypoint: string[] = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)![1]);
    // The image runs node with the server's flags (one list, authenticator/server/node-flags.ts); so does this test.
    expect(entrypoint).toEqual(['/nodejs/bin/node', ...SERVE_NODE_FLAGS, '/app/eks-access.js']);
    const args = [...SERVE_NODE_FLAGS, bundle, 'serve', '--config', join(dir, 'config.yaml')];
    proc = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, NODE_ENV: 'production' } });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`bundle did not report 'webhook listening' within 30 s; output: ${out}`)), 30000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('webhook listening')) {
          clearTimeout(timer);
          startupOutput = out;
          resolve(`https://127.0.0.1:${port}`);
        }
      };
      proc!.stdout!.on('data', onData);
      proc!.stderr!.on('data', onData);
      proc!.on('exit', (code) => reject(new Error(`bundle exited with ${code}: ${out}`)));
    });
  }, 120000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    await standIn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the Dockerfile is multi-stage on Node 22, runs the bundle as non-root with the chart\'s command', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:22-bookworm-slim', 'gcr.io/distroless/nodejs22-debian12:nonroot']);
    expect(dockerfile).toMatch(/^RUN npx ts-node --transpile-only scripts\/bundle-server.ts \/out/m);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1])).toEqual(['serve', '--config', '/etc/eks-access/config.yaml']);
  });

  test('the startup line names the address served in the clear (only fields named url are redacted: presigned STS URLs)', () => {
    const line = startupOutput.split('\n').map((l) => l.trim()).find((l) => l.includes('webhook listening'))!;
    expect(JSON.parse(line)).toMatchObject({ msg: 'webhook listening', listenUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+/) });
    expect(line).not.toContain('<redacted>');
  });

  test('the image ships only what runs: no source map inside the bundle or beside it', () => {
    // An inline map was 11.8 MB of a 4 MB bundle and ~50 MB of idle RSS (Node keeps the script source), read by nothing:
    // the entrypoint does not pass --enable-source-maps.
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/sourceMappingURL/);
    expect(readdirSync(join(dir, 'app'))).toEqual(['eks-access.js']);
    expect(dockerfile).not.toMatch(/enable-source-maps/);
  });

  test('the image holds only the webhook\'s commands: no analysis, no live-cluster AWS clients', () => {
    // The full CLI's snapshot command brings @aws-sdk/client-eks and client-iam (2 MiB → 11 MiB of bundle, +67 MiB idle RSS).
    const source = readFileSync(bundle, 'utf8');
    expect(source).not.toMatch(/ListAccessEntriesCommand|GetRoleCommand/);
    expect(source).not.toMatch(/who-can|access matrix of one subject/);
  });

  test('the bundle starts from a folder without node_modules and serves /healthz and a TokenReview', async () => {
    const health = await httpsCall(`${url}/healthz`, caPem);
    expect(health.status).toBe(200);
    const token = (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: alice })).token;
    const res = await review(url, caPem, token);
    expect(res.status).toBe(200);
    expect(res.json.status.authenticated).toBe(true);
    expect(res.json.status.user).toMatchObject({ username: 'alice', groups: ['devs'], uid: `aws-iam-authenticator:${standIn.accountId}:${alice.userId}` });
    const bad = await review(url, caPem, 'k8s-aws-v1.not-a-token');
    expect(bad.json.status.authenticated).toBeFalsy();
  });
});
