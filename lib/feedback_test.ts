import assert from "node:assert/strict";
import { answerExcerpt, csvCell, feedbackCsv } from "./feedback.ts";
import type { FeedbackRecord } from "./kv.ts";

Deno.test("security: injection: csvCell quotes separators and neutralises formulas", () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi", then'), '"say ""hi"", then"');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
  assert.equal(csvCell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvCell("+1"), "'+1");
  assert.equal(csvCell("-2"), "'-2");
  assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell('=1,"2"'), `"'=1,""2"""`);
  assert.equal(csvCell("a=b"), "a=b", "only a leading formula sign matters");
});

Deno.test("answerExcerpt keeps one line and cuts at a word", () => {
  assert.equal(answerExcerpt("  **418** calls\n\nlast week  "), "**418** calls last week");
  const long = "word ".repeat(100);
  const cut = answerExcerpt(long, 30);
  assert.ok([...cut].length <= 30, cut);
  assert.match(cut, /^(word )*word…$/);
});

Deno.test("feedbackCsv writes a header and one row per feedback", () => {
  const rec: FeedbackRecord = {
    turn_id: "t_1",
    owner: "u_1",
    username: "alice",
    conversation_id: "c_1",
    question: "How many calls, today?",
    answer_excerpt: "-5 calls",
    rating: "down",
    comment: 'Wrong: "5"\nshould be 7',
    created_at: "2026-11-24T09:00:00.000Z",
  };
  const csv = feedbackCsv([rec]);
  const [header, ...rest] = csv.split("\r\n");
  assert.equal(
    header,
    "turn_id,user,conversation_id,question,answer_excerpt,rating,comment,created_at",
  );
  assert.equal(
    rest.join("\r\n"),
    `t_1,alice,c_1,"How many calls, today?",'-5 calls,down,"Wrong: ""5""\nshould be 7",2026-11-24T09:00:00.000Z\r\n`,
  );
  assert.equal(feedbackCsv([]), `${header}\r\n`);
});
