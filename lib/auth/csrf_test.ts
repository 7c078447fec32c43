import assert from "node:assert/strict";
import { csrfProblem, requestOrigin } from "./csrf.ts";

function req(method: string, headers: Record<string, string>, url = "http://localhost:8000/api/x") {
  return new Request(url, { method, headers });
}

Deno.test("security: csrf: safe methods are never refused", () => {
  assert.equal(csrfProblem(req("GET", { Origin: "https://evil.example" }), []), null);
  assert.equal(csrfProblem(req("HEAD", { "Sec-Fetch-Site": "cross-site" }), []), null);
});

Deno.test("security: csrf: Sec-Fetch-Site decides when present", () => {
  for (const site of ["same-origin", "none"]) {
    assert.equal(csrfProblem(req("POST", { "Sec-Fetch-Site": site }), []), null, site);
  }
  for (const site of ["cross-site", "same-site"]) {
    assert.match(csrfProblem(req("DELETE", { "Sec-Fetch-Site": site }), [])!, /Cross-site/);
  }
  // Even with a matching Origin, a cross-site fetch is refused.
  assert.ok(csrfProblem(
    req("POST", { "Sec-Fetch-Site": "cross-site", Origin: "http://localhost:8000" }),
    [],
  ));
});

Deno.test("security: csrf: without Sec-Fetch-Site, Origin must be the server's own or allowed", () => {
  assert.equal(csrfProblem(req("POST", { Origin: "http://localhost:8000" }), []), null);
  assert.ok(csrfProblem(req("POST", { Origin: "http://localhost:8001" }), []));
  assert.ok(csrfProblem(req("PATCH", { Origin: "null" }), []));
  assert.equal(
    csrfProblem(req("PUT", { Origin: "https://App.Example.com" }), ["https://app.example.com/"]),
    null,
  );
  assert.match(csrfProblem(req("POST", {}), [])!, /neither/);
});

Deno.test("security: csrf: behind a proxy the origin follows Host and X-Forwarded-Proto", () => {
  const r = req("POST", {
    Host: "cc.example.com",
    "X-Forwarded-Proto": "https",
    Origin: "https://cc.example.com",
  }, "http://127.0.0.1:8000/api/x");
  assert.equal(requestOrigin(r), "https://cc.example.com");
  assert.equal(csrfProblem(r, []), null);
});
