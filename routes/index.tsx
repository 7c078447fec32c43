/**
 * The app page: the chat for the signed-in user (`?c=<id>` opens a conversation). The
 * conversation list is rendered on the server, so the sidebar is ready at first paint.
 */
import type { JSX } from "preact";
import type { ConversationSummary } from "../components/chat_state.ts";
import Chat from "../islands/Chat.tsx";
import type { SharedSummary } from "../components/share_panel.tsx";
import type { AppState } from "../lib/web/state.ts";
import type { Handlers, PageProps } from "../lib/web/types.ts";

interface IndexData {
  username: string;
  conversationId: string | null;
  conversations: ConversationSummary[];
  /** The business time zone (message times are shown in it). */
  timeZone: string;
  shared: SharedSummary[];
  isAdmin: boolean;
}

/** GET: the chat, or a redirect to sign in (the middleware normally does it first). */
export const handler: Handlers<IndexData, AppState> = {
  async GET(_req, ctx) {
    const user = ctx.state.user;
    if (!user) return new Response(null, { status: 303, headers: { Location: "/login" } });
    const c = ctx.url.searchParams.get("c");
    const conversationId = c && /^[A-Za-z0-9_-]{1,100}$/.test(c) ? c : null;
    const store = ctx.state.app.store;
    const list = await store.listConversations(user.id);
    const shared: SharedSummary[] = [];
    for (const s of await store.listSharedWith(user.id)) {
      const c = await store.getConversation(s.owner, s.conversation_id);
      if (c) {
        shared.push({
          id: c.id,
          title: c.title,
          updated_at: c.updated_at,
          shared_by: s.owner_username,
        });
      }
    }
    return ctx.render({
      username: user.username,
      conversationId,
      conversations: list.map((x) => ({ id: x.id, title: x.title, updated_at: x.updated_at })),
      timeZone: ctx.state.app.config.tz,
      shared,
      isAdmin: user.role === "admin",
    });
  },
};

/** Renders the chat page. */
export default function IndexPage({ data }: PageProps<IndexData, AppState>): JSX.Element {
  return (
    <Chat
      username={data.username}
      conversationId={data.conversationId ?? undefined}
      conversations={data.conversations}
      timeZone={data.timeZone}
      shared={data.shared}
      isAdmin={data.isAdmin}
    />
  );
}
