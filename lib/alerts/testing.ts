/**
 * Test helpers of alerts: calls at chosen instants over the embedded data client, a
 * webhook receiver on loopback that checks the HMAC signature, and an SSE reader that
 * takes messages one at a time.
 */
import { embeddedClient } from "../../testing/report_fixture.ts";
import type { DataClient, Document } from "../data/types.ts";
import { signBody } from "./deliver.ts";

/** A missed (or `status`) incoming call in queue `queue` starting at `at`. */
export function call(at: Date, status = "missed", queue = "support"): Document {
  const answered = status === "answered";
  return {
    call_id: `C${at.getTime()}${Math.random()}`,
    direction: "incoming",
    status,
    queue,
    agent_name: answered ? "priya" : null,
    agent_id: answered ? "a1" : null,
    customer_number: "+15550000001",
    customer_id: null,
    did_number: "+15550000000",
    start_time: at,
    answer_time: answered ? new Date(at.getTime() + 5000) : null,
    end_time: new Date(at.getTime() + 60_000),
    ring_seconds: 5,
    talk_seconds: answered ? 50 : 0,
    hold_seconds: 0,
    wrap_up_seconds: 0,
    duration_seconds: answered ? 55 : 5,
    disposition: null,
    hangup_by: "customer",
    recording_url: null,
  };
}

/** The embedded data client over `calls`. */
export function callsClient(calls: Document[]): Promise<DataClient> {
  return embeddedClient({ calling_cdr: calls, address_book: [] });
}

/** A webhook receiver on 127.0.0.1 checking `X-Signature` with the secret it is given. */
export function startReceiver() {
  const state = {
    secret: "",
    status: 200,
    received: [] as { body: Record<string, unknown>; signatureOk: boolean; delivery: string }[],
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const raw = await req.text();
    const expected = await signBody(state.secret, raw);
    state.received.push({
      body: JSON.parse(raw),
      signatureOk: req.headers.get("x-signature") === expected,
      delivery: req.headers.get("x-alert-delivery") ?? "",
    });
    return new Response(state.status === 200 ? "ok" : "boom", { status: state.status });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    state,
    close: () => server.shutdown(),
  };
}

/** One parsed SSE message. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads an SSE body one message at a time. */
export function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  return {
    /** The next message (or null at the end); fails after `timeoutMs`. */
    async next(timeoutMs = 5000): Promise<SseMessage | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = buf.indexOf("\n\n");
        if (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const m: SseMessage = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) m.comment = line.slice(1).trim();
            else {
              const j = line.indexOf(":");
              const k = line.slice(0, j);
              if (k === "id" || k === "event" || k === "data") {
                m[k] = line.slice(j + 1).replace(/^ /, "");
              }
            }
          }
          return m;
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        const r = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error("No SSE message in time")),
              Math.max(1, deadline - Date.now()),
            );
          }),
        ]).finally(() => clearTimeout(timer));
        if (r.done) return null;
        buf += r.value;
      }
    },
    /** The next message that is not a comment or `retry:`. */
    async nextEvent(timeoutMs = 5000): Promise<SseMessage | null> {
      for (;;) {
        const m = await this.next(timeoutMs);
        if (!m || m.event) return m;
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
