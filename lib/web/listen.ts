/**
 * The HTTP listener with connection limits. `Deno.serve` has no header, idle or keep-alive
 * timeouts, so the app's port is a small TCP guard in front of it: each client connection
 * is piped to a `Deno.serve` on an ephemeral loopback port, and the guard closes
 *
 * - a connection whose request head has not fully arrived `headersTimeoutMs` after its
 *   first byte, or after connecting (idle sockets, slowloris);
 * - a keep-alive connection with no request for `keepAliveTimeoutMs`;
 * - a connection with a request in progress that moves no byte either way for
 *   `idleTimeoutMs` (event streams send pings, so they stay open).
 *
 * The guard knows a request's head is complete when `Deno.serve` calls the handler, and the
 * request is over when its `completed` promise settles. The handler sees the client's own
 * address in `info.remoteAddr`. (A slow *body* is the server's request timeout's job,
 * `hono/timeout` in `server.ts`.)
 */

/** Options of {@linkcode listen}. */
export interface ListenOptions {
  port: number;
  /** Default `0.0.0.0`, like `Deno.serve`. */
  hostname?: string;
  /** Default 10 s. */
  headersTimeoutMs?: number;
  /** Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Default 60 s. */
  idleTimeoutMs?: number;
  /** Called once listening, with the bound address. */
  onListen?: (addr: Deno.NetAddr) => void;
  /** Where unexpected errors are logged (default `console.error`). */
  log?: (message: string, error: unknown) => void;
}

/** A running listener. */
export interface Listening {
  /** The address clients connect to. */
  addr: Deno.NetAddr;
  /** Client connections open now. */
  readonly connections: number;
  /** Stops accepting, lets requests in progress finish, then closes every connection. */
  shutdown(): Promise<void>;
}

/** A request handler, as for `Deno.serve`. */
export type Handler = (
  req: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

interface Tracked {
  client: Deno.TcpConn;
  upstream: Deno.TcpConn | null;
  /** Requests handed to the handler and not yet completed. */
  active: number;
  /** When the current request head started arriving (or the connection opened); null: none. */
  headSince: number | null;
  /** Last byte either way, or the last request's end. */
  lastActivity: number;
  closed: boolean;
}

const BUFFER_BYTES = 64 * 1024;

/** Serves `handler` on `options.port` with the connection limits above. */
export function listen(handler: Handler, options: ListenOptions): Listening {
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const log = options.log ?? ((m: string, e: unknown) => console.error(m + ":", e));
  /** Tracked connections by the guard's local port towards the inner server. */
  const byUpstreamPort = new Map<number, Tracked>();
  const open = new Set<Tracked>();

  const inner = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req, info) => {
    const t = byUpstreamPort.get(info.remoteAddr.port);
    // Not through the guard (a local process connecting to the inner port): as is.
    if (!t) return handler(req, info);
    t.active++;
    t.headSince = null;
    const done = () => {
      t.active--;
      t.lastActivity = performance.now();
    };
    info.completed.then(done, done);
    return handler(req, { remoteAddr: t.client.remoteAddr, completed: info.completed });
  });

  // deploy-check: local-only — main.ts calls listen() only off Deploy (Deno.serve there)
  const listener = Deno.listen({ hostname: options.hostname ?? "0.0.0.0", port: options.port });
  const addr = listener.addr;

  function close(t: Tracked): void {
    if (t.closed) return;
    t.closed = true;
    open.delete(t);
    for (const c of [t.client, t.upstream]) {
      try {
        c?.close();
      } catch { /* already closed */ }
    }
    if (t.upstream) byUpstreamPort.delete(t.upstream.localAddr.port);
  }

  async function pump(
    t: Tracked,
    from: Deno.TcpConn,
    to: Deno.TcpConn,
    fromClient: boolean,
  ): Promise<void> {
    const buf = new Uint8Array(BUFFER_BYTES);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        const now = performance.now();
        t.lastActivity = now;
        if (fromClient && t.active === 0 && t.headSince === null) t.headSince = now;
        let written = 0;
        while (written < n) written += await to.write(buf.subarray(written, n));
      }
      await to.closeWrite();
    } catch {
      close(t);
    }
  }

  async function serveConnection(client: Deno.TcpConn): Promise<void> {
    const now = performance.now();
    const t: Tracked = {
      client,
      upstream: null,
      active: 0,
      headSince: now,
      lastActivity: now,
      closed: false,
    };
    open.add(t);
    try {
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: inner.addr.port });
      if (t.closed) {
        upstream.close();
        return;
      }
      t.upstream = upstream;
      byUpstreamPort.set(upstream.localAddr.port, t);
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      await Promise.all([pump(t, client, upstream, true), pump(t, upstream, client, false)]);
    } catch (e) {
      if (!t.closed) log("Cannot pass a connection to the HTTP server", e);
    } finally {
      close(t);
    }
  }

  const tick = Math.max(
    20,
    Math.min(1000, Math.min(headersTimeoutMs, keepAliveTimeoutMs, idleTimeoutMs) / 10),
  );
  const timer = setInterval(() => {
    const now = performance.now();
    for (const t of open) {
      const expired = t.active > 0
        ? now - t.lastActivity > idleTimeoutMs
        : t.headSince !== null
        ? now - t.headSince > headersTimeoutMs
        : now - t.lastActivity > keepAliveTimeoutMs;
      if (expired) close(t);
    }
  }, tick);

  const accepting = (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (e instanceof Deno.errors.BadResource || e instanceof Deno.errors.Interrupted) return;
        log("Cannot accept a connection", e);
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      serveConnection(conn);
    }
  })();

  options.onListen?.(addr);
  return {
    addr,
    get connections() {
      return open.size;
    },
    async shutdown() {
      try {
        listener.close();
      } catch { /* already closed */ }
      await accepting;
      await inner.shutdown();
      clearInterval(timer);
      for (const t of [...open]) close(t);
    },
  };
}
