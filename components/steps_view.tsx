/**
 * The "Steps" block of an answer: what the assistant did (steps and tool calls with their
 * outcome and duration), shown live while the turn runs and collapsed when it ends.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { StepItem, TurnStatus } from "./chat_state.ts";
import { formatDuration, summarizeArgs } from "./format.ts";
import { IconAlert, IconCheck, IconChevron, IconTool, IconX } from "./icons.tsx";

/** Props of {@linkcode StepsView}. */
export interface StepsViewProps {
  steps: StepItem[];
  status: TurnStatus;
  /** Answer text has started to stream. */
  answering?: boolean;
}

function toolCount(steps: StepItem[]): number {
  return steps.filter((s) => s.kind === "tool").length;
}

/** The one-line summary of the block ("Working… · 2 tool calls", "Steps · 3 tool calls"). */
export function stepsSummary(steps: StepItem[], status: TurnStatus, answering = false): string {
  const tools = toolCount(steps);
  const calls = tools === 0 ? "" : ` · ${tools} tool ${tools === 1 ? "call" : "calls"}`;
  if (status === "pending" || status === "running") {
    const last = steps.at(-1);
    const now = answering
      ? "Writing the answer…"
      : last === undefined
      ? "Thinking…"
      : last.kind === "step"
      ? last.text
      : last.status === "running"
      ? `Running ${last.tool}…`
      : "Thinking…";
    return `${now}${calls}`;
  }
  return `Steps${calls}`;
}

function ToolStatus({ status }: { status: "running" | "ok" | "error" | "stopped" }): JSX.Element {
  switch (status) {
    case "running":
      return (
        <span class="step-status running" aria-label="running">
          <span class="spinner" />
        </span>
      );
    case "ok":
      return (
        <span class="step-status ok" aria-label="succeeded">
          <IconCheck />
        </span>
      );
    case "error":
      return (
        <span class="step-status error" aria-label="failed">
          <IconAlert />
        </span>
      );
    case "stopped":
      return (
        <span class="step-status stopped" aria-label="stopped">
          <IconX />
        </span>
      );
  }
}

function Step({ step }: { step: StepItem }): JSX.Element {
  if (step.kind === "step") {
    return (
      <li class="step step-note">
        <span class="step-dot" aria-hidden="true" />
        <span class="step-text">{step.text}</span>
      </li>
    );
  }
  const args = summarizeArgs(step.args);
  return (
    <li class={`step step-tool tool-${step.status}`} data-tool={step.tool}>
      <ToolStatus status={step.status} />
      <div class="step-body">
        <div class="step-line">
          <IconTool class="step-tool-icon" />
          <code class="step-tool-name">{step.tool}</code>
          {step.duration_ms !== null && (
            <span class="step-duration">{formatDuration(step.duration_ms)}</span>
          )}
        </div>
        {args && <div class="step-args">{args}</div>}
        {step.summary && <div class="step-summary">{step.summary}</div>}
      </div>
    </li>
  );
}

/**
 * Renders the steps block: open while the assistant works, closed once the answer text
 * starts (so the text does not jump when the turn ends) and in the history. A click opens
 * or closes it at any time.
 */
export function StepsView({ steps, status, answering }: StepsViewProps): JSX.Element | null {
  const active = status === "pending" || status === "running";
  const working = active && !answering;
  const [open, setOpen] = useState(working);
  const wasWorking = useRef(working);
  useEffect(() => {
    if (wasWorking.current !== working) setOpen(working);
    wasWorking.current = working;
  }, [working]);
  if (steps.length === 0 && !active) return null;
  const failed = steps.some((s) => s.kind === "tool" && s.status === "error");
  return (
    <details
      class={`steps${active ? " is-active" : ""}${failed ? " has-error" : ""}`}
      open={open}
    >
      <summary
        onClick={(e) => {
          e.preventDefault();
          setOpen(!open);
        }}
      >
        <IconChevron class="steps-chevron" />
        {active && <span class="spinner" aria-hidden="true" />}
        <span class="steps-summary-text">{stepsSummary(steps, status, answering)}</span>
      </summary>
      {steps.length > 0 && (
        <ol class="step-list">
          {steps.map((s, i) => <Step key={s.kind === "tool" ? s.call_id : `s${i}`} step={s} />)}
        </ol>
      )}
    </details>
  );
}
