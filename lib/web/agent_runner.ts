/**
 * The app's turn runner: the agent's `runTurn` (lib/agent/turn.ts) with the app's services,
 * or a report turn (lib/agent/direct_turn.ts, no model call) when the turn names a report.
 */
import { runReportTurn } from "../agent/direct_turn.ts";
import { isScheduleStore, scheduleAccessFor } from "../agent/schedule_tools.ts";
import { alertAccessFor, isAlertStore } from "../agent/alert_tools.ts";
import { runTurn, type TurnDeps } from "../agent/turn.ts";
import type { TurnRunner } from "./turns.ts";

/** Options of {@linkcode agentRunner}. */
export interface AgentRunnerOptions {
  /**
   * Recipient domains schedules made from the chat may send to (`config.mail.allowedDomains`).
   * Default: none (schedules deliver to the in-app inbox only).
   */
  allowedDomains?: readonly string[];
  /** Accept alert webhooks on private addresses (`config.alerts.webhookAllowPrivate`). */
  allowPrivateWebhooks?: boolean;
  /** Told of schedules and alerts created or deleted from the chat (the audit log). */
  onChange?: (change: {
    owner: string;
    what: "schedule" | "alert";
    kind: "create" | "delete";
    id: string;
  }) => void;
}

/**
 * A runner that answers with the agent, or runs the report a turn names. Schedules from
 * the chat: `deps.schedules` when given, else an owner-scoped view of the app's store
 * (`deps.conversations`, when it keeps schedules).
 */
export function agentRunner(deps: TurnDeps, options: AgentRunnerOptions = {}): TurnRunner {
  const store = deps.conversations;
  const withSchedules: TurnDeps = deps.schedules || !isScheduleStore(store) ? deps : {
    ...deps,
    schedules: scheduleAccessFor(store, {
      allowedDomains: options.allowedDomains ?? [],
      onChange: (c) => options.onChange?.({ ...c, what: "schedule" }),
    }),
  };
  // Alerts from the chat: `deps.alerts` when given, else owner-scoped over the store.
  const turnDeps: TurnDeps = deps.alerts || !isAlertStore(store) ? withSchedules : {
    ...withSchedules,
    alerts: alertAccessFor(store, {
      allowedDomains: options.allowedDomains ?? [],
      allowPrivateWebhooks: options.allowPrivateWebhooks ?? false,
      onChange: (c) => options.onChange?.({ ...c, what: "alert" }),
    }),
  };
  return (input) =>
    input.report
      ? runReportTurn({
        report: input.report,
        question: input.question,
        owner: input.owner,
        conversationId: input.conversationId,
        turnId: input.turnId,
        deps: turnDeps,
        signal: input.signal,
        emit: input.emit,
      })
      : runTurn({
        question: input.question,
        owner: input.owner,
        conversationId: input.conversationId,
        turnId: input.turnId,
        deps: turnDeps,
        signal: input.signal,
        emit: input.emit,
      });
}
