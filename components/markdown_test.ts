import assert from "node:assert/strict";
import { escapeHtml, markdownToHtml, safeHref } from "./markdown.ts";

Deno.test("markdownToHtml renders common markdown", () => {
  const html = markdownToHtml("There were **468** calls.\n\n- one\n- two\n\n`code`");
  assert.match(html, /<strong>468<\/strong>/);
  assert.match(html, /<li>one<\/li>/);
  assert.match(html, /<code>code<\/code>/);
});

Deno.test("markdownToHtml shows raw HTML as text: no script, no event handlers", () => {
  const html = markdownToHtml(
    'Hi <script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<div onclick=x>hey</div>',
  );
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<div onclick/i);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /&lt;img src=x onerror=&quot;alert\(2\)&quot;&gt;/);
});

Deno.test("markdownToHtml shows links and images to elsewhere as written, never live", () => {
  const html = markdownToHtml(
    "[click](javascript:alert(1)) [data](data:text/html,x) ![pixel](https://evil.example/p.png) " +
      "[click me](http://evil.example/x) and http://evil.example/bare",
  );
  assert.doesNotMatch(html, /href/);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /\[click me\]\(http:\/\/evil\.example\/x\)/);
  assert.match(html, /!\[pixel\]\(https:\/\/evil\.example\/p\.png\)/);
  assert.match(html, /http:\/\/evil\.example\/bare/);
});

Deno.test("markdownToHtml keeps the app's own links (paths on this site)", () => {
  const html = markdownToHtml(
    "[report](/api/reports/r_1) and [docs](https://example.com/a?b=1&c=2)",
  );
  assert.match(html, /<a href="\/api\/reports\/r_1">report<\/a>/);
  assert.doesNotMatch(html, /href="https/);
  assert.match(html, /\[docs\]\(https:\/\/example\.com\/a\?b=1&amp;c=2\)/);
});

Deno.test("markdownToHtml escapes HTML inside table cells and wraps tables", () => {
  const html = markdownToHtml("| a | b |\n|---|--:|\n| x | <b onmouseover=y>2</b> |");
  assert.match(html, /^<div class="md-table"><table>/);
  assert.doesNotMatch(html, /<b /);
  assert.match(html, /&lt;b onmouseover=y&gt;/);
});

Deno.test("safeHref accepts http(s), mailto and same-site paths only", () => {
  assert.equal(safeHref("https://a.example"), "https://a.example");
  assert.equal(safeHref("HTTP://a.example"), "HTTP://a.example");
  assert.equal(safeHref("mailto:x@y.z"), "mailto:x@y.z");
  assert.equal(safeHref("/api/reports/r1"), "/api/reports/r1");
  assert.equal(safeHref("#top"), "#top");
  assert.equal(safeHref("//evil.example"), null);
  assert.equal(safeHref("javascript:alert(1)"), null);
  assert.equal(safeHref("JaVaScRiPt:alert(1)"), null);
  assert.equal(safeHref("java\tscript:alert(1)"), null);
  assert.equal(safeHref("vbscript:x"), null);
  assert.equal(safeHref("relative/path"), null);
});

Deno.test("escapeHtml escapes the five special characters", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});
