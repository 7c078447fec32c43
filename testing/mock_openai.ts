/**
 * A local OpenAI-compatible server for tests: answers `/v1/chat/completions` with
 * scripted JSON errors or SSE streams, and `/v1/audio/transcriptions` (multipart) with a
 * scripted text (Deno.serve on port 0). Not used by the app.
 */
/** One scripted HTTP answer of the mock server. */
export type MockReply =
  | { status: number; headers?: Record<string, string>; json: unknown }
  | { sse: unknown[]; done?: boolean; cut?: "error" | "close"; hang?: boolean };

/** One upload the mock's `/v1/audio/transcriptions` received. */
export interface MockUpload {
  model: string;
  fileName: string;
  type: string;
  size: number;
}

/** What `/v1/audio/transcriptions` answers: a text (200 `{text}`), or a scripted reply. */
export type MockTranscription =
  | string
  | { status: number; json: unknown }
  | { hang: true };

/** Options of {@linkcode mockServer}. */
export interface MockServerOptions {
  /** Answers of `/v1/audio/transcriptions`, one per upload (the last one repeats). */
  transcriptions?: MockTranscription[];
}

/**
 * A local OpenAI-compatible server answering /v1/chat/completions from a script (and
 * /v1/audio/transcriptions from `options.transcriptions`).
 */
export function mockServer(
  replies: (MockReply | ((body: Record<string, unknown>) => MockReply))[],
  options: MockServerOptions = {},
) {
  const bodies: Record<string, unknown>[] = [];
  const uploads: MockUpload[] = [];
  const transcriptions = [...(options.transcriptions ?? [])];
  let aborted = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    if (new URL(req.url).pathname === "/v1/audio/transcriptions" && req.method === "POST") {
      const form = await req.formData();
      const file = form.get("file");
      uploads.push({
        model: String(form.get("model") ?? ""),
        fileName: file instanceof File ? file.name : "",
        type: file instanceof File ? file.type : "",
        size: file instanceof File ? file.size : 0,
      });
      const next = transcriptions.length > 1 ? transcriptions.shift() : transcriptions[0];
      if (next === undefined) {
        return Response.json({ error: { message: "no transcription scripted" } }, { status: 400 });
      }
      if (typeof next === "string") return Response.json({ text: next });
      if ("hang" in next) {
        // Headers now, the body never: the client's abort cancels the stream.
        const body = new ReadableStream<Uint8Array>({ cancel: () => void aborted++ });
        return new Response(body, { headers: { "content-type": "application/json" } });
      }
      return Response.json(next.json, { status: next.status });
    }
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
    uploads,
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
