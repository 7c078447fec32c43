/**
 * The app's turn runner: the agent's `runTurn` (lib/agent/turn.ts) with the app's services,
 * or a report turn (lib/agent/direct_turn.ts, no model call) when the turn names a report.
 */
import { runReportTurn } from "../agent/direct_turn.ts";
import { runTurn, type TurnDeps } from "../agent/turn.ts";
import type { TurnRunner } from "./turns.ts";

/** A runner that answers with the agent, or runs the report a turn names. */
export function agentRunner(deps: TurnDeps): TurnRunner {
  return (input) =>
    input.report
      ? runReportTurn({
        report: input.report,
        question: input.question,
        owner: input.owner,
        conversationId: input.conversationId,
        turnId: input.turnId,
        deps,
        signal: input.signal,
        emit: input.emit,
      })
      : runTurn({
        question: input.question,
        owner: input.owner,
        conversationId: input.conversationId,
        turnId: input.turnId,
        deps,
        signal: input.signal,
        emit: input.emit,
      });
}
