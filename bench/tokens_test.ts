import assert from "node:assert/strict";
import { requestTokens } from "./tokens.ts";

function body(rows: unknown[][], top: string) {
  const result = {
    data_notice: "Tool result.",
    tool: "run_report",
    ok: true,
    summary: { agents: rows.length, top_agent: top },
    rows,
    total_rows: rows.length * 1000,
  };
  return {
    messages: [
      { role: "user", content: "Agent performance last week" },
      { role: "tool", content: JSON.stringify(result) },
    ],
    tools: [{ function: { name: "run_report" } }],
  };
}

Deno.test("shape tokens set the data's values aside, not how much the model is shown", () => {
  const small = body([["jyoti", 12], ["ishita", 9]], "jyoti");
  const big = body([["siddharth", 123456], ["radhika", 98765]], "siddharth");
  assert.notEqual(requestTokens(small), requestTokens(big), "as sent, the values differ");
  assert.equal(requestTokens(small, { shape: true }), requestTokens(big, { shape: true }));
  // A count in prose with a thousands separator is one number, as a short one is.
  const note = (n: string) => ({
    ...small,
    messages: [...small.messages, {
      role: "tool",
      content: JSON.stringify({
        data_notice: "Tool result.",
        tool: "run_report",
        ok: true,
        note: `ask to export all ${n} calls`,
        rows: [[1, 2, 345]],
      }),
    }],
  });
  assert.equal(
    requestTokens(note("1,234,567"), { shape: true }),
    requestTokens(note("98"), { shape: true }),
  );
  // A missing cell (no customer name) is a value like a name.
  assert.equal(
    requestTokens(body([["jyoti", null]], "jyoti"), { shape: true }),
    requestTokens(body([["jyoti", "Vidya Gupta"]], "jyoti"), { shape: true }),
  );
  // One more row shown is more for the model to read: the shape differs.
  const more = body([["jyoti", 12], ["ishita", 9], ["alok", 3]], "jyoti");
  assert.ok(requestTokens(more, { shape: true }) > requestTokens(small, { shape: true }));
  // Text outside a tool result's rows and summary is counted as written.
  const asked = {
    ...small,
    messages: [{ role: "user", content: "x".repeat(400) }, small.messages[1]],
  };
  assert.ok(requestTokens(asked, { shape: true }) > requestTokens(small, { shape: true }) + 90);
});
