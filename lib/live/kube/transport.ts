/**
 * The TLS connection of one Kubernetes API request, opened the way kubectl opens it: straight to the server, or
 * through the kubeconfig's `proxy-url` with an HTTP CONNECT tunnel (client-go rest/transport.go uses
 * net/http.ProxyURL; the tunnel is RFC 9110 §9.3.6 CONNECT), TLS staying end to end with the API server. The TLS
 * server name is the kubeconfig's `tls-server-name` when set, else the URL's host: it is sent as SNI (unless it is an
 * IP address, which RFC 6066 §3 forbids there) and the certificate is checked against it (Node's tls.connect checks
 * `servername`, else `host`).
 */
import { request as httpRequest } from 'node:http';
import { isIP, Socket } from 'node:net';
import { connect as tlsConnect, ConnectionOptions, TLSSocket } from 'node:tls';
import { RuleError } from '../../model/rule-error';

/** An unusable kubeconfig `proxy-url` (a scheme other than http, or not a URL). */
export const KUBE_PROXY_RULE = 'eks-access:kube-proxy-url';

export interface TlsTarget {
  readonly host: string;
  readonly port: number;
  readonly tls: Omit<ConnectionOptions, 'host' | 'port' | 'socket' | 'servername'>;
  /** kubeconfig `tls-server-name`. */
  readonly serverName?: string;
}

/**
 * Checks a kubeconfig `proxy-url` once, when the client is made. Only `http://` proxies are spoken (the CONNECT
 * tunnel); `https://` and `socks5://` proxies, which kubectl also accepts, are refused by name rather than bypassed.
 */
export function parseProxyUrl(proxyUrl: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw new RuleError(KUBE_PROXY_RULE, `${where} proxy-url`, 'is not a URL; expected http://HOST:PORT');
  }
  if (url.protocol !== 'http:') {
    throw new RuleError(KUBE_PROXY_RULE, `${where} proxy-url`, `scheme ${url.protocol.replace(/:$/, '')} is not supported (only http:// proxies, tunnelled with CONNECT); remove proxy-url or use an http:// proxy`);
  }
  return url;
}

/** The proxy URL without credentials, for messages. */
export function proxyLabel(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** Opens a TCP tunnel through an HTTP proxy to `host:port` (CONNECT), with the proxy's Basic credentials if any. */
function tunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Socket> {
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username) {
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: proxy.hostname, port: Number(proxy.port || 80), method: 'CONNECT', path: authority, headers, agent: false, timeout: timeoutMs });
    req.on('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        return reject(new Error(`proxy ${proxyLabel(proxy)} refused CONNECT ${authority}: HTTP ${res.statusCode}`));
      }
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('timeout', () => req.destroy(new Error(`proxy ${proxyLabel(proxy)}: no answer to CONNECT ${authority} within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(e.message.startsWith('proxy ') ? e : new Error(`proxy ${proxyLabel(proxy)}: ${e.message}`)));
    req.end();
  });
}

/**
 * A `createConnection` for https.request: the TLS socket to the target, through the proxy when one is given, with
 * `timeoutMs` as its idle timeout. `track` receives every socket opened, so a deadline can destroy a tunnel still
 * being set up.
 */
export function connector(target: TlsTarget, proxy: URL | undefined, timeoutMs: number, track: (s: Socket) => void) {
  return (_opts: unknown, done: (err: Error | null, socket?: TLSSocket) => void): undefined => {
    const name = target.serverName ?? target.host;
    const tls = { ...target.tls, host: target.host, port: target.port, ...(isIP(name) ? {} : { servername: name }) };
    const secure = (socket?: Socket) => {
      const s = tlsConnect(socket ? { ...tls, socket } : tls);
      // The idle timeout: without an Agent nobody else arms it, and https.request's `timeout` only listens for it.
      s.setTimeout(timeoutMs);
      track(s);
      done(null, s);
    };
    if (!proxy) {
      secure();
      return undefined;
    }
    tunnel(proxy, target.host, target.port, timeoutMs).then((socket) => {
      track(socket);
      secure(socket);
    }, (e: Error) => done(e));
    return undefined;
  };
}
