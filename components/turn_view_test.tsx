import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { newTurn, type TurnView as Turn } from "./chat_state.ts";
import { TurnView } from "./turn_view.tsx";

const NOW = new Date("2026-11-24T12:00:00Z");

function doneTurn(extra: Partial<Turn> = {}): Turn {
  return {
    ...newTurn("How many calls today?", "2026-11-24T09:02:00Z"),
    turn_id: "t1",
    status: "done",
    answer: "**5** calls",
    finished_at: "2026-11-24T09:02:03Z",
    steps: [{
      kind: "tool",
      call_id: "h0",
      tool: "run_report",
      args: {},
      status: "ok",
      summary: "1 row",
      duration_ms: 12,
    }],
    ...extra,
  };
}

const noop = () => {};
const rate = () => Promise.resolve(true);

Deno.test("a finished answer shows its times in the business zone and its actions", () => {
  const html = render(
    <TurnView
      turn={doneTurn()}
      onRetry={noop}
      onFeedback={rate}
      timeZone="Asia/Kolkata"
      now={NOW}
    />,
  );
  assert.match(
    html,
    /<time class="msg-time" datetime="2026-11-24T09:02:00Z" title="Asked Tue, 24 Nov 2026, 14:32:00 India Standard Time \(Asia\/Kolkata\)">14:32 IST<\/time>/,
  );
  assert.match(html, />14:32 IST<\/time>.*>14:32 IST<\/time>/s);
  assert.match(html, /aria-label="Copy the answer"/);
  assert.match(html, /aria-label="Retry"/);
  assert.match(html, /aria-label="Good answer"[^>]*aria-pressed="false"/);
  assert.match(html, /aria-label="Bad answer"[^>]*aria-pressed="false"/);
  // The steps of a finished turn are there, collapsed.
  assert.match(html, /<details class="steps"(?![^>]*open)/);
  assert.match(html, /run_report/);
  assert.doesNotMatch(html, /aria-label="Edit the question"/, "only the last turn is editable");
  assert.doesNotMatch(html, /style=/, "no inline styles (CSP)");
});

Deno.test("the given feedback shows as a pressed thumb; the last question can be edited", () => {
  const html = render(
    <TurnView
      turn={doneTurn({ feedback: { rating: "down", comment: "Wrong" } })}
      onRetry={noop}
      onEdit={noop}
      onFeedback={rate}
      now={NOW}
    />,
  );
  assert.match(html, /aria-label="Bad answer"[^>]*aria-pressed="true"/);
  assert.match(html, /class="[^"]*thumb-button is-on"/);
  assert.match(html, /aria-label="Edit the question"/);
  // While another turn runs, the question cannot be edited and Retry waits.
  const busy = render(
    <TurnView turn={doneTurn()} onRetry={noop} onEdit={noop} onFeedback={rate} busy now={NOW} />,
  );
  assert.doesNotMatch(busy, /aria-label="Edit the question"/);
  assert.match(busy, /aria-label="Retry"[^>]*disabled/);
});

Deno.test("a stopped turn offers Ask again and no thumbs; a running one no actions", () => {
  const stopped = render(
    <TurnView
      turn={doneTurn({
        status: "cancelled",
        answer: "Found 3 queues",
        error: { code: "cancelled", message: "Stopped" },
      })}
      onRetry={noop}
      onFeedback={rate}
      now={NOW}
    />,
  );
  assert.match(stopped, /Ask again/);
  assert.match(stopped, /aria-label="Copy the answer"/);
  assert.doesNotMatch(stopped, /Good answer/);
  const running = render(
    <TurnView
      turn={doneTurn({ status: "running", answer: "Count", finished_at: null })}
      onRetry={noop}
      onFeedback={rate}
      now={NOW}
    />,
  );
  assert.doesNotMatch(running, /Answer actions/);
  assert.match(running, /class="md is-streaming"/);
});

Deno.test("the turn just asked keeps room below its question", () => {
  assert.match(
    render(<TurnView turn={doneTurn()} room now={NOW} />),
    /class="turn turn-done has-room"/,
  );
  assert.doesNotMatch(render(<TurnView turn={doneTurn()} now={NOW} />), /has-room/);
});

Deno.test("a shared conversation, read only: copy and downloads stay, nothing that writes", () => {
  const turn = doneTurn({
    tables: [{
      title: "Calls — yesterday",
      columns: ["Queue", "Calls"],
      column_types: ["string", "integer"],
      rows: [["support", 38], ["sales", 12]],
      total_rows: 2,
      download: "/api/tables/t_abc123/xlsx",
    }],
    reports: [{ id: "r1", title: "Calls", rows: 2, download: "/api/reports/r1" }],
  });
  const writable = render(
    <TurnView turn={turn} onRetry={noop} onEdit={noop} onFeedback={rate} now={NOW} />,
  );
  for (const label of ["Retry", "Good answer", "Bad answer", "Edit the question"]) {
    assert.match(writable, new RegExp(`aria-label="${label}"`), `${label} for the owner`);
  }
  const readOnly = render(
    <TurnView turn={turn} onRetry={noop} onEdit={noop} onFeedback={rate} readOnly now={NOW} />,
  );
  for (const label of ["Retry", "Good answer", "Bad answer", "Edit the question"]) {
    assert.doesNotMatch(readOnly, new RegExp(`aria-label="${label}"`), `no ${label} read only`);
  }
  assert.match(readOnly, /aria-label="Copy the answer"/);
  assert.match(readOnly, /Download Excel/);
  assert.match(readOnly, /href="\/api\/reports\/r1"/);

  const stopped = doneTurn({
    status: "cancelled",
    answer: "Found 3 queues",
    error: { code: "cancelled", message: "Stopped" },
  });
  assert.match(render(<TurnView turn={stopped} onRetry={noop} now={NOW} />), /Ask again/);
  const stoppedReadOnly = render(<TurnView turn={stopped} onRetry={noop} readOnly now={NOW} />);
  assert.doesNotMatch(stoppedReadOnly, /Ask again|retry-button/);
  assert.match(stoppedReadOnly, /Stopped\./);
  const failed = doneTurn({
    status: "error",
    answer: "",
    error: { code: "model_error", message: "The model did not answer" },
  });
  assert.match(render(<TurnView turn={failed} onRetry={noop} now={NOW} />), /<span>Retry<\/span>/);
  assert.doesNotMatch(
    render(<TurnView turn={failed} onRetry={noop} readOnly now={NOW} />),
    /<span>Retry<\/span>/,
  );
});
