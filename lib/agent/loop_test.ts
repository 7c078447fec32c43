import assert from "node:assert/strict";
import { DataConnectionError } from "../data/errors.ts";
import { AgentError } from "./errors.ts";
import { parseToolResult } from "./envelope.ts";
import type { AgentEvent } from "./events.ts";
import { runAgent, type RunAgentOptions, type ToolExecutor } from "./loop.ts";
import { createScriptedProvider, type Script } from "../../testing/scripted_provider.ts";
import type { ToolDefinition } from "./types.ts";

const TOOLS: ToolDefinition[] = [
  { name: "echo", description: "Echoes", parameters: { type: "object", properties: {} } },
  { name: "boom", description: "Fails", parameters: { type: "object", properties: {} } },
  { name: "slow", description: "Never ends", parameters: { type: "object", properties: {} } },
];

const execute: ToolExecutor = async (call) => {
  if (call.name === "echo") return { result: { echoed: call.args }, summary: "echoed" };
  if (call.name === "boom") throw new Error("Cannot run boom: the database is down");
  await new Promise(() => {}); // slow: ignores its signal on purpose
  throw new Error("unreachable");
};

function setup(steps: Script[], extra: Partial<RunAgentOptions> = {}) {
  const provider = createScriptedProvider(steps);
  const events: AgentEvent[] = [];
  const opts: RunAgentOptions = {
    provider,
    messages: [{ role: "system", content: "sys" }, { role: "user", content: "q" }],
    tools: TOOLS,
    executeTool: execute,
    emit: (e) => {
      events.push(e);
    },
    signal: new AbortController().signal,
    maxRounds: 4,
    ...extra,
  };
  return { provider, events, opts };
}

function lastToolMessage(messages: { role: string; content?: string | null }[]) {
  const m = messages.findLast((m) => m.role === "tool");
  return parseToolResult(m?.content ?? "");
}

Deno.test("runAgent runs a tool round and returns the answer with usage", async () => {
  const { provider, events, opts } = setup([
    {
      tool_calls: [{ name: "echo", arguments: { a: 1 } }],
      usage: { input_tokens: 50, output_tokens: 5 },
    },
    { text: "The answer is 1.", usage: { input_tokens: 70, output_tokens: 7 } },
  ]);
  const texts: string[] = [];
  const result = await runAgent({ ...opts, onText: (d) => texts.push(d) });
  assert.equal(result.text, "The answer is 1.");
  assert.equal(texts.join(""), "The answer is 1.");
  assert.deepEqual(result.usage, { model_calls: 2, input_tokens: 120, output_tokens: 12 });
  assert.equal(result.rounds, 1);
  assert.equal(provider.requests.length, 2);
  const tool = lastToolMessage(provider.requests[1].messages);
  assert.ok(tool?.data_notice);
  assert.equal(tool?.ok, true);
  assert.deepEqual(tool?.echoed, { a: 1 });
  assert.deepEqual(events.map((e) => e.type), ["tool_start", "tool_end"]);
  const end = events[1] as Extract<AgentEvent, { type: "tool_end" }>;
  assert.equal(end.ok, true);
  assert.equal(end.summary, "echoed");
});

Deno.test("runAgent returns a failing tool's error to the model and goes on", async () => {
  const { provider, events, opts } = setup([
    { tool_calls: [{ name: "boom" }] },
    { text: "Sorry, the database is down." },
  ]);
  const result = await runAgent(opts);
  assert.equal(result.text, "Sorry, the database is down.");
  const tool = lastToolMessage(provider.requests[1].messages);
  assert.equal(tool?.ok, false);
  assert.match(String(tool?.error), /database is down/);
  const end = events.find((e) => e.type === "tool_end") as Extract<
    AgentEvent,
    { type: "tool_end" }
  >;
  assert.equal(end.ok, false);
  assert.match(end.summary, /database is down/);
});

Deno.test("security: faults: a lost data connection ends the run with a fatal tool_error", async () => {
  const { provider, events, opts } = setup([
    { tool_calls: [{ name: "boom" }] },
    { text: "never asked" },
  ], {
    executeTool: () => {
      throw new DataConnectionError(
        'The "aggregate" call failed: the MCP server closed the connection',
        "aggregate",
      );
    },
  });
  await assert.rejects(
    () => runAgent(opts),
    (e) =>
      e instanceof AgentError && e.code === "tool_error" && e.fatal &&
      /closed the connection\. Ask again/.test(e.message),
  );
  assert.equal(provider.requests.length, 1, "the model is not asked again");
  assert.deepEqual(events.map((e) => e.type), ["tool_start"]);
});

Deno.test("runAgent answers an unknown tool with an error result", async () => {
  const { provider, opts } = setup([
    { tool_calls: [{ name: "drop_database" }] },
    { text: "ok" },
  ]);
  await runAgent(opts);
  const tool = lastToolMessage(provider.requests[1].messages);
  assert.equal(tool?.ok, false);
  assert.match(String(tool?.error), /Unknown tool "drop_database"/);
});

Deno.test("security: input: runAgent answers invalid JSON arguments with an error result", async () => {
  let executed = 0;
  const { provider, opts } = setup([
    { tool_calls: [{ name: "echo", arguments: '{"a": 1' }, { name: "echo", arguments: "[1]" }] },
    { text: "ok" },
  ], {
    executeTool: (c) => {
      executed++;
      return execute(c);
    },
  });
  await runAgent(opts);
  assert.equal(executed, 0);
  const tools = provider.requests[1].messages.filter((m) => m.role === "tool");
  assert.equal(tools.length, 2);
  for (const t of tools) {
    const r = parseToolResult(t.content);
    assert.equal(r?.ok, false);
    assert.match(String(r?.error), /Invalid arguments for echo/);
  }
});

Deno.test("runAgent returns a tool timeout to the model", async () => {
  const { provider, opts } = setup([
    { tool_calls: [{ name: "slow" }] },
    { text: "The tool was too slow." },
  ], { toolTimeoutMs: 20 });
  const result = await runAgent(opts);
  assert.equal(result.text, "The tool was too slow.");
  const tool = lastToolMessage(provider.requests[1].messages);
  assert.match(String(tool?.error), /slow timed out after 20 ms/);
});

Deno.test("runAgent ends with too_many_rounds past the round limit", async () => {
  const steps: Script[] = Array.from({ length: 5 }, () => ({ tool_calls: [{ name: "echo" }] }));
  const { provider, opts } = setup(steps, { maxRounds: 3 });
  await assert.rejects(
    () => runAgent(opts),
    (e) => e instanceof AgentError && e.code === "too_many_rounds",
  );
  assert.equal(provider.requests.length, 4);
});

Deno.test("runAgent ends with cancelled when aborted during a model call", async () => {
  const ctl = new AbortController();
  const { opts } = setup([{ hang: true }], { signal: ctl.signal });
  setTimeout(() => ctl.abort(), 10);
  await assert.rejects(
    () => runAgent(opts),
    (e) => e instanceof AgentError && e.code === "cancelled",
  );
});

Deno.test("runAgent ends with cancelled when aborted during a tool call", async () => {
  const ctl = new AbortController();
  const { provider, opts } = setup(
    [{ tool_calls: [{ name: "slow" }] }, { text: "never" }],
    { signal: ctl.signal },
  );
  setTimeout(() => ctl.abort(), 10);
  await assert.rejects(
    () => runAgent(opts),
    (e) => e instanceof AgentError && e.code === "cancelled",
  );
  assert.equal(provider.requests.length, 1);
});

Deno.test("runAgent ends after tools when endAfterTools says so", async () => {
  const { provider, opts } = setup([{ tool_calls: [{ name: "echo" }] }, { text: "unused" }], {
    endAfterTools: (runs) => runs.every((r) => r.ok),
  });
  const result = await runAgent(opts);
  assert.equal(result.ended, "tools");
  assert.equal(provider.requests.length, 1);
  assert.equal(result.usage.model_calls, 1);
});

Deno.test("security: faults: runAgent turns a provider failure into a model_error", async () => {
  const { opts } = setup([{ error: new Error("socket hang up") }]);
  await assert.rejects(
    () => runAgent(opts),
    (e) => e instanceof AgentError && e.code === "model_error" && /socket hang up/.test(e.message),
  );
});
