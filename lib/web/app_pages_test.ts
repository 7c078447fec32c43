import assert from "node:assert/strict";
import { CONTENT_SECURITY_POLICY } from "./security.ts";
import { testApp, TestClient } from "../../testing/web_app.ts";
import type { BuildManifest } from "./types.ts";

const BUILD: BuildManifest = {
  version: 1,
  inputs_hash: "test",
  entry: "/build/islands-feedfacefeedface.js",
  islands: ["Chat", "LoginForm"],
};

/** `<script>` tags of a page: [attributes, body]. */
function scripts(html: string): [string, string][] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => [m[1], m[2]]);
}

Deno.test("security: responses: the app page renders the chat island with props JSON and no inline script", async () => {
  const t = await testApp({ buildManifest: BUILD });
  try {
    const c = await new TestClient(t.app).login("alice");
    const res = await c.request("GET", "/");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("referrer-policy"), "same-origin");
    const html = await res.text();
    assert.ok(html.startsWith("<!DOCTYPE html>"));
    assert.match(html, /<div data-island="Chat" data-island-id="0">/);
    const tags = scripts(html);
    const data = tags.filter(([a]) => a.includes('type="application/json"'));
    assert.equal(data.length, 1);
    assert.equal(JSON.parse(data[0][1]).username, "alice");
    const code = tags.filter(([a]) => !a.includes('type="application/json"'));
    assert.deepEqual(code, [[` type="module" src="${BUILD.entry}"`, ""]]);
    assert.ok(!/\son[a-z]+=/i.test(html), "no inline event handlers");
    assert.ok(!/\sstyle=/i.test(html), "no inline styles (CSP style-src 'self')");
  } finally {
    await t.close();
  }
});

Deno.test("the login page renders without a session; signed-in users go to the app", async () => {
  const t = await testApp({ buildManifest: BUILD });
  try {
    const c = new TestClient(t.app);
    let res = await c.request("GET", "/login");
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /data-island="LoginForm"/);
    assert.ok(!/\sstyle=/i.test(html));
    await c.login("alice");
    res = await c.request("GET", "/login");
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/");
  } finally {
    await t.close();
  }
});

Deno.test("unknown pages and API paths answer 404 in their own format", async () => {
  const t = await testApp({ buildManifest: BUILD });
  try {
    const c = await new TestClient(t.app).login("alice");
    const page = await c.request("GET", "/no/such/page");
    assert.equal(page.status, 404);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    await page.body?.cancel();
    const api = await c.json("GET", "/api/no/such/thing");
    assert.equal(api.status, 404);
    assert.equal(api.body.error.code, "not_found");
    const method = await c.json("PUT", "/api/conversations", {});
    assert.equal(method.status, 405);
  } finally {
    await t.close();
  }
});
