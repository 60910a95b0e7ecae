/** Starts a server listening and says where: shared by the TLS webhook port and the plain metrics listener. */
import type { AddressInfo, Server } from 'node:net';

export interface Listening {
  readonly port: number;
  /** The address as a URL host (IPv6 in brackets). */
  readonly urlHost: string;
}

export async function listen(server: Server, address: string, port: number): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, urlHost: address.includes(':') ? `[${address}]` : address };
}
