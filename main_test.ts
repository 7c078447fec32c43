/**
 * `main.ts` as a process: on a machine (data counted before listening, SIGTERM stops it)
 * and as on Deno Deploy (`DENO_DEPLOYMENT_ID` set; `KV_PATH=:memory:` stands in for the
 * managed KV, which only Deploy has): the login page is served while the demo data is
 * generated in process, stdio MCP is refused, `DEMO_USER=off` prints no demo login.
 */
import assert from "node:assert/strict";

const ROOT = new URL("./", import.meta.url);

interface Started {
  child: Deno.ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output contains `text` (rejects after `timeoutMs`). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code. */
  status: Promise<Deno.CommandStatus>;
}

function start(env: Record<string, string>): Started {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "main.ts"],
    cwd: ROOT,
    env: {
      NOW: "2026-11-24T09:00:00Z",
      MODEL_PROVIDER: "offline",
      DENO_DEPLOYMENT_ID: "",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const waiters = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      text += decoder.decode(bytes, { stream: true });
      for (const w of waiters) w();
    }
  };
  const pumped = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = pumped.then(() => child.status);
  return {
    child,
    output: () => text,
    status,
    waitFor(pattern, timeoutMs = 30_000) {
      const found = () => typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!found()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(text);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        waiters.add(check);
        status.then(() => {
          if (!found()) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`Exited before ${pattern}; output:\n${text}`));
          }
        });
        check();
      });
    },
  };
}

async function stop(app: Started): Promise<void> {
  try {
    app.child.kill("SIGTERM");
  } catch { /* already exited */ }
  await app.status;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test({
  name: "main.ts as on Deno Deploy serves the login page while the demo data is generated",
  sanitizeResources: false,
  async fn() {
    const port = freePort();
    const app = start({
      DENO_DEPLOYMENT_ID: "dpl_test",
      KV_PATH: ":memory:",
      PORT: String(port),
      // Big enough to take a while, and in process as where there are no workers.
      DEMO_CALLS_PER_DAY: "4000",
      DATA_WORKER: "off",
    });
    try {
      await app.waitFor("Listening on ");
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/login`);
      const elapsed = performance.now() - started;
      await res.body?.cancel();
      assert.equal(res.status, 200);
      assert.ok(
        !app.output().includes("Data ready"),
        `the login page waited for the data (answered in ${
          elapsed.toFixed(0)
        } ms):\n${app.output()}`,
      );
      assert.doesNotMatch(app.output(), /Data: [\d,]+ calls/, "no count before listening");
      const out = await app.waitFor(/Data ready: [\d,]+ calls/, 120_000);
      const calls = Number(out.match(/Data ready: ([\d,]+) calls/)![1].replaceAll(",", ""));
      assert.ok(calls > 200_000, `${calls} calls of 60 days x 4000`);
      assert.match(out, /Demo login: demo \//);
    } finally {
      await stop(app);
    }
  },
});

Deno.test({
  name: "main.ts on a machine counts the calls before listening and stops on SIGTERM",
  ignore: Deno.build.os === "windows",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "main_test_" });
    try {
      const app = start({
        KV_PATH: `${dir}/kv/app.kv`,
        PORT: "0",
        DEMO_DAYS: "3",
        DEMO_CALLS_PER_DAY: "40",
        DEMO_USER: "off",
      });
      let stopped = false;
      try {
        const out = await app.waitFor("Model: ");
        assert.match(
          out,
          /Data: \d+ calls, embedded MCP server over generated demo data \(3 days\)/,
        );
        assert.doesNotMatch(out, /Demo login/, "DEMO_USER=off prints no demo login");
        app.child.kill("SIGTERM");
        assert.equal((await app.status).code, 0);
        stopped = true;
      } finally {
        if (!stopped) await stop(app);
      }
      assert.ok((await Deno.stat(`${dir}/kv/app.kv`)).isFile, "the local KV file was created");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "main.ts refuses stdio MCP on Deno Deploy, and a bad KV_URL, with one clear line",
  sanitizeResources: false,
  async fn() {
    const stdio = start({
      DENO_DEPLOYMENT_ID: "dpl_test",
      MCP_MODE: "stdio",
      MCP_COMMAND: "npx -y mongodb-mcp-server@3 --readOnly",
    });
    const status = await stdio.status;
    assert.equal(status.code, 1);
    assert.equal(
      stdio.output().trim().split("\n")[0],
      "Invalid configuration: MCP_MODE stdio cannot run on Deno Deploy (no subprocesses): " +
        "use MCP_MODE=http with MCP_URL naming a MongoDB MCP server reachable over Streamable HTTP",
    );
    const kv = start({ KV_URL: "http://127.0.0.1:9", DENO_KV_ACCESS_TOKEN: "" });
    assert.equal((await kv.status).code, 1);
    assert.match(kv.output(), /^Invalid configuration: KV_URL needs DENO_KV_ACCESS_TOKEN/);
  },
});
