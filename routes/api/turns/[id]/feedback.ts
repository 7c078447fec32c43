/**
 * POST /api/turns/{turn_id}/feedback `{rating: "up" | "down", comment?}` → 200
 * `{turn_id, rating, comment, created_at}`: a thumbs up or down on a finished answer, with
 * an optional comment (at most 2000 characters). The latest feedback on a turn wins.
 * Another user's turn is a 404; a turn still running is a 409.
 */
import { answerExcerpt, MAX_FEEDBACK_COMMENT } from "../../../../lib/feedback.ts";
import type { FeedbackRating } from "../../../../lib/kv.ts";
import { readOnlyError, sharedWith } from "../../../../lib/team/access.ts";
import { BadRequestError, ConflictError, NotFoundError } from "../../../../lib/web/errors.ts";
import { json, readJsonObject, requireUser, stringField } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

const RATINGS: readonly FeedbackRating[] = ["up", "down"];

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const user = requireUser(ctx.state);
    const store = ctx.state.app.store;
    const body = await readJsonObject(req);
    const rating = body.rating;
    if (typeof rating !== "string" || !RATINGS.includes(rating as FeedbackRating)) {
      throw new BadRequestError('"rating" must be "up" or "down"');
    }
    const comment = stringField(body, "comment", {
      max: MAX_FEEDBACK_COMMENT,
      nonBlank: false,
    })?.trim() ?? "";
    const turn = await store.getTurn(user.id, ctx.params.id);
    if (!turn) {
      const of = await store.turnConversation(ctx.params.id);
      const share = of && await sharedWith(store, user.id, of.conversation_id);
      throw share ? readOnlyError(share) : new NotFoundError("Turn not found");
    }
    if (turn.status === "running") {
      throw new ConflictError(
        "This answer is not finished yet; rate it when it ends",
        "turn_running",
      );
    }
    const messages = await store.listMessages(user.id, turn.conversation_id);
    const question = messages.find((m) => m.role === "user" && m.turn_id === turn.id);
    const answer = messages.find((m) => m.role === "assistant" && m.turn_id === turn.id);
    const saved = await store.saveFeedback({
      turn_id: turn.id,
      owner: user.id,
      username: user.username,
      conversation_id: turn.conversation_id,
      question: question?.content ?? "",
      answer_excerpt: answerExcerpt(answer?.content ?? ""),
      rating: rating as FeedbackRating,
      comment,
    });
    if (!saved) throw new NotFoundError("Turn not found");
    return json({
      turn_id: saved.turn_id,
      rating: saved.rating,
      comment: saved.comment,
      created_at: saved.created_at,
    });
  },
};
