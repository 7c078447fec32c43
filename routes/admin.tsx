/**
 * The admin page (`/admin`, admins only — a supervisor gets the 403 page): the team's
 * users (add, disable/enable, reset a password, change a role) and the latest audit log
 * entries, filtered by `?user=&kind=&from=&to=` (the same filters as the CSV export).
 */
import type { JSX } from "preact";
import Admin from "../islands/Admin.tsx";
import { AUDIT_KINDS } from "../lib/audit/audit.ts";
import type { AuditEntry } from "../lib/kv.ts";
import { auditQuery, type UserView, userView } from "../lib/team/admin.ts";
import { requireAdmin } from "../lib/web/http.ts";
import type { AppState } from "../lib/web/state.ts";
import type { Handlers, PageProps } from "../lib/web/types.ts";

interface AdminData {
  username: string;
  timeZone: string;
  users: UserView[];
  entries: AuditEntry[];
  filters: { user: string; kind: string; from: string; to: string };
  kinds: string[];
}

/** How many audit entries the page shows. */
export const ADMIN_AUDIT_ROWS = 100;

/** GET: the page (403 for a supervisor; 400 for a bad filter). */
export const handler: Handlers<AdminData, AppState> = {
  async GET(_req, ctx) {
    const admin = requireAdmin(ctx.state);
    const store = ctx.state.app.store;
    const params = ctx.url.searchParams;
    const query = await auditQuery(store, params, ADMIN_AUDIT_ROWS);
    const get = (k: string) => (params.get(k) ?? "").trim().slice(0, 100);
    return ctx.render({
      username: admin.username,
      timeZone: ctx.state.app.config.tz,
      users: (await store.listUsers()).map(userView),
      entries: await store.listAudit(query),
      filters: { user: get("user"), kind: get("kind"), from: get("from"), to: get("to") },
      kinds: [...AUDIT_KINDS],
    });
  },
};

/** Renders the admin page. */
export default function AdminPage({ data }: PageProps<AdminData, AppState>): JSX.Element {
  return <Admin {...data} />;
}
