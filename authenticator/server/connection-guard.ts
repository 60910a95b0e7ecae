/**
 * Bounds what a caller can hold open on a listener, which Node's own timeouts do not: `headersTimeout` and
 * `requestTimeout` start only once request bytes arrive, so a TCP connection that never sends a byte, or a TLS
 * connection that completes the handshake and then stays silent, would otherwise stay open for ever.
 *
 * - A connection must deliver its first request's headers within `firstRequestTimeoutMs` of being accepted (TLS
 *   handshake included), else it is closed.
 * - At most `maxConnections` connections are open. At the cap, a new connection evicts the oldest connection that has
 *   not yet sent a request (silent connections are what a flood is made of); only when every open connection has
 *   sent a request is the new one dropped. So a flood of silent connections cannot lock out kube-apiserver or the
 *   kubelet's probes, and it is cheap for us: a dropped or evicted socket costs one accept and one close.
 *
 * Node's `server.maxConnections` is not used: it drops the newcomer, which lets a flood hold the whole budget.
 */
import type { Server as NetServer, Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';

export interface ConnectionGuardOptions {
  readonly maxConnections: number;
  readonly firstRequestTimeoutMs: number;
  /** A connection closed because it was silent too long (`timeout`), evicted at the cap, or dropped at the cap. */
  readonly onClosed?: (reason: 'silent_timeout' | 'evicted' | 'dropped') => void;
}

interface Pending {
  /** The accepted TCP socket (what counts against the cap). */
  readonly raw: Socket;
  /** The raw socket until the TLS handshake completes, then the TLS socket (destroying it closes the connection). */
  socket: Socket;
  readonly acceptedAt: number;
}

/** Both sockets of one TLS connection share the peer's address and port; that names the connection. */
function keyOf(socket: Socket): string | undefined {
  return socket.remoteAddress === undefined ? undefined : `${socket.remoteAddress}|${socket.remotePort}`;
}

export class ConnectionGuard {
  private readonly open = new Set<Socket>();
  /** Connections that have not sent a request yet, oldest first (a Map iterates in insertion order). */
  private readonly pending = new Map<string, Pending>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(server: NetServer, private readonly opts: ConnectionGuardOptions) {
    server.on('connection', (socket: Socket) => this.accept(socket));
    // TLS servers: the handshake is done, the connection is now the TLS socket (same peer address and port).
    server.on('secureConnection', (socket: Socket) => {
      const entry = this.pending.get(keyOf(socket) ?? '');
      if (entry) entry.socket = socket;
    });
    server.on('request', (req: IncomingMessage) => this.pending.delete(keyOf(req.socket) ?? ''));
    // The sweep only looks at expired entries at the head of the queue: cheap enough to run often, so a silent
    // connection outlives firstRequestTimeoutMs by at most this interval.
    const every = Math.max(25, Math.min(250, Math.floor(opts.firstRequestTimeoutMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), every).unref();
  }

  /** Open connections (for tests and metrics). */
  get size(): number {
    return this.open.size;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private accept(socket: Socket): void {
    const key = keyOf(socket);
    if (key === undefined) {
      socket.destroy(); // already gone
      return;
    }
    if (this.open.size >= this.opts.maxConnections && !this.evictOldestPending()) {
      socket.destroy();
      this.opts.onClosed?.('dropped');
      return;
    }
    this.open.add(socket);
    this.pending.set(key, { raw: socket, socket, acceptedAt: Date.now() });
    socket.on('close', () => {
      this.open.delete(socket);
      if (this.pending.get(key)?.raw === socket) this.pending.delete(key);
    });
  }

  private evictOldestPending(): boolean {
    for (const [key, entry] of this.pending) {
      this.pending.delete(key);
      this.open.delete(entry.raw); // frees the slot now; the socket's 'close' event comes later
      entry.socket.destroy();
      this.opts.onClosed?.('evicted');
      return true;
    }
    return false;
  }

  private sweep(): void {
    const deadline = Date.now() - this.opts.firstRequestTimeoutMs;
    for (const [key, entry] of this.pending) {
      if (entry.acceptedAt > deadline) break; // the rest are younger
      this.pending.delete(key);
      entry.socket.destroy();
      this.opts.onClosed?.('silent_timeout');
    }
  }
}
