/**
 * `eks-access init --cluster-id ID --dir DIR [--hostname H] [--address A] [--port P] [--force] [--output json]`:
 * writes the webhook's CA, serving certificate and key, the kube-apiserver webhook kubeconfig and a starter
 * `eks-access serve` config into DIR.
 *
 * Deliberate difference from aws-iam-authenticator init (research §5.3): a separate CA and a CA:false serving
 * certificate instead of one self-signed certificate that is both; existing files are never overwritten without
 * --force.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { webhookKubeconfig, webhookServerUrl } from '../../authenticator/server/kubeconfig';

const USAGE = 'usage: eks-access init --cluster-id ID --dir DIR [--hostname localhost] [--address 127.0.0.1] [--port 21362] [--force] [--output json]';

export const INIT_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  cert: 'cert.pem',
  key: 'key.pem',
  kubeconfig: 'webhook-kubeconfig.yaml',
  config: 'config.yaml',
  mapping: 'mapping.yaml',
} as const;

function fail(json: boolean, type: string, message: string): number {
  if (json) process.stdout.write(`${JSON.stringify({ error: { type, message } })}\n`);
  else process.stderr.write(`eks-access init: ${message}\n${type === 'UsageError' ? `${USAGE}\n` : ''}`);
  return 2;
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'cluster-id': { type: 'string' }, 'dir': { type: 'string' }, 'hostname': { type: 'string', default: 'localhost' },
        'address': { type: 'string', default: '127.0.0.1' }, 'port': { type: 'string', default: '21362' },
        'force': { type: 'boolean', default: false }, 'output': { type: 'string' }, 'help': { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    return fail(argv.includes('json'), 'UsageError', (e as Error).message);
  }
  const json = values.output === 'json';
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.output !== undefined && !json) return fail(false, 'UsageError', `--output must be json, got "${values.output}"`);
  const clusterId = values['cluster-id'];
  if (!clusterId) return fail(json, 'UsageError', '--cluster-id is required (the cluster ID tokens are signed for)');
  if (!values.dir) return fail(json, 'UsageError', '--dir is required (where to write the files)');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(json, 'UsageError', `--port must be 1..65535, got "${values.port}"`);
  const address = values.address!;
  if (isIP(address) === 0) return fail(json, 'UsageError', `--address must be an IP address to bind, got "${address}"`);
  const hostname = values.hostname!;

  const dir = resolve(values.dir);
  const paths = Object.fromEntries(Object.entries(INIT_FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof INIT_FILES, string>;
  const existing = Object.values(paths).filter((p) => existsSync(p));
  if (existing.length > 0 && !values.force) {
    return fail(json, 'AlreadyExists', `${existing.join(', ')} already exist(s); use --force to overwrite`);
  }

  let files;
  try {
    const ca = createCertificateAuthority(`eks-access webhook CA (${clusterId})`.slice(0, 64));
    const sanIps = new Set<string>();
    const sanDns = new Set<string>();
    (isIP(hostname) ? sanIps : sanDns).add(hostname);
    if (address !== '0.0.0.0' && address !== '::') sanIps.add(address);
    const server = issueServerCertificate(ca, { dnsNames: [...sanDns], ipAddresses: [...sanIps] });
    mkdirSync(dir, { recursive: true });
    const write = (path: string, text: string, mode: number) => {
      writeFileSync(path, text, { mode });
      chmodSync(path, mode); // writeFileSync's mode applies only to new files
    };
    write(paths.caCert, ca.certPem, 0o644);
    write(paths.caKey, ca.keyPem, 0o600);
    write(paths.cert, server.certPem, 0o644);
    write(paths.key, server.keyPem, 0o600);
    write(paths.kubeconfig, webhookKubeconfig({ server: webhookServerUrl(hostname, port), caPem: ca.certPem }), 0o644);
    write(paths.mapping, starterMapping(), 0o644);
    write(paths.config, starterConfig(clusterId, address, port), 0o644);
    files = paths;
  } catch (e) {
    return fail(json, 'InitError', (e as Error).message);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ clusterId, url: webhookServerUrl(hostname, port), files })}\n`);
  } else {
    process.stdout.write(`wrote ${Object.values(files).join('\n      ')}\n\n`
      + `kube-apiserver: --authentication-token-webhook-config-file=${files.kubeconfig}\n`
      + `webhook:        eks-access serve --config ${files.config}\n`);
  }
  return 0;
}

function starterConfig(clusterId: string, address: string, port: number): string {
  return `# eks-access serve configuration (schema: README, section "webhook")\n${stringify({
    clusterId,
    server: { address, port, tlsCertFile: INIT_FILES.cert, tlsKeyFile: INIT_FILES.key },
    mapping: { backends: [{ type: 'file', path: INIT_FILES.mapping }] },
  })}`;
}

function starterMapping(): string {
  return [
    '# Identity mappings in the aws-auth format (docs/mapping.md); reloaded when this file changes.',
    '# Nobody is authenticated until a row maps them. Examples:',
    '# mapRoles:',
    '#   - rolearn: arn:aws:iam::111122223333:role/Admin',
    '#     username: admin:{{SessionName}}',
    '#     groups: [system:masters]',
    '# mapUsers:',
    '#   - userarn: arn:aws:iam::111122223333:user/alice',
    '#     username: alice',
    'mapRoles: []',
    'mapUsers: []',
    'mapAccounts: []',
    '',
  ].join('\n');
}
