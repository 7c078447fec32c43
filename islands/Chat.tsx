/**
 * The chat page: conversations in a sidebar (a drawer on phones), the open conversation's
 * turns streaming in, and the question box. Keyboard: Enter sends, Shift+Enter adds a
 * line, Esc stops the answer (or closes the drawer), Ctrl/Cmd+K starts a new conversation.
 */
import type { JSX } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { useSignal, useSignalEffect } from "@preact/signals";
import type { ConversationSummary } from "../components/chat_state.ts";
import { createChatStore } from "../components/chat_store.ts";
import { Composer } from "../components/composer.tsx";
import { ConversationList } from "../components/conversation_list.tsx";
import { EmptyState } from "../components/empty_state.tsx";
import {
  IconArrowDown,
  IconHeadset,
  IconLogout,
  IconMenu,
  IconPlus,
  IconX,
} from "../components/icons.tsx";
import { TurnView } from "../components/turn_view.tsx";
import { IconClock } from "../components/schedule_list.tsx";
import { NotificationBell } from "../components/notification_bell.tsx";
import { ExploreButton } from "../components/explore.tsx";
import { PickerContext, type PickerHost, pickerLoaders } from "../components/picker_context.ts";
import type { ReportCall } from "../lib/agent/pickers.ts";
import { type SharedSummary, SharePanel } from "../components/share_panel.tsx";

/** Props of the Chat island. */
export interface ChatProps {
  /** The signed-in user's name. */
  username: string;
  /** The conversation to open first (from `?c=` in the address). */
  conversationId?: string;
  /** The conversation list, when the server rendered it (else it is fetched). */
  conversations?: ConversationSummary[];
  /** IANA business time zone: message times are shown in it (default: the browser's). */
  timeZone?: string;
  /** Conversations teammates shared read-only with the user. */
  shared?: SharedSummary[];
  /** Admins get a link to /admin. */
  isAdmin?: boolean;
}

const PINNED_SLACK = 80;
/** Space kept above a question scrolled to the top of the thread (px). */
const ANCHOR_GAP = 16;
/** Anchor request: the last turn of the conversation (after it loads). */
const LAST_TURN = "\u0000last";
const PRODUCT = "Contact Center Assistant";

function conversationFromLocation(): string | null {
  return new URL(location.href).searchParams.get("c");
}

function navigate(id: string | null, mode: "push" | "replace"): void {
  const url = new URL(location.href);
  if (id === null) url.searchParams.delete("c");
  else url.searchParams.set("c", id);
  if (url.href === location.href) return;
  if (mode === "push") history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

/** The chat island. */
export default function Chat(
  { username, conversationId, conversations, timeZone, shared, isAdmin }: ChatProps,
): JSX.Element {
  const [sharedList, setSharedList] = useState<SharedSummary[]>(shared ?? []);
  const [sharing, setSharing] = useState(false);
  const store = useMemo(
    () =>
      createChatStore({
        onNavigate: navigate,
        onSignedOut: () => location.assign("/login"),
        conversations,
        conversationId,
      }),
    [],
  );
  const draft = useSignal("");
  const drawerOpen = useSignal(false);
  const loaders = useMemo(() => pickerLoaders(), []);
  // Reading order: a new question is scrolled to the top of the thread (its answer then
  // grows below it, the user scrolls down to tables and charts). The thread follows the
  // stream only while the user keeps it scrolled to the bottom (`pinned`).
  const pinned = useRef(false);
  /** The turn (view key, or LAST_TURN) to bring to the top at the next render. */
  const anchor = useRef<string | null>(conversationId ? LAST_TURN : null);
  /** The scrollTop the page set itself; the scroll event it causes is not the user's. */
  const ownScroll = useRef<number | null>(null);
  /** The turn asked here: it keeps a viewport of room so its question can sit at the top. */
  const [roomFor, setRoomFor] = useState<string | null>(null);
  const [showJump, setShowJump] = useState(false);
  const [now, setNow] = useState(() => new Date());
  const input = useRef<HTMLTextAreaElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);
  const sidebar = useRef<HTMLElement>(null);

  const focusInput = () => queueMicrotask(() => input.current?.focus());

  // Start: list, first conversation, history navigation, clock for "5 min ago".
  useEffect(() => {
    if (!conversations) store.loadConversations();
    const first = conversationId ?? conversationFromLocation();
    if (first) {
      anchor.current = LAST_TURN;
      store.openConversation(first, "none");
    }
    const onPop = () => {
      const id = conversationFromLocation();
      resetReading(id ? LAST_TURN : null);
      if (id) store.openConversation(id, "none");
      else store.newConversation("none");
    };
    addEventListener("popstate", onPop);
    const timer = setInterval(() => setNow(new Date()), 30_000);
    focusInput();
    return () => {
      removeEventListener("popstate", onPop);
      clearInterval(timer);
      store.dispose();
    };
  }, []);

  // Conversations shared with me: fetched again, so a revoked one leaves the list.
  useEffect(() => {
    fetch("/api/conversations", { headers: { Accept: "application/json" } })
      .then((r) => r.ok ? r.json() : null)
      .then((b) => b?.shared_with_me && setSharedList(b.shared_with_me))
      .catch(() => {});
  }, []);

  // Global shortcuts.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        startNew();
      } else if (e.key === "Escape") {
        if (drawerOpen.value) {
          e.preventDefault();
          closeDrawer();
        } else if (store.running.value) {
          e.preventDefault();
          store.stop();
        }
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  // The room a new question needs to sit at the top: the thread's visible height.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => el.style.setProperty("--view-h", `${el.clientHeight}px`);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Bring an asked (or reopened) question to the top; else follow the stream only while
  // the user is at the bottom, and offer a jump to the latest otherwise.
  const turns = store.turns.value;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current !== null) {
      const key = anchor.current === LAST_TURN ? turns.at(-1)?.key : anchor.current;
      const node = key ? el.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) : null;
      if (!node) return;
      anchor.current = null;
      const top = node.getBoundingClientRect().top - el.getBoundingClientRect().top +
        el.scrollTop - ANCHOR_GAP;
      scrollThread(Math.max(0, Math.min(top, el.scrollHeight - el.clientHeight)));
      return;
    }
    if (pinned.current) scrollThread(el.scrollHeight - el.clientHeight);
    else if (store.running.value && !isAtBottom(el)) setShowJump(true);
  }, [turns]);

  // The drawer exists only on narrow screens: close it when the window grows.
  useEffect(() => {
    const wide = matchMedia("(min-width: 769px)");
    const onChange = () => {
      if (wide.matches) drawerOpen.value = false;
    };
    wide.addEventListener("change", onChange);
    return () => wide.removeEventListener("change", onChange);
  }, []);

  // The tab title follows the open conversation.
  useSignalEffect(() => {
    const title = store.currentTitle.value;
    document.title = store.currentId.value ? `${title} · ${PRODUCT}` : PRODUCT;
  });

  // Move focus into the drawer when it opens: after the render that makes it visible (a
  // hidden element cannot take focus, and a microtask could run before that render).
  const isDrawerOpen = drawerOpen.value;
  useEffect(() => {
    if (isDrawerOpen) sidebar.current?.querySelector<HTMLElement>(".new-button")?.focus();
  }, [isDrawerOpen]);

  function isAtBottom(el: HTMLElement): boolean {
    return el.scrollHeight - el.scrollTop - el.clientHeight < PINNED_SLACK;
  }

  function scrollThread(top: number): void {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = top;
    ownScroll.current = el.scrollTop;
  }

  /** Forgets the reading position (another conversation opens): anchor `next` there. */
  function resetReading(next: string | null): void {
    anchor.current = next;
    pinned.current = false;
    setRoomFor(null);
    setShowJump(false);
  }

  function onScroll(): void {
    const el = scroller.current;
    if (!el) return;
    // The page's own scrolling (to a question) is not the user reaching the bottom.
    if (ownScroll.current !== null && Math.abs(el.scrollTop - ownScroll.current) < 2) return;
    ownScroll.current = null;
    const atBottom = isAtBottom(el);
    pinned.current = atBottom;
    if (atBottom) setShowJump(false);
  }

  function jumpToLatest(): void {
    pinned.current = true;
    setShowJump(false);
    const el = scroller.current;
    if (el) scrollThread(el.scrollHeight - el.clientHeight);
  }

  function closeDrawer(): void {
    drawerOpen.value = false;
    // After the re-render that lifts `inert` from the main pane.
    setTimeout(() => menuButton.current?.focus(), 0);
  }

  function startNew(): void {
    store.newConversation();
    drawerOpen.value = false;
    draft.value = "";
    resetReading(null);
    focusInput();
  }

  /** Asks `text` as a new turn (the composer, an example, Retry, an edited question). */
  function send(text = draft.value, fromComposer = true): void {
    if (store.running.value || text.trim() === "") return;
    pinned.current = false;
    setShowJump(false);
    if (fromComposer) draft.value = "";
    store.ask(text);
    // ask() adds the turn at once: bring its question to the top at the next render.
    const asked = store.turns.value.at(-1)?.key ?? null;
    anchor.current = asked;
    setRoomFor(asked);
    focusInput();
  }

  /** Runs a report changed with an answer's pickers or built with Explore, as a new turn. */
  function runReport(report: ReportCall, label: string): void {
    if (store.running.value) return;
    pinned.current = false;
    setShowJump(false);
    store.runReport(report, label);
    const asked = store.turns.value.at(-1)?.key ?? null;
    anchor.current = asked;
    setRoomFor(asked);
  }

  function select(id: string): void {
    drawerOpen.value = false;
    if (id !== store.currentId.value) {
      resetReading(LAST_TURN);
      store.openConversation(id);
    }
    focusInput();
  }

  const running = store.running.value;
  const currentId = store.currentId.value;
  const isNew = currentId === null && turns.length === 0;
  /** The open conversation when a teammate shared it: read only, no composer. */
  const sharedOpen = sharedList.find((s) => s.id === currentId) ?? null;
  /** Read only (a teammate's conversation): no feedback, retry, edit or pickers. */
  const readOnly = sharedOpen !== null || store.readOnly.value;
  const pickerHost: PickerHost = { ...loaders, run: runReport, busy: running };

  return (
    <div class={`app${drawerOpen.value ? " drawer-open" : ""}`}>
      <aside
        id="sidebar"
        ref={sidebar}
        class="sidebar"
        aria-label="Conversations"
        onKeyDown={(e) => {
          if (e.key === "Escape" && drawerOpen.value) {
            e.stopPropagation();
            closeDrawer();
          }
        }}
      >
        <div class="sidebar-head">
          <div class="brand">
            <span class="brand-mark" aria-hidden="true">
              <IconHeadset />
            </span>
            <span class="brand-name">{PRODUCT}</span>
          </div>
          <button
            type="button"
            class="icon-button drawer-close"
            aria-label="Close the conversation list"
            onClick={closeDrawer}
          >
            <IconX />
          </button>
        </div>
        <button type="button" class="button button-primary new-button" onClick={startNew}>
          <IconPlus />
          <span>New conversation</span>
          <kbd class="shortcut" aria-hidden="true">Ctrl K</kbd>
        </button>
        <a class="button button-ghost sidebar-link" href="/schedules">
          <IconClock />
          <span>Scheduled reports</span>
        </a>
        {isAdmin && (
          <a class="button button-ghost sidebar-link" href="/admin">
            <IconHeadset />
            <span>Team admin</span>
          </a>
        )}
        <nav class="conv-nav" aria-label="Your conversations">
          <h2 class="sidebar-label">Recent</h2>
          <ConversationList
            conversations={store.conversations.value}
            loading={store.listLoading.value}
            selectedId={currentId}
            now={now}
            onSelect={select}
            onRename={store.rename}
            onDelete={(id) => {
              store.remove(id);
              focusInput();
            }}
          />
          {sharedList.length > 0 && (
            <>
              <h2 class="sidebar-label">Shared with me</h2>
              <ul class="conv-list shared-list" aria-label="Shared with me">
                {sharedList.map((c) => (
                  <li key={c.id} class={`conv-item${c.id === currentId ? " is-selected" : ""}`}>
                    <button
                      type="button"
                      class="conv-select"
                      aria-current={c.id === currentId ? "page" : undefined}
                      onClick={() =>
                        select(c.id)}
                    >
                      <span class="conv-title">{c.title || "Untitled"}</span>
                      <span class="conv-time">by {c.shared_by}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </nav>
        <div class="sidebar-foot">
          <span class="user-avatar" aria-hidden="true">{username.slice(0, 1).toUpperCase()}</span>
          <span class="user-name" title={username}>{username}</span>
          <button
            type="button"
            class="icon-button logout-button"
            aria-label="Sign out"
            title="Sign out"
            onClick={() => store.logout()}
          >
            <IconLogout />
          </button>
        </div>
      </aside>
      <button
        type="button"
        class="backdrop"
        aria-label="Close the conversation list"
        tabIndex={-1}
        onClick={closeDrawer}
      />
      <main class="main" aria-label="Chat" inert={drawerOpen.value}>
        <header class="topbar">
          <button
            ref={menuButton}
            type="button"
            class="icon-button menu-button"
            aria-label="Open the conversation list"
            aria-controls="sidebar"
            aria-expanded={drawerOpen.value ? "true" : "false"}
            onClick={() => (drawerOpen.value = true)}
          >
            <IconMenu />
          </button>
          <h1 class="topbar-title">{store.currentTitle.value}</h1>
          {running && (
            <span class="status-pill" role="status">
              <span class="spinner" aria-hidden="true" />
              Working…
            </span>
          )}
          {currentId && !sharedOpen && (
            <button
              type="button"
              class="button button-small button-ghost share-button"
              aria-expanded={sharing ? "true" : "false"}
              onClick={() => setSharing(!sharing)}
            >
              Share
            </button>
          )}
          <button
            type="button"
            class="icon-button topbar-new"
            aria-label="New conversation"
            title="New conversation (Ctrl+K)"
            onClick={startNew}
          >
            <IconPlus />
          </button>
          <a class="topbar-link" href="/alerts">Alerts</a>
          <NotificationBell timeZone={timeZone} />
        </header>
        {sharing && currentId && !sharedOpen && (
          <SharePanel
            conversationId={currentId}
            onClose={() => setSharing(false)}
          />
        )}
        {store.problem.value && (
          <div class="banner" role="alert">
            <span>{store.problem.value}</span>
            <button
              type="button"
              class="icon-button"
              aria-label="Dismiss"
              onClick={() => (store.problem.value = null)}
            >
              <IconX />
            </button>
          </div>
        )}
        <div class="scroller" ref={scroller} onScroll={onScroll}>
          <div class="thread" aria-busy={store.historyLoading.value ? "true" : "false"}>
            {isNew && !store.historyLoading.value && (
              <EmptyState
                username={username}
                onAsk={(q) => send(q)}
                disabled={running}
              />
            )}
            {store.historyLoading.value && (
              <div class="thread-loading" role="status">
                <span class="spinner" aria-hidden="true" /> Loading the conversation…
              </div>
            )}
            <PickerContext.Provider value={readOnly ? null : pickerHost}>
              {turns.map((t, i) => (
                <TurnView
                  key={t.key}
                  turn={t}
                  readOnly={readOnly}
                  onRetry={(q) => send(q, false)}
                  onEdit={i === turns.length - 1 ? (q) => send(q, false) : undefined}
                  onFeedback={store.sendFeedback}
                  busy={running}
                  timeZone={timeZone}
                  now={now}
                  room={t.key === roomFor}
                />
              ))}
            </PickerContext.Provider>
          </div>
        </div>
        {showJump && (
          <button type="button" class="jump-button" onClick={jumpToLatest}>
            <IconArrowDown />
            <span>Latest</span>
          </button>
        )}
        {sharedOpen && (
          <div class="shared-banner" role="note">
            Shared by {sharedOpen.shared_by} — read only
          </div>
        )}
        {!sharedOpen && (
          <div class="composer-wrap">
            <PickerContext.Provider value={pickerHost}>
              <ExploreButton />
            </PickerContext.Provider>
            <Composer
              value={draft.value}
              onInput={(v) => (draft.value = v)}
              onSend={() => send()}
              onStop={() => store.stop()}
              running={running}
              stopping={store.stopping.value}
              inputRef={input}
            />
          </div>
        )}
        <div class="visually-hidden" aria-live="polite" role="status">
          {store.announcement.value}
        </div>
      </main>
    </div>
  );
}
