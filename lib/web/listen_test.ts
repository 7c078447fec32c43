/**
 * The HTTP server's connection limits over real sockets on loopback: idle and slow
 * (slowloris) connections are closed, keep-alive connections expire, stalled requests are
 * cut, while normal and streamed responses are not.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { listen, type Listening } from "./listen.ts";
import { reportFigure } from "../../tests/security/figures.ts";

const LIMITS = { headersTimeoutMs: 1000, keepAliveTimeoutMs: 500, idleTimeoutMs: 1000 };

function start(
  handler: (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
): Listening {
  return listen(handler, { port: 0, hostname: "127.0.0.1", ...LIMITS });
}

/** Resolves with the ms after `t0` when the server closes `conn` (reads to EOF or error). */
async function closedAfter(conn: Deno.Conn, t0: number, limitMs: number): Promise<number> {
  const buf = new Uint8Array(4096);
  const deadline = setTimeout(() => conn.close(), limitMs);
  try {
    while ((await conn.read(buf)) !== null) { /* drain */ }
  } catch { /* reset or closed by the deadline */ }
  clearTimeout(deadline);
  return performance.now() - t0;
}

const text = new TextEncoder();

Deno.test("security: load: 50 idle connections are closed within the header timeout", async (t) => {
  const server = start(() => new Response("ok"));
  try {
    const t0 = performance.now();
    const conns = await Promise.all(
      Array.from(
        { length: 50 },
        () => Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }),
      ),
    );
    const times = await Promise.all(conns.map((c) => closedAfter(c, t0, 5000)));
    const last = Math.max(...times);
    reportFigure(
      t.name,
      `50 idle sockets closed ${Math.round(Math.min(...times))}-${Math.round(last)} ms after ` +
        `connecting (header timeout ${LIMITS.headersTimeoutMs} ms)`,
    );
    assert.ok(last < LIMITS.headersTimeoutMs + 700, `closed after ${last.toFixed(0)} ms`);
    assert.ok(Math.min(...times) >= LIMITS.headersTimeoutMs - 50, "not before the timeout");
  } finally {
    await server.shutdown();
  }
});

Deno.test("security: load: a slowloris sending a header byte every 200 ms is closed", async (t) => {
  let served = 0;
  const server = start(() => {
    served++;
    return new Response("ok");
  });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    const t0 = performance.now();
    const head = "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(200);
    let stop = false;
    const dribble = (async () => {
      for (const ch of head) {
        if (stop) return;
        try {
          await conn.write(text.encode(ch));
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const after = await closedAfter(conn, t0, 5000);
    stop = true;
    await dribble;
    reportFigure(
      t.name,
      `closed ${
        Math.round(after)
      } ms after connecting (header timeout ${LIMITS.headersTimeoutMs} ms), ` +
        `${served} requests served`,
    );
    assert.ok(after < LIMITS.headersTimeoutMs + 700, `closed after ${after.toFixed(0)} ms`);
    assert.equal(served, 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("security: limits: idle keep-alive connections are closed; requests on them work until then", async () => {
  const server = start(() => new Response("ok"));
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    const buf = new Uint8Array(4096);
    for (let i = 0; i < 3; i++) {
      await conn.write(text.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      const n = await conn.read(buf);
      assert.match(new TextDecoder().decode(buf.subarray(0, n!)), /^HTTP\/1\.1 200/);
      await new Promise((r) => setTimeout(r, 200)); // under the keep-alive timeout
    }
    const t0 = performance.now();
    const after = await closedAfter(conn, t0, 5000);
    assert.ok(after < LIMITS.keepAliveTimeoutMs + 700, `closed after ${after.toFixed(0)} ms`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("security: limits: streams that keep sending are not cut; a stalled one is", async () => {
  const server = start((req) => {
    const stalled = new URL(req.url).pathname === "/stalled";
    let n = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(text.encode("start\n"));
        if (stalled) return; // then nothing, forever
        timer = setInterval(() => {
          if (++n > 8) {
            clearInterval(timer);
            c.close();
          } else c.enqueue(text.encode(`ping ${n}\n`));
        }, 250); // 2 s in all, twice the idle timeout
      },
      cancel() {
        clearInterval(timer);
      },
    });
    return new Response(body);
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const res = await fetch(`${base}/live`);
    assert.match(await res.text(), /ping 8\n$/);
    const t0 = performance.now();
    const stalled = await fetch(`${base}/stalled`, { signal: AbortSignal.timeout(5000) });
    await assert.rejects(() => stalled.text());
    const after = performance.now() - t0;
    assert.ok(after < LIMITS.idleTimeoutMs + 700, `cut after ${after.toFixed(0)} ms`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("security: auth: the handler sees the client's own address, not the guard's", async () => {
  const server = start((_req, info) => new Response((info.remoteAddr as Deno.NetAddr).hostname));
  try {
    const seen = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: "127.0.0.1",
        port: server.addr.port,
        path: "/",
        localAddress: "127.0.0.5",
        agent: false,
      }, (res) => {
        let s = "";
        res.on("data", (c) => s += c);
        res.on("end", () => resolve(s));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(seen, "127.0.0.5");
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/`, {
      method: "POST",
      body: "x".repeat(100_000),
    });
    assert.equal(await res.text(), "127.0.0.1");
  } finally {
    await server.shutdown();
  }
});
