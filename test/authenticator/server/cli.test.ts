/**
 * The CLI end to end: `eks-access init` writes CA, certificate, key, webhook kubeconfig and config; `eks-access serve`
 * (a real child process) serves reviews at the URL and with the CA the kubeconfig names, for a token made by
 * `eks-access token`; SIGTERM lets an in-flight review finish, then the process exits 0.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { generateToken } from '../../../authenticator/token';
import { startStsStandIn, StsStandIn } from '../../../harness/sts-standin';
import { CLI_FROM_SOURCE, eksAccess } from '../../../harness/eks-access-process';
import { freePort } from '../../../harness/free-port';
import { httpsCall, metricValue, review } from './helpers';
import { waitUntil } from '../../../harness/net';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLUSTER = 'cli-it';

/** `eks-access ARGS` from the sources, with `env` added to this process's environment. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return eksAccess(args, { fromSource: true, env: { ...process.env, ...env } });
}

describe('eks-access init + serve', () => {
  let standIn: StsStandIn;
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    standIn = await startStsStandIn();
    dir = mkdtempSync(join(tmpdir(), 'init-'));
  }, 120000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
    }
    await standIn?.stop();
  });

  it('init refuses bad arguments with one clear line', async () => {
    const missing = await cli(['init', '--dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--cluster-id is required/);
    const json = await cli(['init', '--cluster-id', 'x', '--dir', dir, '--port', '99999', '--output', 'json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { type: 'UsageError', message: expect.stringMatching(/--port/) } });
  });

  it('init writes the CA private key apart from the serving key (or not at all with --no-ca-key) and says where', async () => {
    const base = mkdtempSync(join(tmpdir(), 'init-ca-'));
    const served = join(base, 'webhook');
    const init = await cli(['init', '--cluster-id', CLUSTER, '--dir', served, '--output', 'json']);
    expect(init.code).toBe(0);
    const files = JSON.parse(init.stdout).files;
    expect(files.caKey).toBe(join(`${served}-ca`, 'ca-key.pem'));
    expect(statSync(files.caKey).mode & 0o777).toBe(0o600);
    expect(statSync(`${served}-ca`).mode & 0o777).toBe(0o700);
    expect(readdirSync(served).sort()).toEqual(['ca.pem', 'cert.pem', 'config.yaml', 'key.pem', 'mapping.yaml', 'webhook-kubeconfig.yaml']);
    expect(readFileSync(files.caKey, 'utf8')).toMatch(/BEGIN (RSA )?PRIVATE KEY/);

    const text = await cli(['init', '--cluster-id', CLUSTER, '--dir', join(base, 'other'), '--ca-key-dir', join(base, 'offline')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`CA private key: ${join(base, 'offline', 'ca-key.pem')}`);

    const none = await cli(['init', '--cluster-id', CLUSTER, '--dir', join(base, 'nokey'), '--no-ca-key', '--output', 'json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout).files.caKey).toBeUndefined();
    expect(readdirSync(base).sort()).toEqual(['nokey', 'offline', 'other', 'webhook', 'webhook-ca']);
    expect(readdirSync(join(base, 'nokey'))).not.toContain('ca-key.pem');

    const same = await cli(['init', '--cluster-id', CLUSTER, '--dir', join(base, 'x'), '--ca-key-dir', join(base, 'x')]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/must not sit beside the serving key/);
  });

  it('init + serve: a webhook reachable through the generated kubeconfig; SIGTERM drains in-flight reviews', async () => {
    const port = await freePort();
    const init = await cli(['init', '--cluster-id', CLUSTER, '--dir', dir, '--hostname', 'localhost', '--port', String(port), '--output', 'json']);
    expect(init.code).toBe(0);
    const files = JSON.parse(init.stdout).files;
    expect(statSync(files.key).mode & 0o777).toBe(0o600);
    expect(statSync(files.caKey).mode & 0o777).toBe(0o600);
    const again = await cli(['init', '--cluster-id', CLUSTER, '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exist.*--force/);

    const kubeconfig = parse(readFileSync(files.kubeconfig, 'utf8'));
    expect(kubeconfig['current-context']).toBe('webhook');
    const cluster = kubeconfig.clusters[0].cluster;
    expect(cluster.server).toBe(`https://localhost:${port}/authenticate`);
    const caPem = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');

    // Map alice, point the test-only STS redirection at the stand-in, and serve.
    const alice = await standIn.createUser('alice');
    writeFileSync(files.mapping, stringify({ mapUsers: [{ userarn: alice.arn, username: 'alice', groups: ['devs'] }] }));
    const config = parse(readFileSync(files.config, 'utf8'));
    config.sts = { connectTo: standIn.connectTo, caFile: standIn.caFile };
    writeFileSync(files.config, stringify(config));
    child = spawn(process.execPath, [...CLI_FROM_SOURCE, 'serve', '--config', files.config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const base = `https://localhost:${port}`;
    await waitUntil('serve to become ready', async () => (await httpsCall(`${base}/readyz`, caPem)).status === 200, {
      timeoutMs: 20000, intervalMs: 200, describe: () => output, abort: () => child!.exitCode !== null,
    });

    const token = await cli(['token', '-i', CLUSTER, '--region', 'us-east-1', '--token-only'], standIn.env(alice));
    expect(token.stderr).toBe('');
    const ok = await review(base, caPem, token.stdout.trim());
    expect(ok.status).toBe(200);
    expect(ok.json.status.user).toMatchObject({ username: 'alice', groups: ['devs'] });

    // An in-flight review (STS answers after 1.5 s) must finish although SIGTERM arrives meanwhile.
    await standIn.setFault({ delayMs: 1500 });
    // A token the cache has not seen (signed 5 s earlier), so the review really waits for STS.
    const slowToken = (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: alice, now: new Date(Date.now() - 5000) })).token;
    const inFlight = review(base, caPem, slowToken);
    await waitUntil('the review to reach STS', async () =>
      metricValue((await httpsCall(`${base}/metrics`, caPem)).text, 'eks_access_webhook_sts_in_flight') >= 1);
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const answer = await inFlight;
    await standIn.setFault(undefined);
    expect(answer.status).toBe(200);
    expect(answer.json.status.user.username).toBe('alice');
    expect(await exited).toBe(0);
    await expect(httpsCall(`${base}/healthz`, caPem)).rejects.toThrow();
    const lines = output.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'shutting down: waiting for in-flight reviews')).toBe(true);
    expect(output).not.toContain(token.stdout.trim().slice(11, 50));
  }, 90000);

  it('serve reports a config error naming the field', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusterId: c\nserver: {tlsCertFile: a, tlsKeyFile: b, port: 70000}\nmapping: {backends: [{type: file, path: m}]}\n');
    const res = await cli(['serve', '--config', bad]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(/^eks-access serve: invalid config .*bad\.yaml: server\.port: must be an integer between 0 and 65535, got 70000$/);
  });
});
