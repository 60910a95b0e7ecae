import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../authenticator/certs';
import { ManagedProcess, startProcess } from './processes';
import { freePort } from './free-port';
import { httpsCall, waitUntil } from './net';

export interface KubeApiserverOptions {
  readonly binary: string;
  readonly etcdUrl: string;
  /** Working directory for certificates, keys, kubeconfigs and the log. */
  readonly dir: string;
  /** kubeconfig for --authentication-token-webhook-config-file (from `eks-access init` or the Go peer). */
  readonly webhookKubeconfig?: string;
  /** TokenReview version the webhook speaks (default v1; the Go aws-iam-authenticator answers v1beta1). */
  readonly webhookVersion?: 'v1' | 'v1beta1';
  /**
   * Write an audit log, as EKS does: every request at `Metadata` level (user with its `extra`, verb, objectRef,
   * response code; no bodies), `audit.k8s.io/v1` Event JSON lines in `<dir>/audit.log`. Off by default: only the tests
   * that read the log pay for it.
   */
  readonly auditLog?: boolean;
  /**
   * More rows of --token-auth-file beside the admin's: static bearer tokens for users that carry no `user.extra` (as
   * a certificate or token-file user would), e.g. to give a request a username some IAM principal is mapped to.
   */
  readonly staticTokens?: ReadonlyArray<{ readonly token: string; readonly username: string; readonly groups: readonly string[] }>;
  /** --authentication-token-webhook-cache-ttl. @default '0s' (tests; kube-apiserver's own 10 s success cache still applies, below) */
  readonly webhookCacheTtl?: string;
}

/**
 * The audit policy of {@link KubeApiserverOptions.auditLog}: one rule, `Metadata` for everything (k8s.io/apiserver
 * pkg/apis/audit/v1/types.go `Policy`, `PolicyRule`), the level issue 28 states for the EKS control plane's audit log.
 * No `omitStages`: every request logs `RequestReceived` and `ResponseComplete` (a watch also `ResponseStarted`), as
 * a log reader must expect.
 */
export const METADATA_AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  rules: [{ level: 'Metadata' }],
} as const;

export interface RunningKubeApiserver {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** PEM file of the test CA that signed the apiserver's serving certificate. */
  readonly caFile: string;
  /** Bearer token of `e2e-admin` (group system:masters), from --token-auth-file. */
  readonly adminToken: string;
  /** kubeconfig for the admin. */
  readonly adminKubeconfig: string;
  readonly process: ManagedProcess;
  /** With `auditLog`: the JSON-lines audit log file kube-apiserver writes (blocking mode: see startKubeApiserver). */
  readonly auditLogFile?: string;
  /** Writes a kubeconfig for this apiserver whose user is `user` (a kubeconfig `users[].user` object). */
  writeKubeconfig(name: string, user: Record<string, unknown>): string;
}

/**
 * A real kube-apiserver on 127.0.0.1 backed by `etcdUrl`, with RBAC authorization, a static admin token, and
 * optionally a TokenReview webhook. No controller-manager runs: objects are stored and authorized, nothing reconciles.
 */
export async function startKubeApiserver(opts: KubeApiserverOptions): Promise<RunningKubeApiserver> {
  const dir = opts.dir;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;

  // Service-account signing key: required flags even though no pod ever runs.
  const ca = createCertificateAuthority('e2e kube-apiserver CA');
  const serving = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const caFile = join(dir, 'ca.crt');
  const servingCert = join(dir, 'serving.crt');
  const servingKey = join(dir, 'serving.key');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(servingCert, serving.certPem);
  writeFileSync(servingKey, serving.keyPem, { mode: 0o600 });

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKey = join(dir, 'sa.key');
  const saPub = join(dir, 'sa.pub');
  writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));

  const adminToken = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'tokens.csv');
  // Token file rows: token,user,uid,"group1,group2" (kubernetes docs, "Authenticating": static token file).
  const tokenRows = [
    `${adminToken},e2e-admin,e2e-admin-uid,"system:masters"`,
    ...(opts.staticTokens ?? []).map((t) => `${t.token},${t.username},${t.username}-uid,"${t.groups.join(',')}"`),
  ];
  writeFileSync(tokenFile, `${tokenRows.join('\n')}\n`, { mode: 0o600 });

  const args = [
    `--etcd-servers=${opts.etcdUrl}`,
    `--etcd-prefix=/e2e-${randomBytes(4).toString('hex')}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--tls-cert-file=${servingCert}`,
    `--tls-private-key-file=${servingKey}`,
    '--service-cluster-ip-range=10.96.0.0/24',
    `--service-account-key-file=${saPub}`,
    `--service-account-signing-key-file=${saKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--authorization-mode=RBAC',
    `--token-auth-file=${tokenFile}`,
    // No controller-manager: nothing to reconcile the `kubernetes` Service endpoints onto a loopback address.
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--v=1',
  ];
  if (opts.webhookKubeconfig) {
    args.push(
      `--authentication-token-webhook-config-file=${opts.webhookKubeconfig}`,
      `--authentication-token-webhook-version=${opts.webhookVersion ?? 'v1'}`,
      // No webhook-level cache by default (production keeps the 2 min default; the kube-apiserver-client bench sets both), but this does NOT send every request to the
      // webhook: kube-apiserver also caches successful token authentications for 10 s in front of all its token
      // authenticators (kubernetes pkg/kubeapiserver/options/authentication.go `NewBuiltInAuthenticationOptions`:
      // `TokenSuccessCacheTTL: 10 * time.Second`, `TokenFailureCacheTTL: 0`, applied in
      // pkg/kubeapiserver/authenticator/config.go through staging/src/k8s.io/apiserver/pkg/authentication/token/cache;
      // not a flag). A token that succeeded keeps its user for up to 10 s after a mapping change; a failed one is
      // asked again at once. Tests that change the mapping poll until the new answer shows.
      `--authentication-token-webhook-cache-ttl=${opts.webhookCacheTtl ?? '0s'}`,
    );
  }
  let auditLogFile: string | undefined;
  if (opts.auditLog) {
    const policyFile = join(dir, 'audit-policy.json');
    writeFileSync(policyFile, JSON.stringify(METADATA_AUDIT_POLICY));
    auditLogFile = join(dir, 'audit.log');
    args.push(
      `--audit-policy-file=${policyFile}`,
      `--audit-log-path=${auditLogFile}`,
      '--audit-log-format=json',
      // blocking: each event is written by the request's own goroutine before it finishes (no batch buffer to flush);
      // the write may still land just after the client has its response, so readers poll the file for the events
      // they expect (waitUntil), never sleep.
      '--audit-log-mode=blocking',
      // No rotation during a test.
      '--audit-log-maxsize=0',
    );
  }
  const proc = startProcess('kube-apiserver', opts.binary, args, join(dir, 'kube-apiserver.log'));

  await waitUntil(
    'kube-apiserver',
    async () => (await httpsCall(`${url}/readyz`, ca.certPem, { headers: { authorization: `Bearer ${adminToken}` }, timeoutMs: 5000 })).status === 200,
    { timeoutMs: 180000, intervalMs: 500, describe: () => proc.tail(), abort: () => proc.exited() },
  );

  const writeKubeconfig = (name: string, user: Record<string, unknown>): string => {
    const file = join(dir, `${name}.kubeconfig`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'e2e', cluster: { server: url, 'certificate-authority-data': readFileSync(caFile).toString('base64') } }],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: 'e2e', user: name } }],
      'current-context': name,
    };
    writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
    return file;
  };
  const adminKubeconfig = writeKubeconfig('admin', { token: adminToken });
  return { url, caFile, adminToken, adminKubeconfig, process: proc, writeKubeconfig, ...(auditLogFile ? { auditLogFile } : {}) };
}
