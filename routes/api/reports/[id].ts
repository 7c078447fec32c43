/**
 * GET /api/reports/{id} → the report's `.xlsx`, streamed as it is produced
 * (`Content-Disposition: attachment`); 404 unless it is the current user's.
 */
import { HttpError, NotFoundError } from "../../../lib/web/errors.ts";
import { requireUser } from "../../../lib/web/http.ts";
import { contentDisposition, streamExport, XLSX_TYPE } from "../../../lib/web/download.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const meta = await app.store.getReport(user.id, ctx.params.id);
    if (!meta) throw new NotFoundError("Report not found");
    if (!app.data) {
      throw new HttpError(503, "unavailable", "The data source is not available right now");
    }
    const client = app.data;
    const body = await streamExport(
      (sink, signal) => app.exportReport(meta, client, sink, { signal }),
      req.signal,
      (e) => app.log(`Cannot export report ${meta.id}`, e),
    );
    return new Response(body, {
      status: 200,
      headers: {
        "Content-Type": XLSX_TYPE,
        "Content-Disposition": contentDisposition(meta.file_name || `${meta.title}.xlsx`),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  },
};
