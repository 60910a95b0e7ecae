/**
 * The optional plain-HTTP listener (`server.metricsPort`) serving only /metrics, /healthz and /readyz: Prometheus
 * and kubelet probes can reach it where the TLS webhook port is loopback-only (the DaemonSet preset binds 127.0.0.1
 * with hostNetwork), and it stays answerable while the webhook port is flooded. It never sees a token. Like the
 * reference's separate metrics port (aws-iam-authenticator `server.metricsPort`), but it also carries health.
 */
import { createServer } from 'node:http';
import { ConnectionGuard } from './connection-guard';
import { listen } from './listen';
import { answerProbe, pathOf, ProbeContext } from './probes';

export interface MetricsListenerOptions extends ProbeContext {
  readonly address: string;
  readonly port: number;
  /** A connection must send its request headers within this time. */
  readonly headersTimeoutMs: number;
}

export interface RunningMetricsListener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Scrapers and probes need few connections; a flood of this port cannot grow beyond it. */
const MAX_CONNECTIONS = 64;

export async function startMetricsListener(opts: MetricsListenerOptions): Promise<RunningMetricsListener> {
  const server = createServer({ connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(opts.headersTimeoutMs / 4))) }, (req, res) => {
    req.resume();
    answerProbe(req, res, pathOf(req), opts).catch(() => res.destroy());
  });
  server.headersTimeout = opts.headersTimeoutMs;
  server.requestTimeout = opts.headersTimeoutMs;
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 50;
  const guard = new ConnectionGuard(server, {
    maxConnections: MAX_CONNECTIONS,
    firstRequestTimeoutMs: opts.headersTimeoutMs,
    onClosed: (reason) => opts.metrics.closedConnections.inc({ reason }),
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const { port, urlHost: host } = await listen(server, opts.address, opts.port);
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      guard.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
