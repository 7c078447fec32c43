/**
 * GET /api/inbox/{id}?format=xlsx|pdf → 303 to the saved report's download
 * (`/api/reports/{report_id}` or `…/pdf`), which re-generates the file from its query
 * (rows bounded by its as-of instant, so the same file every time). Another user's item
 * is a 404, and so is the format the schedule did not make.
 */
import { BadRequestError, NotFoundError } from "../../../lib/web/errors.ts";
import { requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const user = requireUser(ctx.state);
    const item = await ctx.state.app.store.getInboxItem(user.id, ctx.params.id);
    if (!item) throw new NotFoundError("Inbox item not found");
    const format = new URL(req.url).searchParams.get("format") ??
      (item.format === "pdf" ? "pdf" : "xlsx");
    if (format !== "xlsx" && format !== "pdf") {
      throw new BadRequestError(`Unknown format "${format}": use xlsx or pdf`);
    }
    if (item.format !== "both" && item.format !== format) {
      throw new NotFoundError(`This report was delivered as ${item.format} only`);
    }
    const target = `/api/reports/${encodeURIComponent(item.report_id)}` +
      (format === "pdf" ? "/pdf" : "");
    return new Response(null, {
      status: 303,
      headers: { Location: target, "Cache-Control": "no-store" },
    });
  },
};
