/** A free loopback port, for programs that cannot be told to bind port 0 and report it (unit tests and the e2e harness). */
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1: bound to port 0, read, and released. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
