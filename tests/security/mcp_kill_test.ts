/**
 * Faults of the data source: a stdio MCP server (`stalling_mcp_server.ts`, the embedded
 * server that never answers calls about the billing queue) killed with SIGKILL while a
 * query runs, under the data client alone and under the whole app.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import { createDataClient, DataConnectionError } from "../../lib/data/mcp_client.ts";
import { HttpClient, lastEvent, ROOT, serveApp, TEST_ENV, waitFor } from "./helpers.ts";

/** The MCP_COMMAND of a stalling server that writes its pid to `stallFile` when it stalls. */
function stallingCommand(stallFile: string): string {
  return `"${Deno.execPath()}" run -A "${ROOT}/tests/security/stalling_mcp_server.ts" ` +
    `--stall-on billing --stall-file "${stallFile}"`;
}

/** Waits for the stalling server to write its pid, then kills it with SIGKILL. */
async function killWhenStalled(stallFile: string): Promise<number> {
  const pid = await waitFor(
    async () => {
      try {
        return Number(await Deno.readTextFile(stallFile)) || null;
      } catch {
        return null;
      }
    },
    30_000,
    "the MCP server to receive the query",
  );
  Deno.kill(pid, "SIGKILL");
  return pid;
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "security: faults: a stdio MCP server killed mid-query: the call fails as a lost connection, the next call starts a new server",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mcp_kill_" });
    const stallFile = `${dir}/pid`;
    const config = loadConfig({
      ...TEST_ENV,
      MCP_MODE: "stdio",
      MCP_COMMAND: stallingCommand(stallFile),
      MCP_TIMEOUT_MS: "20000",
    });
    const client = await createDataClient({ mcp: config.mcp });
    try {
      const before = await client.count("calling_cdr", { queue: "sales" });
      assert.ok(before > 0);
      const stalled = client.count("calling_cdr", { queue: "billing" });
      const pid = await killWhenStalled(stallFile);
      await assert.rejects(
        stalled,
        (e) =>
          e instanceof DataConnectionError &&
          /"count" call failed: the MCP server closed the connection/.test(e.message),
      );
      await waitFor(() => !alive(pid), 5_000, "the killed server to be gone");
      assert.equal(await client.count("calling_cdr", { queue: "sales" }), before);
    } finally {
      await client.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "security: faults: the MCP server killed mid-turn: the turn ends with a tool_error event, the conversation stays and the next question is answered",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mcp_kill_app_" });
    const stallFile = `${dir}/pid`;
    const app = await serveApp({
      MCP_MODE: "stdio",
      MCP_COMMAND: stallingCommand(stallFile),
      MCP_TIMEOUT_MS: "20000",
    });
    try {
      const c = await new HttpClient(app.url).login();
      const conv = await c.conversation();
      const posted = await c.json("POST", `/api/conversations/${conv}/turns`, {
        message: "How many calls in the billing queue today?",
      });
      assert.equal(posted.status, 202);
      await killWhenStalled(stallFile);
      const killed = await c.follow(posted.body.turn_id);
      const end = lastEvent(killed);
      assert.equal(end.type, "error", JSON.stringify(end));
      assert.equal(end.code, "tool_error");
      assert.match(String(end.message), /MCP server closed the connection.*Ask again/);
      assert.equal(killed.events.filter((e) => e.type === "final").length, 0);

      const next = await c.ask(conv, "How many calls in the sales queue today?");
      const final = lastEvent(next);
      assert.equal(final.type, "final", JSON.stringify(final));
      assert.match(String(final.answer), /^\*\*\d+\*\* calls in the sales queue today/);

      const got = await c.json("GET", `/api/conversations/${conv}`);
      assert.equal(got.body.running_turn_id, null);
      const messages = got.body.messages as {
        role: string;
        content: string;
        error?: { code: string };
      }[];
      assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
      assert.equal(messages[0].content, "How many calls in the billing queue today?");
      assert.equal(messages[1].error?.code, "tool_error");
      assert.equal(messages[3].content, final.answer);
    } finally {
      await app.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
