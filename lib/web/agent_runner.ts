/**
 * The app's turn runner: the agent's `runTurn` (lib/agent/turn.ts) with the app's services.
 */
import { runTurn, type TurnDeps } from "../agent/turn.ts";
import type { TurnRunner } from "./turns.ts";

/** A runner that answers with the agent. */
export function agentRunner(deps: TurnDeps): TurnRunner {
  return (input) =>
    runTurn({
      question: input.question,
      owner: input.owner,
      conversationId: input.conversationId,
      turnId: input.turnId,
      deps,
      signal: input.signal,
      emit: input.emit,
    });
}
