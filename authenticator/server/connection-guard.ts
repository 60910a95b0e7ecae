/**
 * Bounds what a caller can hold open on a listener, which Node's own timeouts do not: `headersTimeout` and
 * `requestTimeout` start only once request bytes arrive, so a TCP connection that never sends a byte, or a TLS
 * connection that completes the handshake and then stays silent, would otherwise stay open for ever; and
 * `keepAliveTimeout` restarts with every request, so a connection that sends a cheap request now and then (GET
 * /healthz every 20 s under a 30 s keep-alive timeout) is never closed by it.
 *
 * - A connection must deliver its first request's headers within `firstRequestTimeoutMs` of being accepted (TLS
 *   handshake included), else it is closed.
 * - A connection is *silent* (accepted, no request yet), *busy* (a request is being read or answered) or *idle*
 *   (keep-alive, between requests). Silent and idle connections are evictable: nothing is lost by closing them (an
 *   HTTP/1.1 server may close an idle connection at any time, RFC 9112 §9.8, and clients reconnect).
 * - At most `maxConnectionsPerPeer` connections per peer address. A newcomer at that cap evicts the peer's own
 *   evictable connection that has been inactive longest; if all of the peer's connections are busy, the newcomer is
 *   dropped. One peer, however many connections it opens, takes at most this share of the whole budget.
 * - At most `maxConnections` connections in all. A newcomer at the cap evicts the evictable connection that has been
 *   inactive longest — silent since its accept, or idle since its last response — and is dropped only when every open
 *   connection is busy. A newly accepted client is the most recently active connection there is, so a flood of
 *   silent or idle connections cannot lock out kube-apiserver or the kubelet's probes; and busy connections are
 *   bounded in time by the request timeouts (the body deadline included), so they cannot hold the cap either.
 *   A dropped or evicted socket costs us one accept and one close.
 *
 * Node's `server.maxConnections` is not used: it drops the newcomer, which lets a flood hold the whole budget.
 */
import type { Server as NetServer, Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Why the guard closed a connection: silent too long (`silent_timeout`); at `maxConnections`, a silent (`evicted`)
 * or idle keep-alive (`evicted_idle`) connection made room, or nothing could (`dropped`); at
 * `maxConnectionsPerPeer`, one of that peer's own connections made room (`peer_evicted`) or none could (`peer_dropped`).
 */
export type ConnectionCloseReason = 'silent_timeout' | 'evicted' | 'evicted_idle' | 'dropped' | 'peer_evicted' | 'peer_dropped';

export const CONNECTION_CLOSE_REASONS: readonly ConnectionCloseReason[] = [
  'silent_timeout', 'evicted', 'evicted_idle', 'dropped', 'peer_evicted', 'peer_dropped',
];

export interface ConnectionGuardOptions {
  readonly maxConnections: number;
  /** @default maxConnections (no per-peer bound) */
  readonly maxConnectionsPerPeer?: number;
  readonly firstRequestTimeoutMs: number;
  readonly onClosed?: (reason: ConnectionCloseReason) => void;
}

interface Connection {
  /** `address|port`, read at accept (a destroyed socket no longer knows its peer). */
  readonly key: string;
  /** The accepted TCP socket (what counts against the caps). */
  readonly raw: Socket;
  /** The raw socket until the TLS handshake completes, then the TLS socket (destroying it closes the connection). */
  socket: Socket;
  readonly peer: string;
  readonly acceptedAt: number;
  /** Requests received and not yet answered (more than one when the client pipelines). */
  busy: number;
  /** Whether a request was ever received (silent until then). */
  spoken: boolean;
  /** When it last became silent or idle: its accept, or the end of its last response. */
  inactiveSince: number;
}

/** Both sockets of one TLS connection share the peer's address and port; that names the connection. */
function keyOf(socket: Socket): string | undefined {
  return socket.remoteAddress === undefined ? undefined : `${socket.remoteAddress}|${socket.remotePort}`;
}

/** The peer's address; an IPv4 peer on a dual-stack listener (`::ffff:10.0.0.1`) counts as its IPv4 address. */
export function peerOf(socket: Socket): string | undefined {
  const a = socket.remoteAddress;
  return a?.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export class ConnectionGuard {
  private readonly byKey = new Map<string, Connection>();
  private readonly byPeer = new Map<string, Set<Connection>>();
  /** Silent connections, in accept order (a Set iterates in insertion order): what the sweep closes. */
  private readonly silent = new Set<Connection>();
  /** Silent and idle connections, longest inactive first: what the caps evict. */
  private readonly evictable = new Set<Connection>();
  private readonly maxPerPeer: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(server: NetServer, private readonly opts: ConnectionGuardOptions) {
    this.maxPerPeer = Math.min(opts.maxConnectionsPerPeer ?? opts.maxConnections, opts.maxConnections);
    server.on('connection', (socket: Socket) => this.accept(socket));
    // TLS servers: the handshake is done, the connection is now the TLS socket (same peer address and port).
    server.on('secureConnection', (socket: Socket) => {
      const c = this.byKey.get(keyOf(socket) ?? '');
      if (c) c.socket = socket;
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.requestStarted(req, res));
    // The sweep only looks at expired entries at the head of the queue: cheap enough to run often, so a silent
    // connection outlives firstRequestTimeoutMs by at most this interval.
    const every = Math.max(25, Math.min(250, Math.floor(opts.firstRequestTimeoutMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), every).unref();
  }

  /** Open connections (for tests and metrics). */
  get size(): number {
    return this.byKey.size;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private accept(socket: Socket): void {
    const key = keyOf(socket);
    const peer = peerOf(socket);
    if (key === undefined || peer === undefined) {
      socket.destroy(); // already gone
      return;
    }
    const mine = this.byPeer.get(peer);
    // (A per-peer cap equal to the global one adds nothing: the global rule below then decides, and names it.)
    if (mine && mine.size >= this.maxPerPeer && this.maxPerPeer < this.opts.maxConnections && !this.evict(this.longestInactive(mine), 'peer_evicted')) {
      return this.drop(socket, 'peer_dropped');
    }
    if (this.byKey.size >= this.opts.maxConnections && !this.evict(this.evictable.values().next().value)) {
      return this.drop(socket, 'dropped');
    }
    const now = Date.now();
    const c: Connection = { key, raw: socket, socket, peer, acceptedAt: now, busy: 0, spoken: false, inactiveSince: now };
    this.byKey.set(key, c);
    this.silent.add(c);
    this.evictable.add(c);
    if (mine) mine.add(c);
    else this.byPeer.set(peer, new Set([c]));
    socket.on('close', () => {
      if (this.byKey.get(key) === c) this.forget(c);
    });
  }

  private drop(socket: Socket, reason: ConnectionCloseReason): void {
    socket.destroy();
    this.opts.onClosed?.(reason);
  }

  private requestStarted(req: IncomingMessage, res: ServerResponse): void {
    const c = this.byKey.get(keyOf(req.socket) ?? '');
    if (!c) return;
    c.busy++;
    c.spoken = true;
    this.silent.delete(c);
    this.evictable.delete(c);
    res.once('close', () => {
      c.busy--;
      if (c.busy > 0 || c.socket.destroyed || this.byKey.get(c.key) !== c) return;
      // Idle again: now the most recently active evictable connection (re-added at the end of the order).
      c.inactiveSince = Date.now();
      this.evictable.add(c);
    });
  }

  /** The peer's evictable connection inactive longest (a peer holds at most maxConnectionsPerPeer: a short scan). */
  private longestInactive(conns: Set<Connection>): Connection | undefined {
    let oldest: Connection | undefined;
    for (const c of conns) {
      if (c.busy === 0 && (oldest === undefined || c.inactiveSince < oldest.inactiveSince)) oldest = c;
    }
    return oldest;
  }

  /** Closes `c` and frees its slot now (its socket's 'close' event comes later); false when there is none. */
  private evict(c: Connection | undefined, reason?: ConnectionCloseReason): boolean {
    if (!c) return false;
    this.forget(c);
    c.socket.destroy();
    this.opts.onClosed?.(reason ?? (c.spoken ? 'evicted_idle' : 'evicted'));
    return true;
  }

  private forget(c: Connection): void {
    this.byKey.delete(c.key);
    this.silent.delete(c);
    this.evictable.delete(c);
    const mine = this.byPeer.get(c.peer);
    mine?.delete(c);
    if (mine?.size === 0) this.byPeer.delete(c.peer);
  }

  private sweep(): void {
    const deadline = Date.now() - this.opts.firstRequestTimeoutMs;
    for (const c of this.silent) {
      if (c.acceptedAt > deadline) break; // the rest are younger
      this.forget(c);
      c.socket.destroy();
      this.opts.onClosed?.('silent_timeout');
    }
  }
}
