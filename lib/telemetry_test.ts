import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Attributes,
  type Context,
  context,
  type ContextManager,
  type Exception,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  trace,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { AgentError } from "./agent/errors.ts";
import type { AgentEvent } from "./agent/events.ts";
import { MemoryStore } from "./agent/memory_store.ts";
import { createScriptedProvider, type Script } from "../testing/scripted_provider.ts";
import { fakeCatalog, fakeDataClient } from "../testing/agent_doubles.ts";
import { runTurn, type TurnDeps } from "./agent/turn.ts";
import { ATTR, SPAN, withSpan } from "./telemetry.ts";

// ---------------------------------------------------------------------------------------
// A minimal in-memory tracer provider and an AsyncLocalStorage context manager, written
// against the @opentelemetry/api interfaces (test doubles; no SDK needed).

interface RecordedSpan {
  name: string;
  spanId: string;
  parentId: string | undefined;
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
  status: SpanStatus;
  ended: boolean;
}

class MemorySpan implements Span {
  readonly record: RecordedSpan;
  #context: SpanContext;

  constructor(name: string, traceId: string, spanId: string, parentId: string | undefined) {
    this.#context = { traceId, spanId, traceFlags: 1 };
    this.record = {
      name,
      spanId,
      parentId,
      attributes: {},
      events: [],
      status: { code: SpanStatusCode.UNSET },
      ended: false,
    };
  }
  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: Attributes[string]): this {
    this.record.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.record.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributes?: unknown): this {
    const attrs = attributes && typeof attributes === "object" && !Array.isArray(attributes) &&
        !(attributes instanceof Date)
      ? attributes as Attributes
      : {};
    this.record.events.push({ name, attributes: { ...attrs } });
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.record.status = status;
    return this;
  }
  updateName(name: string): this {
    this.record.name = name;
    return this;
  }
  end(): void {
    assert.equal(this.record.ended, false, `span ${this.record.name} ended twice`);
    this.record.ended = true;
  }
  isRecording(): boolean {
    return !this.record.ended;
  }
  recordException(exception: Exception): void {
    const e = typeof exception === "string" ? { message: exception } : exception;
    this.addEvent("exception", {
      "exception.type": String(e.name ?? ""),
      "exception.message": String(e.message ?? ""),
    });
  }
}

class MemoryTracer implements Tracer {
  constructor(private readonly spans: RecordedSpan[]) {}

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const parent = options?.root ? undefined : trace.getSpanContext(ctx);
    const id = () => crypto.randomUUID().replaceAll("-", "");
    const span = new MemorySpan(
      name,
      parent?.traceId ?? id(),
      id().slice(0, 16),
      parent?.spanId,
    );
    if (options?.attributes) span.setAttributes(options.attributes);
    this.spans.push(span.record);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]) {
    const fn = rest.at(-1) as F;
    const options = (rest.length >= 2 ? rest[0] : undefined) as SpanOptions | undefined;
    const parent = (rest.length >= 3 ? rest[1] : context.active()) as Context;
    const span = this.startSpan(name, options, parent);
    const run = fn as (span: Span) => ReturnType<F>;
    return context.with(trace.setSpan(parent, span), run, undefined, span);
  }
}

class AsyncLocalContextManager implements ContextManager {
  #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== "function") return target;
    return ((...args: unknown[]) =>
      this.with(ctx, target as (...a: unknown[]) => unknown, ...args)) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

/** Spans recorded since the last {@link installTracing}. */
const recorded: RecordedSpan[] = [];
let installed = false;

/** Registers the in-memory provider once per test module and clears what it recorded. */
function installTracing(): RecordedSpan[] {
  if (!installed) {
    const provider: TracerProvider = { getTracer: () => new MemoryTracer(recorded) };
    assert.ok(context.setGlobalContextManager(new AsyncLocalContextManager()));
    assert.ok(trace.setGlobalTracerProvider(provider));
    installed = true;
  }
  recorded.length = 0;
  return recorded;
}

// ---------------------------------------------------------------------------------------
// A scripted turn

const NOW = new Date("2026-11-24T09:00:00Z");
const SECRET = "Quixotic Zanzibar";
const QUESTION = `How many calls did ${SECRET} take last week?`;
const STANDALONE = `Calls taken by ${SECRET} last week`;
const ANSWER = `${SECRET} took **5,000 calls** last week.`;

/** Supervisor → data agent (a failing find, then run_report on a listing) → answer. */
function dataQuestionScript(): Script[] {
  return [
    { tool_calls: [{ name: "ask_data_agent", arguments: { question: STANDALONE } }] },
    {
      tool_calls: [
        { name: "find", arguments: { collection: "calling_cdr", filter: { agent: SECRET } } },
        { name: "run_report", arguments: { name: "call_list", params: { agent: SECRET } } },
      ],
      usage: { input_tokens: 120, output_tokens: 30 },
    },
    { text: ANSWER, usage: { input_tokens: 300, output_tokens: 12 } },
  ];
}

async function scriptedTurn(steps: Script[]) {
  const store = new MemoryStore({ now: () => NOW });
  const conv = await store.createConversation("u1", "Test");
  const deps: TurnDeps = {
    provider: createScriptedProvider(steps),
    client: fakeDataClient(),
    conversations: store,
    reports: store,
    catalog: fakeCatalog({ listingRows: 5000 }),
    config: { tz: "Europe/Lisbon", now: () => NOW, maxToolRounds: 4, contextTokenBudget: 6000 },
  };
  const events: AgentEvent[] = [];
  const outcome = await runTurn({
    question: QUESTION,
    owner: "u1",
    conversationId: conv.id,
    deps,
    signal: new AbortController().signal,
    emit: (e) => {
      events.push(e);
    },
    turnId: "t_test",
  });
  return { outcome, events, conversationId: conv.id };
}

function only(spans: RecordedSpan[], name: string): RecordedSpan[] {
  return spans.filter((s) => s.name === name);
}

// ---------------------------------------------------------------------------------------
// Tests (in order: the first runs before any provider is registered)

Deno.test("withSpan without a registered provider is a no-op", async () => {
  let recording: boolean | undefined;
  const value = await withSpan("x", { a: 1 }, (span) => {
    recording = span.isRecording();
    return Promise.resolve(42);
  });
  assert.equal(value, 42);
  assert.equal(recording, false);
  const error = new Error("boom");
  await assert.rejects(withSpan("x", {}, () => Promise.reject(error)), (e) => e === error);
});

Deno.test("tracing leaves a turn's outcome and events unchanged", async () => {
  const untraced = await scriptedTurn(dataQuestionScript());
  const spans = installTracing();
  const traced = await scriptedTurn(dataQuestionScript());
  assert.ok(spans.length > 0);
  assert.deepEqual(traced.outcome.usage, untraced.outcome.usage);
  assert.equal(traced.outcome.answer, untraced.outcome.answer);
  const strip = (events: AgentEvent[]) =>
    events.map((e) => {
      const copy = { ...e } as Record<string, unknown>;
      delete copy.duration_ms;
      delete copy.conversation_id;
      delete copy.id;
      delete copy.download;
      return copy;
    });
  assert.deepEqual(strip(traced.events), strip(untraced.events));
});

Deno.test("runTurn traces the turn, its model calls and tool calls, nested", async () => {
  const spans = installTracing();
  const { outcome, conversationId } = await scriptedTurn(dataQuestionScript());
  assert.equal(outcome.error, null);
  assert.ok(spans.every((s) => s.ended), "every span ended");

  const [turn] = only(spans, SPAN.turn);
  assert.equal(only(spans, SPAN.turn).length, 1);
  assert.equal(turn.parentId, undefined);
  assert.equal(turn.attributes[ATTR.conversationId], conversationId);
  assert.equal(turn.attributes[ATTR.turnId], "t_test");
  assert.equal(turn.attributes[ATTR.system], "scripted");
  assert.equal(turn.attributes[ATTR.questionLength], QUESTION.length);
  assert.equal(turn.attributes[ATTR.outcome], "answered");
  assert.equal(turn.attributes[ATTR.modelCalls], 3);
  assert.equal(turn.attributes[ATTR.inputTokens], 100 + 120 + 300);
  assert.equal(turn.attributes[ATTR.outputTokens], 10 + 30 + 12);
  assert.equal(turn.attributes[ATTR.answerLength], outcome.answer.length);
  assert.equal(turn.status.code, SpanStatusCode.UNSET);

  const models = only(spans, SPAN.modelCall);
  const tools = only(spans, SPAN.toolCall);
  assert.equal(models.length, 3);
  assert.equal(tools.length, 3);
  const [supervisor, dataRound0, dataRound1] = models;
  const [askDataAgent, find, runReport] = tools;

  // supervisor → ask_data_agent → (data agent's model calls and tools)
  assert.equal(supervisor.parentId, turn.spanId);
  assert.equal(supervisor.attributes[ATTR.agentName], "supervisor");
  assert.equal(supervisor.attributes[ATTR.round], 0);
  assert.equal(supervisor.attributes[ATTR.toolCallCount], 1);
  assert.equal(askDataAgent.parentId, turn.spanId);
  assert.equal(askDataAgent.attributes[ATTR.toolName], "ask_data_agent");
  assert.equal(askDataAgent.attributes[ATTR.toolOk], true);
  for (const s of [dataRound0, dataRound1, find, runReport]) {
    assert.equal(s.parentId, askDataAgent.spanId, `${s.name} is under ask_data_agent`);
  }

  for (const m of models) {
    assert.equal(m.attributes[ATTR.system], "scripted");
    assert.equal(m.attributes[ATTR.operation], "chat");
    assert.equal(typeof m.attributes[ATTR.inputTokens], "number");
  }
  assert.equal(dataRound0.attributes[ATTR.agentName], "data_agent");
  assert.equal(dataRound0.attributes[ATTR.round], 0);
  assert.equal(dataRound0.attributes[ATTR.inputTokens], 120);
  assert.equal(dataRound0.attributes[ATTR.outputTokens], 30);
  assert.equal(dataRound0.attributes[ATTR.toolCallCount], 2);
  assert.equal(dataRound1.attributes[ATTR.round], 1);
  assert.equal(dataRound1.attributes[ATTR.toolCallCount], 0);

  assert.equal(find.attributes[ATTR.toolName], "find");
  assert.equal(find.attributes[ATTR.toolOk], false);
  assert.equal(find.attributes[ATTR.errorType], "tool_error");
  assert.equal(find.status.code, SpanStatusCode.ERROR);
  assert.equal(runReport.attributes[ATTR.toolName], "run_report");
  assert.equal(runReport.attributes[ATTR.toolOk], true);
  assert.equal(runReport.attributes[ATTR.rows], 5000);
  assert.equal(runReport.status.code, SpanStatusCode.UNSET);
  for (const t of tools) assert.equal(typeof t.attributes[ATTR.durationMs], "number");
});

Deno.test("spans carry no question text, argument values or answer text", async () => {
  const spans = installTracing();
  await scriptedTurn(dataQuestionScript());
  assert.ok(spans.length >= 7);
  const texts = spans.flatMap((s) => [
    s.name,
    s.status.message ?? "",
    ...Object.values(s.attributes).map(String),
    ...s.events.flatMap((e) => Object.values(e.attributes).map(String)),
  ]);
  for (const t of texts) {
    assert.ok(!t.includes(SECRET), `attribute leaks customer data: ${t}`);
    assert.ok(!t.includes("calling_cdr"), `attribute leaks tool arguments: ${t}`);
  }
});

Deno.test("a failed turn marks its turn and model call spans as errors", async () => {
  const spans = installTracing();
  const { outcome } = await scriptedTurn([
    { error: new AgentError("quota_exceeded", "The model provider's quota is used up") },
  ]);
  assert.equal(outcome.error?.code, "quota_exceeded");
  const [turn] = only(spans, SPAN.turn);
  assert.equal(turn.attributes[ATTR.outcome], "quota_exceeded");
  assert.equal(turn.attributes[ATTR.errorType], "quota_exceeded");
  assert.equal(turn.status.code, SpanStatusCode.ERROR);
  const [model] = only(spans, SPAN.modelCall);
  assert.equal(model.parentId, turn.spanId);
  assert.equal(model.status.code, SpanStatusCode.ERROR);
  assert.equal(model.attributes[ATTR.errorType], "quota_exceeded");
  const exception = model.events.find((e) => e.name === "exception");
  assert.equal(exception?.attributes["exception.type"], "quota_exceeded");
  assert.match(String(exception?.attributes["exception.message"]), /quota is used up/);
  assert.ok(spans.every((s) => s.ended));
});

Deno.test("withSpan nests, records the error, ends the span and rethrows", async () => {
  const spans = installTracing();
  const error = new TypeError("Cannot read the thing");
  await assert.rejects(
    withSpan("outer", { "test.size": 3 }, () =>
      withSpan("inner", {}, async () => {
        await Promise.resolve();
        throw error;
      })),
    (e) => e === error,
  );
  const [outer, inner] = spans;
  assert.equal(outer.name, "outer");
  assert.equal(outer.attributes["test.size"], 3);
  assert.equal(inner.parentId, outer.spanId);
  for (const s of [outer, inner]) {
    assert.ok(s.ended);
    assert.equal(s.status.code, SpanStatusCode.ERROR);
    assert.equal(s.attributes[ATTR.errorType], "TypeError");
    assert.equal(s.events[0].attributes["exception.message"], "Cannot read the thing");
  }
});
