/**
 * POST /api/conversations/{id}/turns `{message}` → 202 `{turn_id}`: the turn runs on the
 * server; follow it at `/api/turns/{turn_id}/events`. 409 while another turn runs in the
 * conversation.
 *
 * `{report: {name, params}}` instead of `{message}` runs that catalog report as the turn,
 * with no model call (a reading changed with its chips, a report built with Explore), and
 * answers `{turn_id, question}` (the question in words the conversation records); 400
 * with what is wrong when the entry or its parameters are not valid.
 */
import { checkReportRequest, reportQuestion } from "../../../../lib/agent/direct_turn.ts";
import type { CatalogCall } from "../../../../lib/agent/tools.ts";
import { clock } from "../../../../lib/config.ts";
import { ReportParamError } from "../../../../lib/reports/errors.ts";
import { readOnlyError, sharedWith } from "../../../../lib/team/access.ts";
import { BadRequestError, ConflictError, NotFoundError } from "../../../../lib/web/errors.ts";
import { json, readJsonObject, requireUser, stringField } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

/** Longest question (characters). */
export const MAX_MESSAGE = 4000;

/** A title from the first question: its first line, at most 80 characters. */
export function titleFrom(message: string): string {
  const line = message.split("\n").find((l) => l.trim())?.trim() ?? message.trim();
  const chars = [...line];
  return chars.length <= 80 ? line : chars.slice(0, 79).join("").trimEnd() + "…";
}

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    const has = (k: string) => body[k] !== undefined && body[k] !== null;
    if (has("message") && has("report")) {
      throw new BadRequestError(
        'Send "message" (a question) or "report" ({name, params}), not both',
      );
    }
    let report: CatalogCall | undefined;
    if (has("report")) {
      try {
        report = checkReportRequest(body.report, { tz: app.config.tz, now: clock(app.config)() });
      } catch (e) {
        if (e instanceof ReportParamError) throw new BadRequestError(e.message, "invalid_report");
        throw e;
      }
    }
    const message = report
      ? reportQuestion(report)
      : stringField(body, "message", { required: true, max: MAX_MESSAGE })!;
    // One commit creates the turn, stores its first event and titles a new conversation.
    const turn = await app.turns.start({
      owner: user.id,
      conversationId: ctx.params.id,
      question: message,
      ...(report ? { report } : {}),
      title: titleFrom(message),
    });
    if (turn === "not_found") {
      const share = await sharedWith(app.store, user.id, ctx.params.id);
      throw share ? readOnlyError(share) : new NotFoundError("Conversation not found");
    }
    if (turn === "busy") {
      throw new ConflictError(
        "A question is still being answered in this conversation; wait for it or stop it",
        "turn_running",
      );
    }
    return json(report ? { turn_id: turn.id, question: message } : { turn_id: turn.id }, 202);
  },
};
