/**
 * GET /api/admin/audit?from&to&user&kind&limit → `{entries: [...]}`, newest first (at most
 * 200 unless `limit` says more, up to 10,000). Admins only.
 */
import { auditQuery } from "../../../lib/team/admin.ts";
import { json, requireAdmin } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    requireAdmin(ctx.state);
    const store = ctx.state.app.store;
    const query = await auditQuery(store, ctx.url.searchParams, 200);
    return json({ entries: await store.listAudit(query) });
  },
};
