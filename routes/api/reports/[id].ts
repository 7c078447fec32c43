/**
 * GET /api/reports/{id} → the report's `.xlsx`, streamed as it is produced
 * (`Content-Disposition: attachment`); 404 unless it is the current user's or shown in a
 * conversation shared with them (`sharedRead`). Each download is audited.
 *
 * The response starts only once the data source has answered the first page: a source
 * that fails before that gives a JSON error (500) and no file. A failure later ends the
 * body with an error (the browser shows a failed download, the server logs it), never a
 * `200` with a cut file.
 */
import { audit } from "../../../lib/audit/audit.ts";
import { notifyLongExport } from "../../../lib/alerts/notify.ts";
import { HttpError } from "../../../lib/web/errors.ts";
import { requireUser, sharedRead } from "../../../lib/web/http.ts";
import { xlsxDownload } from "../../../lib/web/download.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const meta = await sharedRead.report(ctx.state, ctx.params.id);
    if (!app.data) {
      throw new HttpError(503, "unavailable", "The data source is not available right now");
    }
    await audit(app, { kind: "report_download", user, target: meta.id, detail: "xlsx" });
    return await xlsxDownload({
      meta,
      client: app.data,
      exportReport: app.exportReport,
      signal: req.signal,
      log: app.log,
      onFinished: notifyLongExport(app, {
        owner: user.id,
        fileName: meta.file_name || `${meta.title}.xlsx`,
        link: ctx.url.pathname,
        thresholdMs: app.config.longExportNotifyMs,
      }),
    });
  },
};
