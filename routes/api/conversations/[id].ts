/**
 * GET /api/conversations/{id} → `{id, title, messages: [{role, content, turn_id?, created_at?,
 * tables?, reports?, charts?, outcome?, interpretation?, steps?, error?, feedback?}],
 * running_turn_id}`; PATCH `{title}` → 200; DELETE → 204.
 * Another user's conversation is a 404 — unless it is shared with the user: then GET reads
 * it (`read_only: true`, `shared_by`, no feedback, no running turn) and PATCH/DELETE are a
 * 403 that says it is read-only.
 */
import { readOnlyError, sharedWith } from "../../../lib/team/access.ts";
import { NotFoundError } from "../../../lib/web/errors.ts";
import {
  json,
  readJsonObject,
  requireUser,
  sharedRead,
  stringField,
} from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";
import { MAX_TITLE } from "./index.ts";

const notFound = () => new NotFoundError("Conversation not found");

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const store = ctx.state.app.store;
    const { conversation: c, owner, share } = await sharedRead.conversation(
      ctx.state,
      ctx.params.id,
    );
    // A teammate reads the answers, not the owner's ratings of them.
    const feedback = new Map(
      share ? [] : (await store.listFeedback(owner, c.id)).map((f) => [f.turn_id, f]),
    );
    const messages = (await store.listMessages(owner, c.id)).map((m) => {
      const out: Record<string, unknown> = { role: m.role, content: m.content };
      if (m.turn_id) out.turn_id = m.turn_id;
      if (m.created_at) out.created_at = m.created_at;
      if (m.steps?.length) out.steps = m.steps;
      if (m.error) out.error = m.error;
      const f = m.role === "assistant" && m.turn_id ? feedback.get(m.turn_id) : undefined;
      if (f) out.feedback = { rating: f.rating, comment: f.comment };
      if (m.tables?.length) out.tables = m.tables;
      if (m.charts?.length) out.charts = m.charts;
      if (m.reports?.length) out.reports = m.reports;
      if (m.outcome) out.outcome = m.outcome;
      if (m.interpretation !== undefined) out.interpretation = m.interpretation;
      return out;
    });
    return json({
      id: c.id,
      title: c.title,
      created_at: c.created_at,
      updated_at: c.updated_at,
      messages,
      running_turn_id: share ? null : await store.getRunningTurnId(owner, c.id),
      ...(share ? { read_only: true, shared_by: share.owner_username } : {}),
    });
  },
  async PATCH(req, ctx) {
    const user = requireUser(ctx.state);
    const body = await readJsonObject(req);
    const title = stringField(body, "title", { required: true, max: MAX_TITLE })!;
    const store = ctx.state.app.store;
    if (!await store.renameConversation(user.id, ctx.params.id, title)) {
      const share = await sharedWith(store, user.id, ctx.params.id);
      throw share ? readOnlyError(share) : notFound();
    }
    return json({ id: ctx.params.id, title });
  },
  async DELETE(_req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    if (!await app.store.getConversation(user.id, ctx.params.id)) {
      const share = await sharedWith(app.store, user.id, ctx.params.id);
      throw share ? readOnlyError(share) : notFound();
    }
    await app.turns.cancelConversation(ctx.params.id);
    await app.store.deleteConversation(user.id, ctx.params.id);
    await app.store.deleteConversationShares(user.id, ctx.params.id);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
};
