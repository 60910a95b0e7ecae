import { join } from 'node:path';
import { ManagedProcess, startProcess } from './processes';

/**
 * kube-controller-manager running only the clusterrole-aggregation controller, so the built-in aggregated roles
 * (admin, edit, view) and any aggregated ClusterRole we apply get their rules exactly as on a real cluster. No
 * serving port (--secure-port=0): it only talks to the apiserver.
 */
export function startAggregationController(binary: string, adminKubeconfig: string, dir: string): ManagedProcess {
  return startProcess(
    'kube-controller-manager',
    binary,
    [
      `--kubeconfig=${adminKubeconfig}`,
      '--controllers=clusterrole-aggregation',
      '--leader-elect=false',
      '--secure-port=0',
      '--v=1',
    ],
    join(dir, 'kube-controller-manager.log'),
  );
}
