/**
 * GET /api/reports/{id}/pdf → the report as a `.pdf`, streamed as it is drawn
 * (`Content-Disposition: attachment`, the Excel file's name ending in `.pdf`); 404 unless
 * it is the current user's or shared with them, exactly as the Excel download (`../[id].ts`).
 *
 * The response starts only once the data source has answered the first page: a source
 * that fails before that gives a JSON error (500) and no file; a failure later ends the
 * body with an error (a failed download, logged), never a `200` with a cut file.
 */
import { notifyLongExport } from "../../../../lib/alerts/notify.ts";
import { audit } from "../../../../lib/audit/audit.ts";
import { HttpError } from "../../../../lib/web/errors.ts";
import { requireUser, sharedRead } from "../../../../lib/web/http.ts";
import { contentDisposition, firstPageGate, streamExport } from "../../../../lib/web/download.ts";
import { exportReportPdf, PDF_TYPE, pdfFileName } from "../../../../lib/reports/pdf.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const meta = await sharedRead.report(ctx.state, ctx.params.id);
    if (!app.data) {
      throw new HttpError(503, "unavailable", "The data source is not available right now");
    }
    await audit(app, { kind: "report_download", user, target: meta.id, detail: "pdf" });
    const gate = firstPageGate(app.data);
    const t0 = performance.now();
    const finished = notifyLongExport(app, {
      owner: user.id,
      fileName: pdfFileName(meta),
      link: ctx.url.pathname,
      thresholdMs: app.config.longExportNotifyMs,
    });
    const body = await streamExport(
      (sink, signal) => exportReportPdf(meta, gate.client, sink, { signal }),
      req.signal,
      (e) => app.log(`Cannot export ${meta.id} as PDF: the download was cut off`, e),
      { ready: gate.ready, onFinished: () => finished(performance.now() - t0) },
    );
    return new Response(body, {
      status: 200,
      headers: {
        "Content-Type": PDF_TYPE,
        "Content-Disposition": contentDisposition(pdfFileName(meta), ".pdf"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  },
};
