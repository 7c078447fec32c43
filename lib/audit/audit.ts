/**
 * The audit log: who signed in (or failed to), signed out, downloaded a report, changed a
 * schedule or an alert, managed users or shared a conversation. Entries are appended to KV
 * (`["audit", ms, id]`, and `["audit_by_user", user, ms, id]`), never changed; admins read
 * them on /admin and export them as CSV.
 */
import { csvCell } from "../feedback.ts";
import { type AuditEntry, newId, type Store } from "../kv.ts";

/** The kinds of entries written. */
export const AUDIT_KINDS = [
  "login",
  "login_failed",
  "logout",
  "report_download",
  "schedule_create",
  "schedule_update",
  "schedule_delete",
  "alert_create",
  "alert_update",
  "alert_delete",
  "user_add",
  "user_role",
  "user_disable",
  "user_enable",
  "user_password_reset",
  "share",
  "unshare",
] as const;

/** One kind of audit entry. */
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** What happened (the time and id are added). */
export interface AuditEvent {
  kind: AuditKind;
  /** Who did it (null or absent: nobody signed in). */
  user?: { id: string; username: string } | null;
  /** The username tried, for a failed sign-in of an unknown user. */
  username?: string;
  address?: string | null;
  target?: string;
  detail?: string;
}

/** What {@linkcode audit} needs of the app. */
export interface AuditSink {
  store: Pick<Store, "appendAudit">;
  clock: () => Date;
  log: (message: string, error?: unknown) => void;
}

/**
 * Appends an entry. Never throws: a failed write is logged and the request goes on (the
 * action itself has already happened).
 */
export async function audit(app: AuditSink, event: AuditEvent): Promise<void> {
  const entry: AuditEntry = {
    id: newId("a"),
    at: app.clock().toISOString(),
    kind: event.kind,
    user_id: event.user?.id ?? null,
    username: event.user?.username ?? event.username?.slice(0, 100) ?? null,
  };
  if (event.address !== undefined) entry.address = event.address;
  if (event.target !== undefined) entry.target = event.target;
  if (event.detail !== undefined) entry.detail = event.detail;
  try {
    await app.store.appendAudit(entry);
  } catch (e) {
    app.log(`Cannot write the audit entry ${event.kind}`, e);
  }
}

/** The columns of the CSV export. */
export const AUDIT_CSV_COLUMNS = [
  "at",
  "kind",
  "user",
  "address",
  "target",
  "detail",
  "id",
] as const;

/**
 * The export: a header line, then one line per entry (CRLF, RFC 4180); cells that start
 * like a formula are neutralised by the app's CSV helper ({@linkcode csvCell}).
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(",")];
  for (const e of entries) {
    const row: Record<(typeof AUDIT_CSV_COLUMNS)[number], string> = {
      at: e.at,
      kind: e.kind,
      user: e.username ?? "",
      address: e.address ?? "",
      target: e.target ?? "",
      detail: e.detail ?? "",
      id: e.id,
    };
    lines.push(AUDIT_CSV_COLUMNS.map((c) => csvCell(row[c])).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
