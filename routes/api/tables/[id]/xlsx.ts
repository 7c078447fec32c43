/**
 * GET /api/tables/{id}/xlsx?sort=key&order=asc|desc → a table shown in the chat as an
 * `.xlsx` file, streamed (`Content-Disposition: attachment`): every row of its saved
 * query, the columns in the order shown, sorted as asked (else as shown). 404 unless it
 * is the current user's or shown in a conversation shared with them; 400 for a sort column the table does not have.
 */
import { notifyLongExport } from "../../../../lib/alerts/notify.ts";
import { EJSON } from "bson";
import {
  readTableSort,
  sortedPipeline,
  tablePipeline,
  TableRequestError,
} from "../../../../lib/reports/tables.ts";
import { xlsxDownload } from "../../../../lib/web/download.ts";
import { audit } from "../../../../lib/audit/audit.ts";
import { BadRequestError, HttpError } from "../../../../lib/web/errors.ts";
import { requireUser, sharedRead } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const saved = await sharedRead.table(ctx.state, ctx.params.id);
    if (!app.data) {
      throw new HttpError(503, "unavailable", "The data source is not available right now");
    }
    let meta = saved;
    try {
      const q = ctx.url.searchParams;
      const sort = readTableSort(q.get("sort"), q.get("order"), saved.columns);
      if (sort) {
        const pipeline = sortedPipeline(tablePipeline(saved), saved.columns, sort);
        meta = { ...saved, pipeline_ejson: EJSON.stringify(pipeline, { relaxed: true }) };
      }
    } catch (e) {
      if (e instanceof TableRequestError) throw new BadRequestError(e.message);
      throw e;
    }
    await audit(app, { kind: "report_download", user, target: saved.id, detail: "table xlsx" });
    // Like a report: the response waits for the first page; a later failure is visible.
    return await xlsxDownload({
      meta,
      client: app.data,
      exportReport: app.exportReport,
      signal: req.signal,
      log: app.log,
      onFinished: notifyLongExport(app, {
        owner: user.id,
        fileName: meta.file_name || `${meta.title}.xlsx`,
        link: ctx.url.pathname + ctx.url.search,
        thresholdMs: app.config.longExportNotifyMs,
      }),
    });
  },
};
