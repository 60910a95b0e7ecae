import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Absolute paths of the real programs the end-to-end tests (and benchmarks) run. */
export interface E2eBinaries {
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly awsIamAuthenticator: string;
  readonly etcd: string;
  readonly kubectl: string;
  readonly aws: string;
}

/** Kubernetes minor the apiserver is built at; kubectl of the same minor is preferred (version skew ±1 is allowed). */
export const KUBERNETES_VERSION = process.env.E2E_K8S_VERSION ?? 'v1.33.13';

const BUILD_SCRIPT = join(__dirname, 'build-binaries.sh');

function which(name: string): string | undefined {
  const r = spawnSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function requireCommand(name: string, hint: string): string {
  const path = which(name);
  if (!path) throw new Error(`e2e: '${name}' is not installed. ${hint}`);
  return path;
}

/** kubectl of the apiserver's minor when the machine has one side by side (Google Cloud SDK layout), else `kubectl`. */
function findKubectl(): string {
  const minor = KUBERNETES_VERSION.replace(/^v(\d+\.\d+)\..*$/, '$1');
  const generic = requireCommand('kubectl', 'Install kubectl (Debian: apt-get install kubectl, or https://kubernetes.io/docs/tasks/tools/).');
  for (const candidate of [`kubectl.${minor}`, join('/usr/lib/google-cloud-sdk/bin', `kubectl.${minor}`)]) {
    const path = candidate.includes('/') ? (existsSync(candidate) ? candidate : undefined) : which(candidate);
    if (path) return path;
  }
  return generic;
}

let cached: E2eBinaries | undefined;

/**
 * Builds (first run: minutes) or finds in the user cache (later runs: seconds) kube-apiserver,
 * kube-controller-manager and the Go
 * aws-iam-authenticator, and locates etcd, kubectl and awscli. Throws a message naming what to install when a
 * prerequisite is missing: the e2e run must fail, never pass silently without its peers.
 */
export function e2eBinaries(): E2eBinaries {
  if (cached) return cached;
  const etcd = requireCommand('etcd', 'Install etcd (Debian: apt-get install etcd-server).');
  const aws = requireCommand('aws', 'Install the AWS CLI (Debian: apt-get install awscli).');
  const kubectl = findKubectl();
  let out: string;
  try {
    out = execFileSync('bash', [BUILD_SCRIPT], {
      encoding: 'utf8',
      env: { ...process.env, E2E_K8S_VERSION: KUBERNETES_VERSION },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
  } catch (err) {
    const status = (err as { status?: number }).status;
    throw new Error(
      status === 3
        ? 'e2e: Go >= 1.24 is required on PATH (https://go.dev/dl/) to build kube-apiserver and aws-iam-authenticator; see the message above'
        : `e2e: building the Go peers failed (exit ${status}); see the build log above (${BUILD_SCRIPT})`,
    );
  }
  const paths = Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.split('=', 2) as [string, string]),
  );
  const kubeApiserver = paths['kube-apiserver'];
  const kubeControllerManager = paths['kube-controller-manager'];
  const awsIamAuthenticator = paths['aws-iam-authenticator'];
  if (!kubeApiserver || !kubeControllerManager || !awsIamAuthenticator) {
    throw new Error(`e2e: ${BUILD_SCRIPT} did not report all binaries, got: ${out}`);
  }
  cached = { kubeApiserver, kubeControllerManager, awsIamAuthenticator, etcd, kubectl, aws };
  return cached;
}
