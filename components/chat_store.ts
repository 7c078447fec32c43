/**
 * The chat page's state and actions, as signals: the conversation list, the open
 * conversation's turns, the running turn's event stream. Network access goes through the
 * injected `fetch`-based API helper and `EventSource` so the logic stays in one place.
 */
import { batch, computed, signal } from "@preact/signals";
import type { AgentEvent } from "../lib/agent/events.ts";
import type { ReportCall } from "../lib/agent/pickers.ts";
import { api, ApiError } from "./api.ts";
import {
  applyStreamEvent,
  type ConversationSummary,
  EVENT_TYPES,
  failTurn,
  type Feedback,
  type HistoryMessage,
  isActive,
  isTerminal,
  newTurn,
  titleFromQuestion,
  touchConversation,
  turnsFromHistory,
  type TurnView,
} from "./chat_state.ts";

/** Longest title given to a new conversation (from its first question). */
export { TITLE_LENGTH } from "./chat_state.ts";

/** What the store needs from its environment (browser defaults). */
export interface ChatStoreOptions {
  /** Opens an event stream (default: `new EventSource(url)`). */
  openEvents?: (url: string) => EventSource;
  /** The clock for timestamps. */
  now?: () => Date;
  /** Called when the open conversation changes, to update the address bar. */
  onNavigate?: (conversationId: string | null, mode: "push" | "replace") => void;
  /** Called when the session has ended (an API call answered 401). */
  onSignedOut?: () => void;
  /** The conversation list as the server rendered it (skips the first load). */
  conversations?: ConversationSummary[];
  /** The conversation the page opens with: shown as loading (not empty) from the start. */
  conversationId?: string;
}

/** The chat store: signals to render from and actions to call. */
export type ChatStore = ReturnType<typeof createChatStore>;

interface Stream {
  es: EventSource;
  detached: boolean;
}

/** Creates the store for one chat page. */
export function createChatStore(options: ChatStoreOptions = {}) {
  const openEvents = options.openEvents ?? ((url: string) => new EventSource(url));
  const now = options.now ?? (() => new Date());

  const conversations = signal<ConversationSummary[]>(options.conversations ?? []);
  const listLoading = signal(options.conversations === undefined);
  const currentId = signal<string | null>(options.conversationId ?? null);
  /**
   * The open conversation is a teammate's, shared read only (`read_only` of its GET): no
   * feedback, retry or edit, and it stays out of the user's own list (no rename/delete).
   */
  const readOnly = signal(false);
  /** The title of the open read-only conversation (it is not in `conversations`). */
  const readOnlyTitle = signal<string | null>(null);
  const turns = signal<TurnView[]>([]);
  const historyLoading = signal(options.conversationId !== undefined);
  const stopping = signal(false);
  /** A short message for screen readers (aria-live). */
  const announcement = signal("");
  /** A problem with a list action (load, rename, delete), shown as a dismissible banner. */
  const problem = signal<string | null>(null);

  const running = computed(() => turns.value.some(isActive));
  const currentTitle = computed(() => {
    const id = currentId.value;
    if (id === null) return "New conversation";
    return conversations.value.find((c) => c.id === id)?.title ?? readOnlyTitle.value ??
      "Conversation";
  });

  /**
   * Open event streams by turn id. Leaving a conversation detaches its streams instead of
   * closing them: the server cancels a turn nobody listens to, and a turn should go on
   * while the user looks at another conversation. A detached stream only waits for the end.
   */
  const streams = new Map<string, Stream>();
  const pendingCancel = new Set<string>();
  /** Bumped on every conversation switch; async work from an older view is dropped. */
  let generation = 0;

  function updateTurn(key: string, fn: (t: TurnView) => TurnView): void {
    turns.value = turns.value.map((t) => t.key === key ? fn(t) : t);
  }

  function handleError(e: unknown): string {
    if (e instanceof ApiError) {
      if (e.status === 401) options.onSignedOut?.();
      return e.message;
    }
    return e instanceof Error ? e.message : String(e);
  }

  function closeStream(turnId: string): void {
    streams.get(turnId)?.es.close();
    streams.delete(turnId);
  }

  /** Detaches the open conversation's streams (they keep the turns alive until they end). */
  function detachStreams(): void {
    for (const s of streams.values()) s.detached = true;
    pendingCancel.clear();
    stopping.value = false;
  }

  function closeAllStreams(): void {
    for (const id of [...streams.keys()]) closeStream(id);
    pendingCancel.clear();
    stopping.value = false;
  }

  function touch(id: string): void {
    const c = conversations.value.find((x) => x.id === id);
    if (c) {
      conversations.value = touchConversation(conversations.value, {
        ...c,
        updated_at: now().toISOString(),
      });
    }
  }

  function finished(turn: TurnView | undefined): void {
    stopping.value = false;
    if (!turn) return;
    announcement.value = turn.status === "done"
      ? "The answer is ready."
      : turn.status === "cancelled"
      ? "The answer was stopped."
      : `The answer failed: ${turn.error?.message ?? "unknown error"}`;
  }

  /** Follows a turn's event stream into the view turn `key`; `replay` after a page load. */
  function subscribe(key: string, turnId: string, conversationId: string, replay: boolean): void {
    closeStream(turnId);
    const stream: Stream = {
      es: openEvents(`/api/turns/${encodeURIComponent(turnId)}/events`),
      detached: false,
    };
    streams.set(turnId, stream);
    const { es } = stream;
    const onEvent = (msg: Event) => {
      if (!(msg instanceof MessageEvent) || typeof msg.data !== "string") return;
      let event: AgentEvent;
      try {
        event = JSON.parse(msg.data) as AgentEvent;
      } catch {
        return;
      }
      if (stream.detached) {
        if (isTerminal(event)) {
          closeStream(turnId);
          touch(conversationId);
        }
        return;
      }
      const id = msg.lastEventId === "" ? null : Number(msg.lastEventId);
      const stamp = now().toISOString();
      updateTurn(key, (t) => applyStreamEvent(t, event, Number.isFinite(id) ? id : null, stamp));
      if (isTerminal(event)) {
        closeStream(turnId);
        touch(conversationId);
        finished(turns.value.find((t) => t.key === key));
        retitle(conversationId, key);
      }
    };
    for (const type of EVENT_TYPES) es.addEventListener(type, onEvent);
    // The "error" listener above also receives connection errors (plain Events): the
    // browser reconnects by itself (with Last-Event-ID) unless the stream is closed.
    es.addEventListener("error", (e) => {
      if (e instanceof MessageEvent || es.readyState !== 2 /* CLOSED */) return;
      closeStream(turnId);
      if (stream.detached) return;
      updateTurn(key, (t) =>
        isActive(t)
          ? failTurn(
            t,
            "connection",
            replay
              ? "This answer is no longer available."
              : "Lost the connection to the answer. Check your connection and retry.",
            now().toISOString(),
          )
          : t);
      finished(turns.value.find((t) => t.key === key));
    });
  }

  /** True when a turn answered from the data (not small talk). */
  function isDataAnswer(t: TurnView): boolean {
    return t.interpretation !== null || t.tables.length > 0 || t.reports.length > 0;
  }

  /**
   * Gives a conversation that began with small talk ("hi") the title of its first data
   * question, when that turn `key` has just answered one. A title the user chose stays.
   */
  function retitle(conversationId: string, key: string): void {
    if (currentId.value !== conversationId) return;
    const list = turns.value;
    const i = list.findIndex((t) => t.key === key);
    const turn = list[i];
    if (!turn || turn.status !== "done" || !isDataAnswer(turn)) return;
    const earlier = list.slice(0, i);
    if (earlier.length === 0 || earlier.some(isDataAnswer)) return;
    const conv = conversations.value.find((c) => c.id === conversationId);
    if (!conv || !earlier.some((t) => titleFromQuestion(t.question) === conv.title)) return;
    const title = titleFromQuestion(turn.question);
    if (title && title !== conv.title) void rename(conversationId, title);
  }

  /**
   * Sends a thumbs up or down (and an optional comment) on turn `key`'s answer; shown at
   * once, taken back when the server refuses. The latest feedback on a turn wins.
   */
  async function sendFeedback(
    key: string,
    rating: Feedback["rating"],
    comment = "",
  ): Promise<boolean> {
    const turn = turns.value.find((t) => t.key === key);
    if (!turn?.turn_id) return false;
    const before = turn.feedback;
    const text = comment.trim();
    updateTurn(key, (t) => ({ ...t, feedback: { rating, comment: text } }));
    try {
      await api(`/api/turns/${encodeURIComponent(turn.turn_id)}/feedback`, {
        method: "POST",
        body: text ? { rating, comment: text } : { rating },
      });
      announcement.value = "Thanks for the feedback.";
      return true;
    } catch (e) {
      updateTurn(key, (t) => ({ ...t, feedback: before }));
      problem.value = `Cannot send the feedback: ${handleError(e)}`;
      return false;
    }
  }

  /** Loads the conversation list. */
  async function loadConversations(): Promise<void> {
    listLoading.value = true;
    try {
      const res = await api<{ conversations: ConversationSummary[] }>("/api/conversations");
      conversations.value = res.conversations;
    } catch (e) {
      problem.value = `Cannot load your conversations: ${handleError(e)}`;
    } finally {
      listLoading.value = false;
    }
  }

  /** Opens a conversation and its history; re-attaches to a turn still running. */
  async function openConversation(
    id: string,
    mode: "push" | "replace" | "none" = "push",
  ): Promise<void> {
    detachStreams();
    const gen = ++generation;
    batch(() => {
      currentId.value = id;
      turns.value = [];
      historyLoading.value = true;
      readOnly.value = false;
      readOnlyTitle.value = null;
    });
    if (mode !== "none") options.onNavigate?.(id, mode);
    try {
      const res = await api<
        { id: string; title: string; messages: HistoryMessage[]; read_only?: boolean }
      >(`/api/conversations/${encodeURIComponent(id)}`);
      if (gen !== generation) return;
      const loaded = turnsFromHistory(res.messages);
      batch(() => {
        turns.value = loaded;
        readOnly.value = res.read_only === true;
        readOnlyTitle.value = res.read_only ? res.title : null;
      });
      if (!res.read_only && !conversations.value.some((c) => c.id === id)) {
        conversations.value = touchConversation(conversations.value, {
          id,
          title: res.title,
          updated_at: now().toISOString(),
        });
      }
      for (const t of loaded) {
        if (t.status === "running" && t.turn_id) subscribe(t.key, t.turn_id, id, true);
      }
    } catch (e) {
      if (gen !== generation) return;
      const message = handleError(e);
      if (e instanceof ApiError && e.status === 404) {
        conversations.value = conversations.value.filter((c) => c.id !== id);
        newConversation("replace");
        problem.value = "That conversation no longer exists.";
      } else {
        problem.value = `Cannot open the conversation: ${message}`;
      }
    } finally {
      if (gen === generation) historyLoading.value = false;
    }
  }

  /** Starts a new (not yet saved) conversation. */
  function newConversation(mode: "push" | "replace" | "none" = "push"): void {
    detachStreams();
    generation++;
    batch(() => {
      currentId.value = null;
      turns.value = [];
      historyLoading.value = false;
      readOnly.value = false;
      readOnlyTitle.value = null;
    });
    if (mode !== "none") options.onNavigate?.(null, mode);
  }

  /** Asks a question in the open conversation (creating it first when there is none). */
  async function ask(text: string): Promise<boolean> {
    const question = text.trim();
    if (question === "" || running.value) return false;
    return await startTurn(question, { message: question });
  }

  /**
   * Runs a catalog report as a new turn of the open conversation, with no model call (a
   * reading changed with its pickers, or built with Explore). `label` stands for the
   * question until the server says it in words.
   */
  async function runReport(report: ReportCall, label: string): Promise<boolean> {
    if (running.value) return false;
    return await startTurn(label.trim() || report.name, { report }, { titled: false });
  }

  /** Shows a new turn and starts it on the server with `body` ({message} or {report}). */
  async function startTurn(
    question: string,
    body: { message: string } | { report: ReportCall },
    opts: { titled?: boolean } = {},
  ): Promise<boolean> {
    const gen = generation;
    const turn = newTurn(question, now().toISOString());
    turns.value = [...turns.value, turn];
    let conversationId = currentId.value;
    let created = false;
    try {
      if (conversationId === null) {
        const conv = await api<{ id: string; title: string }>("/api/conversations", {
          method: "POST",
          body: opts.titled === false ? {} : { title: titleFromQuestion(question) },
        });
        conversationId = conv.id;
        created = true;
        if (gen !== generation) return true;
        currentId.value = conv.id;
        conversations.value = touchConversation(conversations.value, {
          id: conv.id,
          title: conv.title,
          updated_at: now().toISOString(),
        });
        options.onNavigate?.(conv.id, "push");
      }
      const res = await api<{ turn_id: string; question?: string }>(
        `/api/conversations/${encodeURIComponent(conversationId)}/turns`,
        { method: "POST", body },
      );
      const turn_id = res.turn_id;
      if (gen !== generation) return true;
      const asked = typeof res.question === "string" && res.question ? res.question : null;
      updateTurn(turn.key, (t) => ({
        ...t,
        turn_id,
        status: "running",
        question: asked ?? t.question,
      }));
      if (created && asked && opts.titled === false) {
        const id = conversationId;
        conversations.value = conversations.value.map((c) =>
          c.id === id ? { ...c, title: titleFromQuestion(asked) } : c
        );
      }
      touch(conversationId);
      subscribe(turn.key, turn_id, conversationId, false);
      if (pendingCancel.delete(turn.key)) await cancel(turn_id);
    } catch (e) {
      const message = handleError(e);
      if (gen !== generation) return true;
      const code = e instanceof ApiError ? e.code : "internal";
      updateTurn(turn.key, (t) => failTurn(t, code, message, now().toISOString()));
      finished(turns.value.find((t) => t.key === turn.key));
    }
    return true;
  }

  async function cancel(turnId: string): Promise<void> {
    try {
      await api(`/api/turns/${encodeURIComponent(turnId)}/cancel`, { method: "POST" });
    } catch (e) {
      stopping.value = false;
      problem.value = `Cannot stop the answer: ${handleError(e)}`;
    }
  }

  /** Stops the running turn (the stream then ends with a `cancelled` error). */
  async function stop(): Promise<void> {
    const t = turns.value.find(isActive);
    if (!t || stopping.value) return;
    stopping.value = true;
    if (t.turn_id === null) {
      pendingCancel.add(t.key);
      return;
    }
    await cancel(t.turn_id);
  }

  /** Renames a conversation (optimistically; restored when the server refuses). */
  async function rename(id: string, title: string): Promise<void> {
    const before = conversations.value;
    conversations.value = before.map((c) => c.id === id ? { ...c, title } : c);
    try {
      await api(`/api/conversations/${encodeURIComponent(id)}`, {
        method: "PATCH",
        body: { title },
      });
    } catch (e) {
      conversations.value = before;
      problem.value = `Cannot rename the conversation: ${handleError(e)}`;
    }
  }

  /** Deletes a conversation; the open one gives way to a new conversation. */
  async function remove(id: string): Promise<void> {
    try {
      await api(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
      conversations.value = conversations.value.filter((c) => c.id !== id);
      if (currentId.value === id) newConversation("replace");
      announcement.value = "Conversation deleted.";
    } catch (e) {
      problem.value = `Cannot delete the conversation: ${handleError(e)}`;
    }
  }

  /** Signs out and goes to the login page. */
  async function logout(): Promise<void> {
    closeAllStreams();
    try {
      await api("/api/auth/logout", { method: "POST" });
    } catch {
      // Signed out or unreachable: the login page sorts it out.
    }
    options.onSignedOut?.();
  }

  /** Closes every stream (page unload). */
  function dispose(): void {
    closeAllStreams();
  }

  return {
    conversations,
    listLoading,
    currentId,
    readOnly,
    currentTitle,
    turns,
    historyLoading,
    running,
    stopping,
    announcement,
    problem,
    loadConversations,
    openConversation,
    newConversation,
    ask,
    runReport,
    stop,
    sendFeedback,
    rename,
    remove,
    logout,
    dispose,
  };
}
