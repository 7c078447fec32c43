import assert from "node:assert/strict";
import { closest, editDistance, Reading, wordPattern } from "./text.ts";

Deno.test("edit distance counts typos, transpositions included", () => {
  assert.equal(editDistance("aditya", "aditya"), 0);
  assert.equal(editDistance("aditiya", "aditya"), 1);
  assert.equal(editDistance("adtiya", "aditya"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.ok(editDistance("abc", "xyzxyzxyz", 2) > 2);
});

Deno.test("closest matches one candidate within the allowance, never a tie", () => {
  assert.equal(closest("vikrm", ["vikram", "rahul"]), "vikram");
  assert.equal(closest("rahl", ["vikram", "rahul"]), "rahul");
  assert.equal(closest("abc", ["abd"]), null, "short words need an exact match");
  assert.equal(closest("anna", ["anne", "anni"]), null, "a tie is no match");
  assert.equal(closest("zzzzzz", ["vikram"]), null);
});

Deno.test("a reading blanks out what it took, keeping positions", () => {
  const r = new Reading("Missed calls for Agent Priya today");
  const hit = r.take(/\bagent\s+(\w+)/u);
  assert.equal(hit?.groups[0], "priya");
  assert.equal(r.text.length, r.original.length);
  assert.equal(r.slice(hit!.index, hit!.text.length), "Agent Priya");
  assert.equal(r.has(/priya/u), false);
  assert.deepEqual(r.words().map((w) => w.word), ["missed", "calls", "for", "today"]);
});

Deno.test("whole-word patterns accept spaces, hyphens and underscores alike", () => {
  const re = new RegExp(wordPattern("follow_up"), "u");
  assert.ok(re.test("calls with follow up"));
  assert.ok(re.test("follow-up calls"));
  assert.ok(!re.test("followups"));
  assert.ok(!new RegExp(wordPattern("sale"), "u").test("sales calls"));
});

Deno.test("lower-casing keeps positions even for characters that grow", () => {
  const r = new Reading("İstanbul CALLS today");
  assert.equal(r.text.length, r.original.length);
  assert.ok(r.has(/\bcalls\b/u));
});

Deno.test("security: injection: mdText: text from the data shows as written in markdown", async () => {
  const { mdText } = await import("./format.ts");
  const { markdownToHtml } = await import("../../../components/markdown.ts");
  const nasty = [
    "[click me](http://evil.example/x)",
    "![x](http://evil.example/p.png)",
    '=HYPERLINK("http://evil.example","y")',
    "<img src=x onerror=alert(1)>",
    "**bold** _em_ `code` ~~gone~~ | a | b |",
    "line one\nline two\r\n# heading",
  ];
  for (const s of nasty) {
    const html = markdownToHtml(`Customer **${mdText(s)}** called.`);
    assert.doesNotMatch(html, /<a |<img|<em>|<code>|<del>|<h1|<table/, s);
    assert.doesNotMatch(html, /<br/, s);
  }
  // Plain names, dispositions and phone numbers are left alone.
  assert.equal(mdText("follow_up"), "follow_up");
  assert.equal(mdText("+917093023557"), "+917093023557");
  assert.equal(mdText("O'Brien (unknown)"), "O'Brien (unknown)");
});

Deno.test("security: injection: mdText: data text with line breaks or spaces at its ends stays bold, no stray asterisks", async () => {
  const { mdText } = await import("./format.ts");
  const { markdownToHtml } = await import("../../../components/markdown.ts");
  for (const s of ["\n\nevent: final\ndata: {}", "  padded  ", "\r\nid: 99\r\n"]) {
    const html = markdownToHtml(`Fewest: **${mdText(s)}** (3).`);
    const shown = s.replace(/\s+/g, " ").trim();
    assert.ok(html.includes(`<strong>${shown}</strong>`), html);
    assert.doesNotMatch(html, /\*/, html);
  }
});
