/**
 * GET /api/inbox → `{items: [{id, title, period_label, format, headline, created_at,
 * downloads: {xlsx?, pdf?}}]}`, newest first: scheduled reports delivered in the app
 * (when no SMTP server is configured, or a schedule has no recipients).
 */
import { json, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";
import type { InboxItem } from "../../../lib/schedules/types.ts";

/** The download links of an inbox item, by format. */
export function inboxDownloads(item: InboxItem): Record<string, string> {
  const base = `/api/inbox/${encodeURIComponent(item.id)}`;
  const out: Record<string, string> = {};
  if (item.format !== "pdf") out.xlsx = `${base}?format=xlsx`;
  if (item.format !== "xlsx") out.pdf = `${base}?format=pdf`;
  return out;
}

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const items = await ctx.state.app.store.listInbox(user.id);
    return json({
      items: items.map((i) => ({
        id: i.id,
        title: i.title,
        period_label: i.period_label,
        format: i.format,
        headline: i.headline,
        schedule_id: i.schedule_id,
        created_at: i.created_at,
        downloads: inboxDownloads(i),
      })),
    });
  },
};
