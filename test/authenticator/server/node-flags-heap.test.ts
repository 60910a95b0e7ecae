/**
 * Why `serve` pins V8's young generation (authenticator/server/node-flags.ts, `--max-semi-space-size=16`): Node sizes
 * its heap from the memory cgroup's limit, and at the authenticator pod's default limit (192 MiB,
 * lib/k8s/authenticator-pod.ts) that leaves a 2 MB new space; with the server's flags it is 32 MB whatever the limit.
 * Real cgroups (harness/memory-cgroup.ts): it needs a writable cgroup hierarchy (root, as on the project's CI
 * machine); without one the test is skipped and says why.
 */
import { spawnSync } from 'node:child_process';
import { SERVE_NODE_FLAGS } from '../../../authenticator/server/node-flags';
import { makeMemoryCgroup, MemoryCgroup } from '../../../harness/memory-cgroup';

const POD_MEMORY_BYTES = 192 * 1024 * 1024;

/** The new space V8 settles on in a node started in `cgroup` with `flags`, after enough garbage to grow it (MB). */
function newSpaceMb(cgroup: MemoryCgroup, flags: readonly string[]): number {
  const script = 'let k=[];for(let i=0;i<3e6;i++){k.push({a:i,b:"x"+i});if(k.length>1000)k=[];}' +
    'process.stdout.write(String(require("v8").getHeapSpaceStatistics().find((s)=>s.space_name==="new_space").space_size))';
  const [command, args] = cgroup.wrap(process.execPath, [...flags, '-e', script]);
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node in the cgroup failed: ${r.stderr}`);
  return Number(r.stdout) / 2 ** 20;
}

const cgroup = makeMemoryCgroup(POD_MEMORY_BYTES);
const withCgroup = 'dir' in cgroup ? test : test.skip;
if (!('dir' in cgroup)) process.stderr.write(`node-flags-heap.test.ts skipped: ${cgroup.reason}\n`);
afterAll(() => {
  if ('dir' in cgroup) cgroup.remove();
});

withCgroup('in a 192 MiB memory cgroup, node alone gets a 2 MB new space and the server\'s flags 32 MB', () => {
  if (!('dir' in cgroup)) return;
  expect(newSpaceMb(cgroup, [])).toBeLessThanOrEqual(4);
  expect(newSpaceMb(cgroup, SERVE_NODE_FLAGS)).toBe(32);
});
