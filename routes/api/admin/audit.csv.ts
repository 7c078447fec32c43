/**
 * GET /api/admin/audit.csv?from&to&user&kind → the audit log as CSV (newest first, at most
 * 10,000 entries), an attachment; cells that start like a formula are neutralised. Admins
 * only.
 */
import { auditCsv } from "../../../lib/audit/audit.ts";
import { auditQuery, MAX_AUDIT_ENTRIES } from "../../../lib/team/admin.ts";
import { requireAdmin } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    requireAdmin(ctx.state);
    const app = ctx.state.app;
    const query = await auditQuery(app.store, ctx.url.searchParams, MAX_AUDIT_ENTRIES);
    const day = app.clock().toISOString().slice(0, 10);
    return new Response(auditCsv(await app.store.listAudit(query)), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-${day}.csv"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  },
};
