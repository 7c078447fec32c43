import assert from "node:assert/strict";
import {
  ASK_USER_TO_CLARIFY,
  askUserToClarify,
  CONTROL_TOOL_NAMES,
  DECLINE_REQUEST,
  declineRequest,
} from "./control_tools.ts";
import type { AgentEvent, Interpretation } from "./events.ts";

const collect = () => {
  const events: AgentEvent[] = [];
  return { events, emit: (e: AgentEvent) => void events.push(e) };
};

Deno.test("the control tools' definitions require their arguments", () => {
  assert.deepEqual([...CONTROL_TOOL_NAMES], ["decline_request", "ask_user_to_clarify"]);
  assert.deepEqual(DECLINE_REQUEST.parameters.required, ["reason"]);
  assert.deepEqual(ASK_USER_TO_CLARIFY.parameters.required, ["reason", "unplaced"]);
  assert.match(DECLINE_REQUEST.description, /Excel exports are reading/);
  assert.match(ASK_USER_TO_CLARIFY.description, /CSAT, NPS, sentiment/);
});

Deno.test("declineRequest emits refused with a one-line reason and says what to write", async () => {
  const { events, emit } = collect();
  const out = await declineRequest({ reason: "  I cannot delete\ncalls. " }, emit);
  assert.deepEqual(events, [{
    type: "outcome",
    outcome: "refused",
    reason: "I cannot delete calls.",
  }]);
  assert.equal(out.result.reason, "I cannot delete calls.");
  assert.match(String(out.result.next_step), /one line/);
  assert.equal(out.summary, "declined: I cannot delete calls.");
  await assert.rejects(() => declineRequest({}, emit), /Missing reason/);
  assert.equal(events.length, 1);
});

Deno.test("askUserToClarify emits clarified with the unplaced words and the reading so far", async () => {
  const { events, emit } = collect();
  const out = await askUserToClarify(
    { reason: "No agent zorro.", unplaced: ["zorro", " zorro", ""], suggestions: "priya" },
    emit,
  );
  assert.deepEqual(events, [{
    type: "outcome",
    outcome: "clarified",
    reason: "No agent zorro.",
    unplaced: ["zorro"],
  }]);
  assert.deepEqual(out.result.suggestions, ["priya"]);
  assert.match(String(out.result.next_step), /closest matches/);
  assert.equal(out.summary, "asked back about zorro");

  const understood: Interpretation = {
    metric: "call_count",
    metric_label: "Calls",
    period: null,
    filters: {},
    group_by: null,
    unplaced: [],
  };
  await askUserToClarify({ reason: "No CSAT.", unplaced: ["CSAT"] }, emit, understood);
  assert.deepEqual(
    (events[1] as Extract<AgentEvent, { type: "outcome" }>).interpretation,
    understood,
  );
  await assert.rejects(() => askUserToClarify({ unplaced: ["x"] }, emit), /Missing reason/);
  await assert.rejects(
    () => askUserToClarify({ reason: "r", unplaced: [] }, emit),
    /Missing unplaced/,
  );
  assert.equal(events.length, 2);
});
