import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { closeOpenMarkers, MarkdownView } from "./markdown_view.tsx";

Deno.test("closeOpenMarkers closes what a streamed line left open", () => {
  assert.equal(closeOpenMarkers("Most calls: **siddh"), "Most calls: **siddh**");
  assert.equal(
    closeOpenMarkers("Most calls: **siddharth** (87)"),
    "Most calls: **siddharth** (87)",
  );
  assert.equal(closeOpenMarkers("Busiest: **"), "Busiest: ");
  assert.equal(closeOpenMarkers("Use `run_rep"), "Use `run_rep`");
  assert.equal(closeOpenMarkers("**a**\n\nplain"), "**a**\n\nplain");
  assert.equal(closeOpenMarkers("```\ncode **"), "```\ncode **", "fences are left alone");
});

Deno.test("a streaming answer renders its open bold as bold", () => {
  const html = render(<MarkdownView text="Most calls: **siddh" streaming />);
  assert.match(html, /<strong>siddh<\/strong>/);
  const done = render(<MarkdownView text="Most calls: **siddh" />);
  assert.doesNotMatch(done, /<strong>/, "a finished text is shown as written");
});
