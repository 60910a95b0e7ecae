/**
 * `eks-access init --cluster-id ID --dir DIR [--hostname H] [--address A] [--port P] [--force] [--output json]`:
 * writes the webhook's CA, serving certificate and key, the kube-apiserver webhook kubeconfig and a starter
 * `eks-access serve` config into DIR.
 *
 * Deliberate difference from aws-iam-authenticator init: a separate CA and a CA:false serving certificate instead of
 * one self-signed certificate that is both; existing files are never overwritten without --force. The CA private key
 * is not written beside the serving key (DIR is what gets mounted into the webhook): it goes to --ca-key-dir
 * (default DIR-ca, a sibling directory), or nowhere with --no-ca-key (a new serving certificate then needs a new CA).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { webhookKubeconfig, webhookServerUrl } from '../../authenticator/server/kubeconfig';

import { CliError, UsageError } from './cli-flags';
import { strictCommand } from './command-frame';
import { CommandHelp, HELP_FLAG, OUTPUT_FLAG } from './help';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';

export const OPTIONS = {
  'cluster-id': { type: 'string' }, 'dir': { type: 'string' }, 'hostname': { type: 'string', default: 'localhost' },
  'address': { type: 'string', default: '127.0.0.1' }, 'port': { type: 'string', default: '21362' },
  'force': { type: 'boolean', default: false }, 'output': { type: 'string', short: 'o' }, 'help': { type: 'boolean', short: 'h' },
  'ca-key-dir': { type: 'string' }, 'no-ca-key': { type: 'boolean', default: false },
} as const;

export const HELP: CommandHelp = {
  name: 'init',
  synopsis: '--cluster-id ID --dir DIR [options]',
  summary: "Write the webhook's CA, serving certificate and key, kube-apiserver's webhook kubeconfig and a starter serve config into DIR.",
  flags: [
    { name: 'cluster-id', value: 'ID', required: true, meaning: 'the cluster ID tokens are signed for (x-k8s-aws-id)' },
    { name: 'dir', value: 'DIR', required: true, meaning: 'where to write the files (created if missing)' },
    { name: 'ca-key-dir', value: 'DIR', default: 'DIR-ca (a sibling of --dir)', meaning: "where the CA's private key goes; never --dir, which is mounted into the webhook" },
    { name: 'no-ca-key', meaning: 'write the CA key nowhere (a new serving certificate then needs a new CA)' },
    { name: 'hostname', value: 'NAME', default: OPTIONS.hostname.default, meaning: 'name kube-apiserver dials; a SAN of the serving certificate' },
    { name: 'address', value: 'IP', default: OPTIONS.address.default, meaning: 'address the webhook binds; also a SAN unless 0.0.0.0 / ::' },
    { name: 'port', value: 'PORT', default: OPTIONS.port.default, meaning: 'port the webhook listens on' },
    { name: 'force', meaning: 'overwrite existing files (refused without it)' },
    OUTPUT_FLAG,
    HELP_FLAG,
  ],
  notes: 'Exit codes: 0 written, 2 usage error, existing files or a failure writing them.',
};

/** Files written into --dir. */
export const INIT_FILES = {
  caCert: 'ca.pem',
  cert: 'cert.pem',
  key: 'key.pem',
  kubeconfig: 'webhook-kubeconfig.yaml',
  config: 'config.yaml',
  mapping: 'mapping.yaml',
} as const;

/** The CA private key's file name, in --ca-key-dir. */
export const CA_KEY_FILE = 'ca-key.pem';

export const run = strictCommand(HELP, OPTIONS, { allowPositionals: false }, async ({ values }, _json, format) => {
  const clusterId = values['cluster-id'];
  if (!clusterId) throw new UsageError('--cluster-id is required (the cluster ID tokens are signed for)');
  if (!values.dir) throw new UsageError('--dir is required (where to write the files)');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be 1..65535, got "${values.port}"`);
  const address = values.address!;
  if (isIP(address) === 0) throw new UsageError(`--address must be an IP address to bind, got "${address}"`);
  const hostname = values.hostname!;

  const dir = resolve(values.dir);
  if (values['no-ca-key'] && values['ca-key-dir'] !== undefined) throw new UsageError('give --ca-key-dir or --no-ca-key, not both');
  const caKeyDir = values['no-ca-key'] ? undefined : resolve(values['ca-key-dir'] ?? `${dir}-ca`);
  if (caKeyDir === dir) throw new UsageError('--ca-key-dir must not be --dir: the CA private key must not sit beside the serving key');
  const paths = Object.fromEntries(Object.entries(INIT_FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof INIT_FILES, string>;
  const caKeyPath = caKeyDir === undefined ? undefined : join(caKeyDir, CA_KEY_FILE);
  const existing = [...Object.values(paths), ...(caKeyPath ? [caKeyPath] : [])].filter((p) => existsSync(p));
  if (existing.length > 0 && !values.force) {
    throw new CliError('AlreadyExists', `${existing.join(', ')} already exist(s); use --force to overwrite`);
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
    if (caKeyDir !== undefined && caKeyPath !== undefined) {
      mkdirSync(caKeyDir, { recursive: true, mode: 0o700 });
      write(caKeyPath, ca.keyPem, 0o600);
    }
    write(paths.cert, server.certPem, 0o644);
    write(paths.key, server.keyPem, 0o600);
    write(paths.kubeconfig, webhookKubeconfig({ server: webhookServerUrl(hostname, port), caPem: ca.certPem }), 0o644);
    write(paths.mapping, starterMapping(), 0o644);
    write(paths.config, starterConfig(clusterId, address, port), 0o644);
    files = { ...paths, ...(caKeyPath ? { caKey: caKeyPath } : {}) };
  } catch (e) {
    throw new CliError('InitError', (e as Error).message);
  }
  if (format !== 'text') {
    printStructured({ clusterId, url: webhookServerUrl(hostname, port), files }, format, { compactJson: true });
  } else {
    const caKeyNote = caKeyPath
      ? `CA private key: ${caKeyPath} (kept apart from ${dir}; move it offline — it is needed only to issue a new serving certificate)`
      : 'CA private key: not written (--no-ca-key); a new serving certificate will need a new CA (eks-access init again)';
    const [first, ...rest] = Object.values(paths);
    process.stdout.write(safeLines([
      `wrote ${first}`, ...rest.map((p) => `      ${p}`), caKeyNote, '',
      `kube-apiserver: --authentication-token-webhook-config-file=${files.kubeconfig}`,
      `webhook:        eks-access serve --config ${files.config}`,
    ]));
  }
  return 0;
});

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
