/**
 * The far side of bench/benches/cluster-ipc.ts: a process holding an IdentityCache (the real class) that answers
 * lookups sent over the Node IPC channel — what a cache shared by `serve --workers` would be, with the cache in the
 * primary (or any one process) and every review asking it.
 */
import { IdentityCache } from '../../authenticator/server/identity-cache';

const cache = new IdentityCache(10_000);
const identity = {
  arn: 'arn:aws:iam::123456789012:user/bench-user', canonicalArn: 'arn:aws:iam::123456789012:user/bench-user', accountId: '123456789012',
  userId: 'AIDABENCHUSER', sessionName: '', accessKeyId: 'AKIABENCH', stsEndpoint: 'sts.us-east-1.amazonaws.com',
};
process.on('message', (m: { id: number; key: string; fill?: boolean }) => {
  if (m.fill) cache.set(m.key, { kind: 'identity', identity }, Date.now() + 600_000);
  const hit = cache.get(m.key);
  process.send!({ id: m.id, outcome: hit });
  if (m.id === -1) process.send!({ cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 });
});
