/**
 * The floor of the turn benchmark: a bare `Deno.serve` that answers the same three routes
 * the benchmark's client uses (create a conversation, post a turn, open its event stream)
 * with nothing behind them, no session, no KV, no guard, and a stream that sends
 * `turn_started` and `final` at once. Timed by the same client code at the same
 * concurrency, it shows what HTTP itself costs on the machine (`bench/app.ts`).
 *
 *   deno run -A bench/app_floor.ts   # prints "Listening on http://127.0.0.1:PORT/"
 *
 * @module
 */

const encoder = new TextEncoder();
let next = 0;

function sse(turnId: string): Response {
  const started = { type: "turn_started", turn_id: turnId, conversation_id: "c", question: "q" };
  const final = {
    type: "final",
    answer: "",
    usage: { model_calls: 0, input_tokens: 0, output_tokens: 0 },
    outcome: "answered",
    interpretation: null,
  };
  const body = `retry: 2000\n\nid: 1\nevent: turn_started\ndata: ${JSON.stringify(started)}\n\n` +
    `id: 2\nevent: final\ndata: ${JSON.stringify(final)}\n\n`;
  return new Response(encoder.encode(body), {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache" },
  });
}

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: (a) => console.log(`Listening on http://127.0.0.1:${a.port}/`),
}, async (req) => {
  const path = new URL(req.url).pathname;
  if (req.method === "POST" && path === "/api/conversations") {
    await req.body?.cancel();
    return Response.json({ id: `c${++next}` }, { status: 201 });
  }
  if (req.method === "POST" && /^\/api\/conversations\/[^/]+\/turns$/.test(path)) {
    await req.text();
    return Response.json({ turn_id: `t${++next}` }, { status: 202 });
  }
  const m = path.match(/^\/api\/turns\/([^/]+)\/events$/);
  if (req.method === "GET" && m) return sse(m[1]);
  return new Response("not found", { status: 404 });
});
