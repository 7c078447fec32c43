import assert from "node:assert/strict";
import { safeNext } from "./redirect.ts";

/** Where a browser goes when told `Location: <location>` on http://app.example. */
function landing(location: string): string {
  return new URL(location, "http://app.example/login").origin;
}

Deno.test("security: auth: next accepts only a same-origin path (open redirect after sign-in)", () => {
  const attacks = [
    "/\t/evil.example/", // ?next=%2F%09%2Fevil.example%2F: browsers drop the tab
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/\t\\evil.example/",
    "\t//evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\/evil.example",
    "/.//evil.example/", // normalises to //evil.example
    "/a/..//evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    " /x",
    "/\u0000/evil.example",
    "/\u007f",
    "",
  ];
  for (const next of attacks) {
    const to = safeNext(next);
    assert.equal(landing(to), "http://app.example", `${JSON.stringify(next)} → ${to}`);
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u001f\u007f\\]/.test(to), `${JSON.stringify(next)} → ${to}`);
    assert.ok(!to.startsWith("//"), `${JSON.stringify(next)} → ${to}`);
  }
  for (const next of ["/\t/evil.example/", "//evil.example/", "https://evil.example/"]) {
    assert.equal(safeNext(next), "/");
  }
});

Deno.test("security: auth: safeNext keeps same-origin paths with their query and fragment", () => {
  assert.equal(safeNext("/"), "/");
  assert.equal(safeNext("/?c=abc"), "/?c=abc");
  assert.equal(safeNext("/reports?id=r_1#top"), "/reports?id=r_1#top");
  assert.equal(safeNext(undefined), "/");
  assert.equal(safeNext(null), "/");
  // Non-ASCII is percent-encoded, so the value is always a valid Location header.
  assert.equal(safeNext("/caf\u00e9?q=\u00fc"), "/caf%C3%A9?q=%C3%BC");
  new Headers({ Location: safeNext("/\u4e2d\u6587") });
});
