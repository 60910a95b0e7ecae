import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { ManagedProcess, startProcess } from './processes';
import { freePort } from './free-port';
import { waitUntil } from './net';

export interface RunningEtcd {
  /** http://127.0.0.1:PORT, for kube-apiserver's --etcd-servers. */
  readonly clientUrl: string;
  readonly process: ManagedProcess;
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** A single-member etcd on loopback with its data in `dir` (plain HTTP: it never leaves 127.0.0.1). */
export async function startEtcd(etcdBinary: string, dir: string): Promise<RunningEtcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  mkdirSync(dir, { recursive: true });
  const proc = startProcess(
    'etcd',
    etcdBinary,
    [
      '--name=e2e',
      `--data-dir=${join(dir, 'data')}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=e2e=${peerUrl}`,
      '--log-level=warn',
    ],
    join(dir, 'etcd.log'),
  );
  await waitUntil('etcd', () => healthy(clientUrl), {
    timeoutMs: 30000,
    describe: () => proc.tail(),
    abort: () => proc.exited(),
  });
  return { clientUrl, process: proc };
}
