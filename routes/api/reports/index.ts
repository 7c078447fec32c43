/** GET /api/reports → `{reports: [{id, title, rows, created_at, file_name, download}]}`. */
import { json, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const reports = await ctx.state.app.store.listReports(user.id);
    return json({
      reports: reports.map((r) => ({
        id: r.id,
        title: r.title,
        rows: r.rows,
        created_at: r.created_at,
        file_name: r.file_name,
        download: `/api/reports/${encodeURIComponent(r.id)}`,
      })),
    });
  },
};
