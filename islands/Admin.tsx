/**
 * The admin page: the team's users (add, disable/enable, reset a password, change a role)
 * and the audit log with its filters and CSV export. Filters are a plain GET form: the
 * server renders the filtered entries, and the export link carries the same filters.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api } from "../components/api.ts";
import { PageHeader } from "../components/page_header.tsx";
import { messageTime } from "../components/time_format.ts";

/** A user as the admin API shows it. */
export interface AdminUser {
  username: string;
  role: "admin" | "supervisor";
  disabled: boolean;
  created_at: string;
  last_login_at: string | null;
}

/** One audit entry. */
export interface AdminAuditEntry {
  id: string;
  at: string;
  kind: string;
  username: string | null;
  address?: string | null;
  target?: string;
  detail?: string;
}

/** Props of the Admin island. */
export interface AdminProps {
  username: string;
  /** IANA business zone (the bell shows times in it). */
  timeZone: string;
  users: AdminUser[];
  entries: AdminAuditEntry[];
  filters: { user: string; kind: string; from: string; to: string };
  kinds: string[];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An instant in the business zone ("23 Nov, 14:32 IST"), the full time on hover. */
function When({ iso, tz }: { iso: string | null; tz: string }): JSX.Element {
  const t = iso ? messageTime(iso, { timeZone: tz, now: new Date() }) : null;
  if (!iso || !t) return <>—</>;
  return <time dateTime={iso} title={t.title}>{t.text}</time>;
}

/** The Admin island. */
export default function Admin(p: AdminProps): JSX.Element {
  const [users, setUsers] = useState<AdminUser[]>(p.users);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<"admin" | "supervisor">("supervisor");
  const [resetFor, setResetFor] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState("");
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>, done: string): Promise<void> {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      setNotice(done);
    } catch (e) {
      setProblem(message(e));
    } finally {
      setBusy(false);
    }
  }

  const replace = (u: AdminUser) =>
    setUsers((list) => list.map((x) => x.username === u.username ? u : x));

  function add(e: Event): void {
    e.preventDefault();
    run(async () => {
      const u = await api<AdminUser>("/api/admin/users", {
        method: "POST",
        body: { username: name.trim(), password, role },
      });
      setUsers((list) => [...list, u].sort((a, b) => a.username.localeCompare(b.username)));
      setName("");
      setPassword("");
    }, `User ${name.trim()} added`);
  }

  function patch(u: AdminUser, body: Record<string, unknown>, done: string): void {
    run(async () => {
      replace(
        await api<AdminUser>(`/api/admin/users/${encodeURIComponent(u.username)}`, {
          method: "PATCH",
          body,
        }),
      );
    }, done);
  }

  function reset(e: Event): void {
    e.preventDefault();
    const who = resetFor;
    if (!who) return;
    run(async () => {
      await api(`/api/admin/users/${encodeURIComponent(who)}/password`, {
        method: "POST",
        body: { password: newPassword },
      });
      setResetFor(null);
      setNewPassword("");
    }, `Password of ${who} reset; their sessions are signed out`);
  }

  const csv = new URLSearchParams(
    Object.entries(p.filters).filter(([, v]) => v !== ""),
  ).toString();

  return (
    <div class="sched-page admin-page">
      <PageHeader
        current="admin"
        username={p.username}
        timeZone={p.timeZone}
        isAdmin
      />
      <main class="sched-main admin-main" aria-labelledby="admin-title">
        <h1 id="admin-title">Team</h1>
        {problem && <div class="banner sched-banner" role="alert">{problem}</div>}
        <div class="visually-hidden" role="status" aria-live="polite">{notice}</div>
        <section class="admin-section" aria-labelledby="admin-users">
          <h2 id="admin-users">Users</h2>
          <div class="admin-scroll" role="region" aria-labelledby="admin-users" tabIndex={0}>
            <table class="admin-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.username} data-user={u.username}>
                    <td>{u.username}</td>
                    <td>
                      <select
                        aria-label={`Role of ${u.username}`}
                        value={u.role}
                        disabled={busy}
                        onChange={(e) =>
                          patch(
                            u,
                            { role: (e.target as HTMLSelectElement).value },
                            `${u.username}'s role changed`,
                          )}
                      >
                        <option value="supervisor">Supervisor</option>
                        <option value="admin">Admin</option>
                      </select>
                    </td>
                    <td>{u.disabled ? "Disabled" : "Active"}</td>
                    <td>
                      <When iso={u.created_at} tz={p.timeZone} />
                    </td>
                    <td>
                      <When iso={u.last_login_at} tz={p.timeZone} />
                    </td>
                    <td class="admin-actions">
                      <button
                        type="button"
                        class="button button-small button-secondary"
                        disabled={busy}
                        onClick={() =>
                          patch(
                            u,
                            { disabled: !u.disabled },
                            `${u.username} ${u.disabled ? "enabled" : "disabled"}`,
                          )}
                      >
                        {u.disabled ? "Enable" : "Disable"}
                      </button>
                      <button
                        type="button"
                        class="button button-small button-ghost"
                        disabled={busy}
                        onClick={() => setResetFor(u.username)}
                      >
                        Reset password
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {resetFor && (
            <form class="admin-form" onSubmit={reset}>
              <label>
                New password for {resetFor}
                <input
                  type="password"
                  autocomplete="new-password"
                  minLength={12}
                  required
                  value={newPassword}
                  onInput={(e) => setNewPassword((e.target as HTMLInputElement).value)}
                />
              </label>
              <button type="submit" class="button button-primary" disabled={busy}>
                Set password
              </button>
              <button type="button" class="button button-ghost" onClick={() => setResetFor(null)}>
                Cancel
              </button>
            </form>
          )}
          <h3>Add a user</h3>
          <form class="admin-form" onSubmit={add} aria-label="Add a user">
            <label>
              Name
              <input
                name="username"
                required
                maxLength={64}
                value={name}
                onInput={(e) => setName((e.target as HTMLInputElement).value)}
              />
            </label>
            <label>
              Password (at least 12 characters)
              <input
                name="password"
                type="password"
                autocomplete="new-password"
                minLength={12}
                required
                value={password}
                onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
              />
            </label>
            <label>
              Role
              <select
                name="role"
                value={role}
                onChange={(e) =>
                  setRole((e.target as HTMLSelectElement).value as "admin" | "supervisor")}
              >
                <option value="supervisor">Supervisor</option>
                <option value="admin">Admin</option>
              </select>
            </label>
            <button type="submit" class="button button-primary" disabled={busy}>Add user</button>
          </form>
        </section>
        <section class="admin-section" aria-labelledby="admin-audit">
          <h2 id="admin-audit">Audit log</h2>
          <form class="admin-form" method="get" action="/admin" aria-label="Filter the audit log">
            <label>
              User
              <input name="user" value={p.filters.user} />
            </label>
            <label>
              Kind
              <select name="kind" value={p.filters.kind}>
                <option value="">Any</option>
                {p.kinds.map((k) => <option key={k} value={k}>{k}</option>)}
              </select>
            </label>
            <label>
              From
              <input name="from" type="date" value={p.filters.from} />
            </label>
            <label>
              To
              <input name="to" type="date" value={p.filters.to} />
            </label>
            <button type="submit" class="button button-secondary">Filter</button>
            <a class="button button-ghost" href={`/api/admin/audit.csv${csv ? `?${csv}` : ""}`}>
              Export CSV
            </a>
          </form>
          {p.entries.length === 0
            ? <p class="sched-muted">No entries.</p>
            : (
              <div class="admin-scroll" role="region" aria-labelledby="admin-audit" tabIndex={0}>
                <table class="admin-table admin-audit">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Kind</th>
                      <th scope="col">User</th>
                      <th scope="col">Address</th>
                      <th scope="col">Target</th>
                      <th scope="col">Detail</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.entries.map((e) => (
                      <tr key={e.id}>
                        <td>
                          <When iso={e.at} tz={p.timeZone} />
                        </td>
                        <td>{e.kind}</td>
                        <td>{e.username ?? "—"}</td>
                        <td>{e.address ?? ""}</td>
                        <td>{e.target ?? ""}</td>
                        <td>{e.detail ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
        </section>
      </main>
    </div>
  );
}
