/**
 * GET /api/notifications/stream → `text/event-stream` of the user's notifications: an
 * `unread` event at once, each new `notification` live (also those made by other
 * instances), `unread` after every change, `: ping` when idle. Resumes after
 * `Last-Event-ID` (a notification id). One stream per open page.
 */
import { requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";
import { notificationStream, resumeAfterNotification } from "../../../lib/alerts/stream.ts";

export const handler: Handlers<unknown, AppState> = {
  GET(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    return notificationStream({
      store: app.store,
      owner: user.id,
      afterId: resumeAfterNotification(req, ctx.url),
      heartbeatMs: app.heartbeatMs,
      signal: req.signal,
      log: app.log,
    });
  },
};
