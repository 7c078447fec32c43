/**
 * A user's notification stream (`text/event-stream`), one per open page: first an
 * `unread` event with the unread count, then each new notification as a `notification`
 * event (`id:` its id, `data:` its JSON) followed by the new `unread` count; marking
 * notifications read elsewhere sends the new count. Resumes after `Last-Event-ID` (a
 * notification id). Idle streams get a `: ping` comment every `heartbeatMs`, as turn
 * streams do (`lib/web/sse.ts`); writing stops when the client goes away.
 *
 * Across instances: the stream waits on the user's change counter in KV — a local write
 * wakes it at once, another instance's through a KV watch where KV sees other writers,
 * and a poll (at most 1 s) covers a local file shared by processes.
 */
import type { Store } from "../kv.ts";
import { BadRequestError } from "../web/errors.ts";
import { sseResponse } from "../web/sse.ts";
import type { Notification } from "./types.ts";

/** The notification id to resume after (`Last-Event-ID`, else `?last_event_id=`), or null. */
export function resumeAfterNotification(req: Request, url: URL): string | null {
  const raw = (req.headers.get("last-event-id") ?? url.searchParams.get("last_event_id") ?? "")
    .trim();
  if (!raw) return null;
  if (!/^n_\d{13}_[0-9a-f]{16}$/.test(raw)) {
    throw new BadRequestError("Last-Event-ID must be the id of a notification");
  }
  return raw;
}

/** Options of {@linkcode notificationStream}. */
export interface NotificationStreamOptions {
  store: Store;
  owner: string;
  /** Resume after this notification id; null: only what arrives from now on. */
  afterId: string | null;
  heartbeatMs: number;
  /** Poll of the change counter (default and at most 1 s). */
  pollMs?: number;
  /** The request's signal: the stream stops when the client goes away. */
  signal?: AbortSignal;
  log?: (message: string, error?: unknown) => void;
}

/** Formats a notification as an SSE message. */
export function formatNotification(n: Notification): string {
  return `id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`;
}

/** The SSE response of `owner`'s notifications. */
export function notificationStream(opts: NotificationStreamOptions): Response {
  const pollMs = Math.min(opts.pollMs ?? 1000, 1000);
  return sseResponse(async (write, stop) => {
    const unread = async () =>
      write(
        `event: unread\ndata: ${
          JSON.stringify({ unread: await opts.store.countUnreadNotifications(opts.owner) })
        }\n\n`,
      );
    let seen = await opts.store.notificationSignal(opts.owner);
    let last = opts.afterId ??
      (await opts.store.listNotifications(opts.owner, { limit: 1 }))[0]?.id ?? "n_";
    write("retry: 2000\n\n");
    // Replayed after Last-Event-ID (up to 100), then the count.
    let fresh = opts.afterId
      ? await opts.store.listNotifications(opts.owner, { after: last, limit: 100 })
      : [];
    for (;;) {
      for (const n of fresh) {
        if (!write(formatNotification(n))) break;
        last = n.id;
      }
      if (!(await unread())) break;
      let woke = false;
      while (!woke && !stop.aborted) {
        woke = await opts.store.waitForNotifications(opts.owner, seen, {
          signal: stop,
          timeoutMs: opts.heartbeatMs,
          pollMs,
        });
        if (woke || stop.aborted) break;
        // Re-read (throws once the store is closed, ending the stream).
        if ((await opts.store.notificationSignal(opts.owner)) !== seen) woke = true;
        else if (!write(": ping\n\n")) break;
      }
      if (stop.aborted) break;
      seen = await opts.store.notificationSignal(opts.owner);
      fresh = await opts.store.listNotifications(opts.owner, { after: last, limit: 100 });
    }
  }, {
    signal: opts.signal,
    onError: (e) => opts.log?.(`Notification stream of ${opts.owner} failed`, e),
  });
}
