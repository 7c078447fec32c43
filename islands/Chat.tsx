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

/** Props of the Chat island. */
export interface ChatProps {
  /** The signed-in user's name. */
  username: string;
  /** The conversation to open first (from `?c=` in the address). */
  conversationId?: string;
  /** The conversation list, when the server rendered it (else it is fetched). */
  conversations?: ConversationSummary[];
}

const PINNED_SLACK = 80;
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
  { username, conversationId, conversations }: ChatProps,
): JSX.Element {
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
  const pinned = useRef(true);
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
    if (first) store.openConversation(first, "none");
    const onPop = () => {
      const id = conversationFromLocation();
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

  // Keep the newest content in view unless the user scrolled up to read.
  const turns = store.turns.value;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (pinned.current) el.scrollTop = el.scrollHeight;
    else if (store.running.value) setShowJump(true);
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

  function onScroll(): void {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < PINNED_SLACK;
    pinned.current = atBottom;
    if (atBottom) setShowJump(false);
  }

  function jumpToLatest(): void {
    pinned.current = true;
    setShowJump(false);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
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
    pinned.current = true;
    focusInput();
  }

  function send(text = draft.value): void {
    if (store.running.value || text.trim() === "") return;
    pinned.current = true;
    setShowJump(false);
    draft.value = "";
    store.ask(text);
    focusInput();
  }

  function select(id: string): void {
    drawerOpen.value = false;
    pinned.current = true;
    if (id !== store.currentId.value) store.openConversation(id);
    focusInput();
  }

  const running = store.running.value;
  const currentId = store.currentId.value;
  const isNew = currentId === null && turns.length === 0;

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
          <button
            type="button"
            class="icon-button topbar-new"
            aria-label="New conversation"
            title="New conversation (Ctrl+K)"
            onClick={startNew}
          >
            <IconPlus />
          </button>
        </header>
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
            {turns.map((t) => (
              <TurnView
                key={t.key}
                turn={t}
                onRetry={(q) => send(q)}
                busy={running}
              />
            ))}
          </div>
        </div>
        {showJump && (
          <button type="button" class="jump-button" onClick={jumpToLatest}>
            <IconArrowDown />
            <span>Latest</span>
          </button>
        )}
        <div class="composer-wrap">
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
        <div class="visually-hidden" aria-live="polite" role="status">
          {store.announcement.value}
        </div>
      </main>
    </div>
  );
}
