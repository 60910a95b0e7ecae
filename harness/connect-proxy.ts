import { createServer, IncomingMessage } from 'node:http';
import { connect, Socket } from 'node:net';
import { AddressInfo } from 'node:net';

export interface ConnectProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
  readonly url: string;
  /** Tunnels opened, by requested `host:port`. */
  readonly tunnels: Map<string, number>;
  /** CONNECT requests refused (host not an STS host). */
  readonly refused: string[];
  close(): Promise<void>;
}

const STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com:443$/;

/**
 * An HTTP CONNECT proxy on 127.0.0.1 that tunnels STS hosts to the local STS stand-in and refuses everything else.
 *
 * The Go aws-iam-authenticator has no STS endpoint setting; with HTTPS_PROXY pointing here and SSL_CERT_FILE set to
 * the stand-in's test CA, its real `https://sts.us-east-1.amazonaws.com/?…` calls reach the stand-in (TLS stays end to
 * end, with the real host as server name) while every byte stays on loopback. Go never proxies 127.0.0.1, so its
 * kube-apiserver traffic is unaffected.
 */
export async function startConnectProxy(stsConnectTo: string): Promise<ConnectProxy> {
  const [targetHost, targetPort] = stsConnectTo.split(':');
  const tunnels = new Map<string, number>();
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('CONNECT only\n');
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!STS_HOST.test(target)) {
      refused.push(target);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    tunnels.set(target, (tunnels.get(target) ?? 0) + 1);
    const upstream = connect(Number(targetPort), targetHost, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
