/**
 * Login under a flood, over real sockets on loopback with OWASP's 600,000 PBKDF2 iterations:
 * wrong logins stream in from 127.0.0.2 while a real user signs in from 127.0.0.3 (the whole
 * 127.0.0.0/8 is loopback; node:http can pick the source address).
 */
import assert from "node:assert/strict";
import http from "node:http";
import { addUser } from "../auth/users.ts";
import { listen } from "./listen.ts";
import { ORIGIN, testApp } from "../../testing/web_app.ts";
import { reportFigure } from "../../tests/security/figures.ts";

/** POSTs a login from `localAddress`; resolves with the status and the time taken (ms). */
function login(
  port: number,
  localAddress: string,
  body: { username: string; password: string },
): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const data = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      path: "/api/auth/login",
      method: "POST",
      localAddress,
      agent: false,
      headers: {
        Host: new URL(ORIGIN).host,
        Origin: ORIGIN,
        "Content-Type": "application/json",
        "Content-Length": String(new TextEncoder().encode(data).length),
      },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, ms: performance.now() - t0 }));
    });
    req.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(data);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const NAME =
  "security: load: a flood of wrong logins from one address does not slow a login from another";

Deno.test({
  name: NAME,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await testApp({
      passwordIterations: 600_000, // the unknown-user dummy costs what a real check costs
      env: { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "100000" }, // only the hashing pool stands
    });
    await addUser(t.store, "carol", "carol-password-1"); // 600,000 iterations
    const server = listen(t.app.fetch, { port: 0, hostname: "127.0.0.1" });
    const port = server.addr.port;
    const carol = { username: "carol", password: "carol-password-1" };
    try {
      const quiet: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await login(port, "127.0.0.3", carol);
        assert.equal(r.status, 200);
        quiet.push(r.ms);
      }
      // 30 wrong logins a second, each to another account (no account limit applies):
      // 4-9 s of hashing per second of flood on 2 cores without a bound.
      let stop = false;
      const flood: Promise<{ status: number }>[] = [];
      const sending = (async () => {
        for (let i = 0; !stop; i++) {
          flood.push(login(port, "127.0.0.2", { username: `user${i}`, password: "guess" }));
          await new Promise((r) => setTimeout(r, 33));
        }
      })();
      await new Promise((r) => setTimeout(r, 700));
      const flooded: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await login(port, "127.0.0.3", carol);
        assert.equal(r.status, 200);
        flooded.push(r.ms);
        await new Promise((r) => setTimeout(r, 200));
      }
      stop = true;
      await sending;
      const statuses = (await Promise.all(flood)).map((r) => r.status);
      const figures = `quiet ${quiet.map(Math.round).join("/")} ms, under flood ${
        flooded.map(Math.round).join("/")
      } ms; flood: ${statuses.length} sent, ${statuses.filter((s) => s === 401).length} checked`;
      reportFigure(NAME, `real user's login: median ${Math.round(median(flooded))} ms; ${figures}`);
      assert.ok(statuses.filter((s) => s === 429).length > 0, "the flood was held back");
      // Under 0.5 s (or, on a machine busy with other tests, within 2x the quiet login).
      const bound = Math.max(500, 2 * median(quiet));
      assert.ok(median(flooded) < bound, figures);
      assert.ok(Math.max(...flooded) < bound + 250, figures);
    } finally {
      await server.shutdown();
      await t.close();
    }
  },
});
