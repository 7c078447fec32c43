import assert from "node:assert/strict";
import { AgentError } from "../errors.ts";
import { runAgent } from "../loop.ts";
import { parseToolResult } from "../envelope.ts";
import type { ModelRequest, ToolDefinition } from "../types.ts";
import { createOpenAIProvider, retryAfterMs } from "./openai.ts";
import { chunk, mockServer, textReply, usageChunk } from "../../../testing/mock_openai.ts";

const TOOLS: ToolDefinition[] = [{
  name: "run_report",
  description: "Runs a report",
  parameters: { type: "object", properties: { name: { type: "string" } } },
}];

function request(extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [{ role: "system", content: "sys" }, { role: "user", content: "How many calls?" }],
    tools: TOOLS,
    signal: new AbortController().signal,
    ...extra,
  };
}

function provider(baseUrl: string, extra: Record<string, unknown> = {}) {
  return createOpenAIProvider({
    apiKey: "sk-test",
    baseUrl,
    model: "gpt-5-mini",
    retryBaseMs: 1,
    maxRetries: 3,
    ...extra,
  });
}

Deno.test("openai provider streams text and reads usage from the usage chunk", async () => {
  const mock = mockServer([{
    sse: [
      chunk({ role: "assistant", content: "There were " }),
      chunk({ content: "468 calls." }),
      chunk({}, "stop"),
      usageChunk(1234, 56),
    ],
  }]);
  try {
    const deltas: string[] = [];
    const res = await provider(mock.baseUrl, { temperature: 0.2 }).complete(
      request({ onText: (d) => deltas.push(d) }),
    );
    assert.equal(res.message.content, "There were 468 calls.");
    assert.deepEqual(deltas, ["There were ", "468 calls."]);
    assert.deepEqual(res.usage, { input_tokens: 1234, output_tokens: 56 });
    const body = mock.bodies[0];
    assert.equal(body.model, "gpt-5-mini");
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.temperature, 0.2);
    assert.equal("reasoning_effort" in body, false);
    assert.equal((body.tools as unknown[]).length, 1);
  } finally {
    await mock.close();
  }
});

Deno.test("openai provider assembles chunked and parallel tool calls", async () => {
  const mock = mockServer([{
    sse: [
      chunk({
        role: "assistant",
        tool_calls: [{
          index: 0,
          id: "call_a",
          type: "function",
          function: { name: "run_report", arguments: '{"na' },
        }],
      }),
      chunk({
        tool_calls: [{
          index: 1,
          id: "call_b",
          type: "function",
          function: { name: "run_report", arguments: "" },
        }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'me": "call_' } }] }),
      chunk({
        tool_calls: [{ index: 1, function: { arguments: '{"name":"agent_performance"}' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'count"}' } }] }),
      chunk({}, "tool_calls"),
      usageChunk(100, 20),
    ],
  }]);
  try {
    const res = await provider(mock.baseUrl, { reasoningEffort: "low" }).complete(request());
    assert.deepEqual(res.message.tool_calls, [
      { id: "call_a", name: "run_report", arguments: '{"name": "call_count"}' },
      { id: "call_b", name: "run_report", arguments: '{"name":"agent_performance"}' },
    ]);
    assert.equal(mock.bodies[0].reasoning_effort, "low");
  } finally {
    await mock.close();
  }
});

Deno.test("security: input: openai provider: malformed tool arguments reach the model as an error and the loop goes on", async () => {
  const mock = mockServer([
    {
      sse: [
        chunk({
          tool_calls: [{
            index: 0,
            id: "call_x",
            type: "function",
            function: { name: "run_report", arguments: '{"name": ' },
          }],
        }),
        chunk({}, "tool_calls"),
        usageChunk(100, 5),
      ],
    },
    textReply("I could not run that.", usageChunk(150, 7)),
  ]);
  try {
    let executed = 0;
    const result = await runAgent({
      provider: provider(mock.baseUrl),
      messages: request().messages,
      tools: TOOLS,
      executeTool: () => {
        executed++;
        return Promise.resolve({ result: {}, summary: "" });
      },
      emit: () => {},
      signal: new AbortController().signal,
      maxRounds: 3,
    });
    assert.equal(executed, 0);
    assert.equal(result.text, "I could not run that.");
    assert.deepEqual(result.usage, { model_calls: 2, input_tokens: 250, output_tokens: 12 });
    const second = mock.bodies[1].messages as {
      role: string;
      content: string;
      tool_call_id?: string;
    }[];
    const tool = second.find((m) => m.role === "tool")!;
    assert.equal(tool.tool_call_id, "call_x");
    const parsed = parseToolResult(tool.content);
    assert.equal(parsed?.ok, false);
    assert.match(String(parsed?.error), /Invalid arguments/);
    const assistant = second.find((m) => m.role === "assistant") as unknown as {
      tool_calls: { id: string; type: string; function: { name: string } }[];
    };
    assert.equal(assistant.tool_calls[0].type, "function");
    assert.equal(assistant.tool_calls[0].function.name, "run_report");
  } finally {
    await mock.close();
  }
});

Deno.test("security: faults: openai provider retries a 429 after Retry-After, then succeeds", async () => {
  const mock = mockServer([
    {
      status: 429,
      headers: { "retry-after": "0" },
      json: {
        error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" },
      },
    },
    textReply("ok"),
  ]);
  try {
    const res = await provider(mock.baseUrl).complete(request());
    assert.equal(res.message.content, "ok");
    assert.equal(mock.bodies.length, 2);
  } finally {
    await mock.close();
  }
});

Deno.test("security: faults: openai provider retries a 500, then succeeds", async () => {
  const mock = mockServer([
    { status: 500, json: { error: { message: "The server had an error" } } },
    { status: 503, json: { error: { message: "Overloaded" } } },
    textReply("fine"),
  ]);
  try {
    const res = await provider(mock.baseUrl).complete(request());
    assert.equal(res.message.content, "fine");
    assert.equal(mock.bodies.length, 3);
  } finally {
    await mock.close();
  }
});

Deno.test("security: faults: openai provider gives up after its retries with rate_limited", async () => {
  const limited = () => ({
    status: 429,
    headers: { "retry-after": "0" },
    json: { error: { message: "Slow down", code: "rate_limit_exceeded" } },
  });
  const mock = mockServer([limited(), limited(), limited()]);
  try {
    await assert.rejects(
      () => provider(mock.baseUrl, { maxRetries: 2 }).complete(request()),
      (e) => e instanceof AgentError && e.code === "rate_limited",
    );
    assert.equal(mock.bodies.length, 3);
  } finally {
    await mock.close();
  }
});

Deno.test("security: faults: openai provider does not retry insufficient_quota", async () => {
  const mock = mockServer([
    {
      status: 429,
      json: {
        error: {
          message: "You exceeded your current quota",
          type: "insufficient_quota",
          code: "insufficient_quota",
        },
      },
    },
    textReply("never"),
  ]);
  try {
    await assert.rejects(
      () => provider(mock.baseUrl).complete(request()),
      (e) => e instanceof AgentError && e.code === "quota_exceeded" && /quota/.test(e.message),
    );
    assert.equal(mock.bodies.length, 1);
  } finally {
    await mock.close();
  }
});

Deno.test("security: faults: openai provider: a stream cut mid-way is a model_error, not retried", async () => {
  for (const cut of ["error", "close"] as const) {
    const mock = mockServer([
      { sse: [chunk({ content: "There were " })], cut },
      textReply("never"),
    ]);
    try {
      const deltas: string[] = [];
      await assert.rejects(
        () => provider(mock.baseUrl).complete(request({ onText: (d) => deltas.push(d) })),
        (e) => e instanceof AgentError && e.code === "model_error" && /broke off/.test(e.message),
      );
      if (cut === "close") assert.deepEqual(deltas, ["There were "]);
      assert.equal(mock.bodies.length, 1);
    } finally {
      await mock.close();
    }
  }
});

Deno.test("security: faults: openai provider: cancellation mid-stream ends with cancelled", async () => {
  const mock = mockServer([{ sse: [chunk({ content: "Counting" })], hang: true }]);
  try {
    const ctl = new AbortController();
    await assert.rejects(
      () =>
        provider(mock.baseUrl).complete(
          request({ signal: ctl.signal, onText: () => ctl.abort() }),
        ),
      (e) => e instanceof AgentError && e.code === "cancelled",
    );
    // the server sees the request go away
    for (let i = 0; i < 50 && mock.aborted === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(mock.aborted, 1);
  } finally {
    await mock.close();
  }
});

Deno.test("security: faults: openai provider: an attempt past its timeout ends with timeout", async () => {
  const mock = mockServer([{ sse: [chunk({ content: "slow" })], hang: true }]);
  try {
    await assert.rejects(
      () => provider(mock.baseUrl, { timeoutMs: 100 }).complete(request()),
      (e) => e instanceof AgentError && e.code === "timeout",
    );
  } finally {
    await mock.close();
  }
});

Deno.test("security: faults: openai provider: 401 is a model_error without retry", async () => {
  const mock = mockServer([
    {
      status: 401,
      json: { error: { message: "Incorrect API key provided", code: "invalid_api_key" } },
    },
  ]);
  try {
    await assert.rejects(
      () => provider(mock.baseUrl).complete(request()),
      (e) => e instanceof AgentError && e.code === "model_error" && /API key/.test(e.message),
    );
    assert.equal(mock.bodies.length, 1);
  } finally {
    await mock.close();
  }
});

Deno.test("retryAfterMs reads seconds, milliseconds and HTTP dates", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after": "2" })), 2000);
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "150" })), 150);
  const now = Date.parse("2026-11-24T09:00:00Z");
  assert.equal(
    retryAfterMs(new Headers({ "retry-after": "Tue, 24 Nov 2026 09:00:05 GMT" }), now),
    5000,
  );
  assert.equal(retryAfterMs(new Headers({})), undefined);
});
