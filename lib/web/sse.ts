/**
 * The event stream of a turn (`text/event-stream`): replays the stored events after
 * `afterSeq`, then follows new ones as they are appended, and ends after the `final` or
 * `error` event. Each message carries `id:` (the sequence number), `event:` (the type) and
 * `data:` (the event as JSON). Idle streams get a `: ping` comment every `heartbeatMs`.
 */
import type { Store, StoredEvent } from "../kv.ts";
import type { TurnManager } from "./turns.ts";
import { BadRequestError } from "./errors.ts";

/** Formats one stored event as an SSE message. */
export function formatEvent(e: StoredEvent): string {
  return `id: ${e.seq}\nevent: ${e.event.type}\ndata: ${JSON.stringify(e.event)}\n\n`;
}

/**
 * The sequence number to resume after: `Last-Event-ID`, else `?last_event_id=`, else 0.
 * Anything but a whole number is a 400.
 */
export function resumeAfter(req: Request, url: URL): number {
  const raw = req.headers.get("last-event-id") ?? url.searchParams.get("last_event_id");
  if (raw === null || raw.trim() === "") return 0;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new BadRequestError("Last-Event-ID must be a whole number (an event id of this turn)");
  }
  return Number(raw.trim());
}

/** Options of {@linkcode turnEventStream}. */
export interface TurnEventStreamOptions {
  store: Store;
  turns: TurnManager;
  owner: string;
  turnId: string;
  afterSeq: number;
  heartbeatMs: number;
  /** The request's signal: the stream stops when the client goes away. */
  signal?: AbortSignal;
  log?: (message: string, error?: unknown) => void;
}

/** Options of {@linkcode sseResponse}. */
export interface SseResponseOptions {
  /** The request's signal: the stream stops when the client goes away. */
  signal?: AbortSignal;
  /** Told when the writer fails while the client is still there. */
  onError?: (error: unknown) => void;
  /** Runs once when the stream ends, however it ends. */
  onEnd?: () => void;
}

/**
 * A `text/event-stream` response whose body `run` writes: `write` returns false once the
 * client has gone (then `stop` is aborted too; nothing is written after a disconnect), and
 * the body closes when `run` returns. One place for the plumbing every event stream shares.
 */
export function sseResponse(
  run: (write: (s: string) => boolean, stop: AbortSignal) => Promise<void>,
  opts: SseResponseOptions = {},
): Response {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (s: string): boolean => {
        if (stop.signal.aborted) return false;
        try {
          controller.enqueue(encoder.encode(s));
          return true;
        } catch {
          stop.abort();
          return false;
        }
      };
      (async () => {
        try {
          await run(write, stop.signal);
        } catch (e) {
          if (!stop.signal.aborted) opts.onError?.(e);
        } finally {
          opts.signal?.removeEventListener("abort", onAbort);
          opts.onEnd?.();
          if (!stop.signal.aborted) {
            stop.abort();
            try {
              controller.close();
            } catch { /* already closed */ }
          }
        }
      })();
    },
    cancel() {
      stop.abort();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-store, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}

/** The SSE response for a turn the caller has checked `owner` owns. */
export function turnEventStream(opts: TurnEventStreamOptions): Response {
  const detach = opts.turns.attach(opts.turnId);
  let last = opts.afterSeq;
  return sseResponse(async (write, stop) => {
    write("retry: 2000\n\n");
    let ended = false;
    while (!ended && !stop.aborted) {
      // A turn running here is read from memory; otherwise (another instance, or ended)
      // from KV, which holds every event the memory had.
      const local = opts.turns.eventsAfter(opts.turnId, last);
      const events = local ?? await opts.store.listEvents(opts.turnId, last);
      for (const e of events) {
        if (!write(formatEvent(e))) break;
        last = e.seq;
        if (e.event.type === "final" || e.event.type === "error") {
          ended = true;
          break;
        }
      }
      if (ended || stop.aborted || events.length > 0) continue;
      if (local) {
        const woke = await opts.turns.waitForEvents(opts.turnId, last, {
          signal: stop,
          timeoutMs: opts.heartbeatMs,
        });
        if (!woke && !stop.aborted) write(": ping\n\n");
        continue;
      }
      const turn = await opts.store.getTurn(opts.owner, opts.turnId);
      if (!turn) break;
      if (turn.status !== "running") {
        // Finished: whatever was appended before the status changed is listed now.
        if (turn.last_seq <= last) break;
        continue;
      }
      // A turn run by another instance is watched in KV and polled (250 ms).
      const remote = !opts.turns.isRunning(opts.turnId);
      const woke = await opts.store.waitForEvents(opts.turnId, last, {
        signal: stop,
        timeoutMs: opts.heartbeatMs,
        remote,
        pollMs: remote ? 250 : undefined,
      });
      if (!woke) write(": ping\n\n");
    }
  }, {
    signal: opts.signal,
    onError: (e) => opts.log?.(`Event stream of turn ${opts.turnId} failed`, e),
    onEnd: detach,
  });
}
