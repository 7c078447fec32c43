/**
 * The notification bell of the top navigation: the unread count, a dropdown (a bottom
 * sheet on a phone) of the recent notifications with their time in the business zone and
 * a link to the page they concern, "Mark all read", and the ones shown marked read when it
 * opens. Notifications arrive live over ONE `EventSource('/api/notifications/stream')` per
 * page (shared by every bell of the page; the browser reconnects with `Last-Event-ID`), and
 * become browser notifications where the user allowed them — permission is asked only
 * from the "Enable desktop notifications" action, never on page load.
 */
import type { JSX } from "preact";
import { signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.ts";
import { messageTime } from "./time_format.ts";

/** A notification as the API sends it (`GET /api/notifications`, the stream). */
export interface NotificationView {
  id: string;
  kind: "alert" | "report" | string;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
  alert_id?: string;
  firing_id?: string;
  schedule_id?: string;
}

/** How many notifications the dropdown lists. */
export const BELL_LIST_LIMIT = 20;

/** Where a notification leads: an alert's firing log, the schedules inbox, or its link. */
export function notificationHref(n: NotificationView): string | null {
  if (n.kind === "alert" && n.alert_id) return `/alerts#alert-${encodeURIComponent(n.alert_id)}`;
  if (n.kind === "report") return "/schedules#sched-inbox-title";
  return n.link && n.link.startsWith("/") && !n.link.startsWith("//") ? n.link : null;
}

/** The label of the bell button: "Notifications, 3 unread". */
export function bellLabel(unread: number): string {
  return unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
}

/** Adds `fresh` (newest first) to `list` without duplicates, newest first, capped. */
export function mergeNotifications(
  list: NotificationView[],
  fresh: NotificationView[],
): NotificationView[] {
  const byId = new Map<string, NotificationView>();
  for (const n of [...fresh, ...list]) if (!byId.has(n.id)) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(
    0,
    BELL_LIST_LIMIT,
  );
}

// One feed per page, whatever the number of bells.
const unreadCount = signal(0);
const items = signal<NotificationView[]>([]);
const loaded = signal(false);
const connected = signal(false);
let source: EventSource | null = null;
let users = 0;

function showDesktop(n: NotificationView): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  try {
    const d = new Notification(n.title, { body: n.body, tag: n.id });
    const href = notificationHref(n);
    d.onclick = () => {
      globalThis.focus();
      if (href) location.assign(href);
    };
  } catch {
    // Some browsers only show notifications from a service worker: the bell still has it.
  }
}

function connect(): void {
  users++;
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/notifications/stream");
  source.addEventListener("open", () => (connected.value = true));
  source.addEventListener("error", () => (connected.value = false));
  source.addEventListener("unread", (e) => {
    try {
      const n = JSON.parse((e as MessageEvent).data).unread;
      if (typeof n === "number") unreadCount.value = n;
    } catch { /* a malformed event is ignored */ }
  });
  source.addEventListener("notification", (e) => {
    let n: NotificationView;
    try {
      n = JSON.parse((e as MessageEvent).data);
    } catch {
      return;
    }
    const known = items.value.some((x) => x.id === n.id);
    items.value = mergeNotifications(items.value, [n]);
    if (!known && !n.read_at) showDesktop(n);
  });
}

function disconnect(): void {
  users = Math.max(0, users - 1);
  if (users === 0 && source) {
    source.close();
    source = null;
    connected.value = false;
  }
}

async function load(): Promise<void> {
  const r = await api<{ notifications: NotificationView[]; unread: number }>(
    `/api/notifications?limit=${BELL_LIST_LIMIT}`,
  );
  items.value = mergeNotifications(items.value, r.notifications);
  unreadCount.value = r.unread;
  loaded.value = true;
}

async function markRead(body: { ids: string[] } | { all: true }): Promise<void> {
  const r = await api<{ unread: number }>("/api/notifications/read", { method: "POST", body });
  const now = new Date().toISOString();
  const ids = "ids" in body ? new Set(body.ids) : null;
  items.value = items.value.map((n) =>
    !n.read_at && (!ids || ids.has(n.id)) ? { ...n, read_at: now } : n
  );
  unreadCount.value = r.unread;
}

function IconBell(): JSX.Element {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** Props of {@linkcode NotificationBell}. */
export interface NotificationBellProps {
  /** IANA business zone: times are shown in it (the browser's when undefined). */
  timeZone?: string;
}

/** The bell with its dropdown. */
export function NotificationBell({ timeZone }: NotificationBellProps): JSX.Element {
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [permission, setPermission] = useState<string>("unsupported");
  // Ids that were unread when the list opened: highlighted while it stays open.
  const [fresh, setFresh] = useState<string[]>([]);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    connect();
    if (typeof Notification !== "undefined") setPermission(Notification.permission);
    return disconnect;
  }, []);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  // Marks what is shown read when the list opens (and what arrives while it is open).
  const list = items.value;
  useEffect(() => {
    if (!open || !loaded.value) return;
    const unreadIds = list.filter((n) => !n.read_at).map((n) => n.id);
    if (!unreadIds.length) return;
    setFresh((f) => [...f, ...unreadIds.filter((id) => !f.includes(id))]);
    markRead({ ids: unreadIds }).catch((e) => setProblem(String(e?.message ?? e)));
  }, [open, loaded.value, list]);

  const toggle = async () => {
    if (open) return close();
    setOpen(true);
    setFresh([]);
    setProblem(null);
    requestAnimationFrame(() => panel.current?.focus());
    try {
      await load();
    } catch (e) {
      setProblem(`The notifications did not load: ${(e as Error).message}`);
    }
  };
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const enableDesktop = async () => {
    if (typeof Notification === "undefined") return;
    setPermission(await Notification.requestPermission());
  };

  const unread = unreadCount.value;
  const now = new Date();
  return (
    <div
      class={`bell${open ? " is-open" : ""}`}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        class="icon-button bell-button"
        aria-label={bellLabel(unread)}
        aria-expanded={open ? "true" : "false"}
        aria-controls="bell-panel"
        aria-haspopup="true"
        title="Notifications"
        onClick={toggle}
      >
        <IconBell />
        {unread > 0 && (
          <span class="bell-badge" data-count={unread} aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <button
          type="button"
          class="bell-backdrop"
          aria-label="Close the notifications"
          tabIndex={-1}
          onClick={close}
        />
      )}
      <div
        id="bell-panel"
        ref={panel}
        class="bell-panel"
        role="region"
        aria-label="Notifications"
        tabIndex={-1}
        hidden={!open}
      >
        <div class="bell-head">
          <h2 class="bell-title">Notifications</h2>
          <button
            type="button"
            class="button button-ghost bell-mark"
            disabled={unread === 0}
            onClick={() =>
              markRead({ all: true }).catch((e) => setProblem(String(e?.message ?? e)))}
          >
            Mark all read
          </button>
          <button
            type="button"
            class="icon-button bell-close"
            aria-label="Close the notifications"
            onClick={close}
          >
            <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
              <path
                d="M6 6l12 12M18 6L6 18"
                stroke="currentColor"
                stroke-width="2"
                stroke-linecap="round"
              />
            </svg>
          </button>
        </div>
        {problem && <p class="bell-problem" role="alert">{problem}</p>}
        {!loaded.value && !problem && <p class="bell-empty" role="status">Loading…</p>}
        {loaded.value && list.length === 0 && (
          <p class="bell-empty">
            Nothing yet. Alerts you set up and scheduled reports that are ready show here.
          </p>
        )}
        {list.length > 0 && (
          <ul class="bell-list" aria-label="Recent notifications">
            {list.map((n) => {
              const t = messageTime(n.created_at, { timeZone, now });
              const href = notificationHref(n);
              const isNew = !n.read_at || fresh.includes(n.id);
              return (
                <li key={n.id} class={`bell-item kind-${n.kind}${isNew ? " is-new" : ""}`}>
                  {isNew && <span class="visually-hidden">New:</span>}
                  <div class="bell-item-title">
                    {href ? <a href={href} onClick={() => setOpen(false)}>{n.title}</a> : n.title}
                  </div>
                  <p class="bell-item-body">{n.body}</p>
                  {t && (
                    <time class="bell-item-time" dateTime={n.created_at} title={t.title}>
                      {t.text}
                    </time>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <div class="bell-foot">
          <a href="/alerts" class="bell-foot-link">Manage alerts</a>
          {permission === "default" && (
            <button type="button" class="button button-ghost bell-desktop" onClick={enableDesktop}>
              Enable desktop notifications
            </button>
          )}
          {permission === "granted" && (
            <span class="bell-desktop-on">
              Desktop notifications on
            </span>
          )}
          {permission === "denied" && (
            <span class="bell-desktop-on">Desktop notifications are blocked in this browser</span>
          )}
        </div>
      </div>
    </div>
  );
}
