/**
 * A local OpenAI-compatible server for tests: answers `/v1/chat/completions` with
 * scripted JSON errors or SSE streams (Deno.serve on port 0). Not used by the app.
 */
/** One scripted HTTP answer of the mock server. */
export type MockReply =
  | { status: number; headers?: Record<string, string>; json: unknown }
  | { sse: unknown[]; done?: boolean; cut?: "error" | "close"; hang?: boolean };

/** A local OpenAI-compatible server answering /v1/chat/completions from a script. */
export function mockServer(
  replies: (MockReply | ((body: Record<string, unknown>) => MockReply))[],
) {
  const bodies: Record<string, unknown>[] = [];
  let aborted = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    if (new URL(req.url).pathname !== "/v1/chat/completions") {
      return new Response("not found", { status: 404 });
    }
    bodies.push(await req.json());
    const body0 = bodies.at(-1)!;
    const next = replies.shift();
    const reply = typeof next === "function" ? next(body0) : next;
    if (!reply) return Response.json({ error: { message: "script ended" } }, { status: 400 });
    if ("json" in reply) {
      return Response.json(reply.json, { status: reply.status, headers: reply.headers });
    }
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(ctl) {
        for (const chunk of reply.sse) {
          ctl.enqueue(enc.encode(`data: ${JSON.stringify(chunk)}\n\n`));
        }
        if (reply.hang) {
          await new Promise<void>((resolve) =>
            req.signal.addEventListener("abort", () => resolve())
          );
          aborted++;
          return;
        }
        if (reply.cut === "error") {
          ctl.error(new Error("connection reset"));
          return;
        }
        if (reply.done !== false && !reply.cut) ctl.enqueue(enc.encode("data: [DONE]\n\n"));
        ctl.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  const { port } = server.addr as Deno.NetAddr;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    bodies,
    get aborted() {
      return aborted;
    },
    close: () => server.shutdown(),
  };
}

export const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: "c1",
  object: "chat.completion.chunk",
  created: 0,
  model: "m",
  choices: [{ index: 0, delta, finish_reason: finish }],
});
export const usageChunk = (input: number, output: number) => ({
  id: "c1",
  object: "chat.completion.chunk",
  created: 0,
  model: "m",
  choices: [],
  usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
});
export const textReply = (text: string, usage = usageChunk(10, 2)): MockReply => ({
  sse: [
    chunk({ role: "assistant", content: "" }),
    chunk({ content: text }),
    chunk({}, "stop"),
    usage,
  ],
});
