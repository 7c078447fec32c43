import assert from "node:assert/strict";
import manifest from "./testdata/fresh.gen.ts";
import { createServer } from "./server.ts";
import { CONTENT_SECURITY_POLICY } from "./security.ts";
import { IMMUTABLE_CACHE } from "./static.ts";
import type { BuildManifest } from "./types.ts";

const BUILD: BuildManifest = {
  version: 1,
  inputs_hash: "x",
  entry: "/build/islands-0123456789abcdef.js",
  islands: ["Counter"],
};

function server(logged: unknown[] = []) {
  return createServer({
    manifest,
    buildManifest: BUILD,
    log: (m, e) => logged.push([m, e]),
  });
}

function get(path: string, init?: RequestInit) {
  return new Request(`http://localhost${path}`, init);
}

Deno.test("page renders inside _app with islands, props JSON and the bundle script", async () => {
  const app = await server();
  const res = await app.fetch(get("/", { headers: { "x-who": "ann" } }));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  const html = await res.text();
  assert.ok(html.startsWith('<!DOCTYPE html><html lang="en">'));
  assert.match(html, /<body data-who="ann">/);
  assert.match(html, /<div data-island="Counter" data-island-id="0"><button[^>]*>/);
  assert.match(html, /<div data-island="Counter" data-island-id="1">/);
  const blocks = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(blocks.length, 3);
  // Two props blocks: data, not executable; the one module script has a src and no body.
  const props = blocks.filter((b) => b[1].includes('type="application/json"'));
  assert.equal(props.length, 2);
  assert.deepEqual(JSON.parse(props[1][2]), { label: "second", start: 5 });
  // The title contains "</script>": escaped inside the JSON block.
  assert.ok(!props[0][2].includes("<"));
  assert.deepEqual(JSON.parse(props[0][2]), {
    label: "Hello </script><script>alert(1)</script>",
    start: 1,
  });
  const executable = blocks.filter((b) => !b[1].includes('type="application/json"'));
  assert.equal(executable.length, 1);
  assert.equal(executable[0][1], ` type="module" src="${BUILD.entry}"`);
  assert.equal(executable[0][2], "");
  assert.ok(html.indexOf(BUILD.entry!) > html.lastIndexOf("__island_props_1"));
  assert.ok(!/\son[a-z]+=/i.test(html), "no inline event handlers");
});

Deno.test("page without islands gets no script; middleware state and headers apply", async () => {
  const app = await server();
  const res = await app.fetch(get("/plain"));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-middleware"), "route");
  const html = await res.text();
  assert.match(html, /<p>plain page<\/p>/);
  assert.ok(!html.includes("<script"));
});

Deno.test("security: responses: every response carries the CSP and security headers", async () => {
  const app = await server();
  for (const path of ["/", "/api/items/1", "/nope", "/hello.css", "/api/items/boom"]) {
    const res = await app.fetch(get(path));
    await res.body?.cancel();
    assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(res.headers.get("referrer-policy"), "same-origin", path);
  }
});

Deno.test("params, method objects, 405 with Allow, static segment beats [param]", async () => {
  const app = await server();
  let res = await app.fetch(get("/api/items/a%20b", { headers: { "x-who": "bo" } }));
  assert.deepEqual(await res.json(), { id: "a b", who: "bo" });
  res = await app.fetch(get("/api/items/special"));
  assert.deepEqual(await res.json(), { special: true });
  res = await app.fetch(get("/api/items/1", { method: "DELETE" }));
  assert.equal(res.status, 204);
  res = await app.fetch(get("/api/items/1", { method: "PATCH" }));
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD, DELETE");
  assert.equal((await res.json()).error.code, "method_not_allowed");
  res = await app.fetch(get("/api/items", { method: "PUT" }));
  assert.deepEqual(await res.json(), { method: "PUT" });
});

Deno.test("typed errors map to JSON under /api and to a page elsewhere", async () => {
  const logged: unknown[] = [];
  const app = await server(logged);
  let res = await app.fetch(get("/api/items/missing"));
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: { code: "not_found", message: "Item not found" } });
  res = await app.fetch(get("/api/items/bad"));
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.message, "Item id is malformed");
  res = await app.fetch(get("/api/nothing/here"));
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error.code, "not_found");
  assert.equal(res.headers.get("x-middleware"), "notFound");
  res = await app.fetch(get("/no/such/page"));
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type")!, /text\/html/);
  assert.match(await res.text(), /Page not found/);
  res = await app.fetch(get("/plain?deny"));
  assert.equal(res.status, 403);
  assert.match(await res.text(), /Denied by middleware/);
  assert.equal(logged.length, 0);
});

Deno.test("security: responses: unexpected errors answer 500 with a generic message and are logged", async () => {
  const logged: unknown[] = [];
  const app = await server(logged);
  const res = await app.fetch(get("/api/items/boom"));
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.ok(!text.includes("secret"));
  assert.ok(!text.includes("at "), "no stack trace");
  assert.deepEqual(JSON.parse(text), {
    error: { code: "internal", message: "Something went wrong on the server" },
  });
  assert.equal(logged.length, 1);
});

Deno.test("security: traversal: static files: ETag and 304, immutable /build, no traversal or dotfiles", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/build`);
    await Deno.writeTextFile(`${dir}/styles.css`, "p{}");
    await Deno.writeTextFile(`${dir}/build/islands-abc.js`, "export{}");
    await Deno.writeTextFile(`${dir}/.secret.txt`, "no");
    const app = await createServer({ manifest, staticDir: dir, buildManifest: BUILD });
    let res = await app.fetch(get("/styles.css"));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "p{}");
    assert.equal(res.headers.get("content-type"), "text/css; charset=utf-8");
    assert.match(res.headers.get("cache-control")!, /max-age=60/);
    const etag = res.headers.get("etag")!;
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    res = await app.fetch(get("/styles.css", { headers: { "if-none-match": etag } }));
    assert.equal(res.status, 304);
    res = await app.fetch(get("/build/islands-abc.js"));
    assert.equal(res.headers.get("cache-control"), IMMUTABLE_CACHE);
    assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
    await res.body?.cancel();
    for (const p of ["/.secret.txt", "/build/..%2fstyles.css", "/build%2f..%2f.secret.txt"]) {
      res = await app.fetch(get(p));
      assert.notEqual(res.status, 200, p);
      await res.body?.cancel();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pages render without a script and log once when no build manifest exists", async () => {
  const logged: unknown[] = [];
  const app = await createServer({ manifest, buildManifest: null, log: (m) => logged.push(m) });
  for (let i = 0; i < 2; i++) {
    const html = await (await app.fetch(get("/"))).text();
    assert.match(html, /data-island="Counter"/);
    assert.ok(!html.includes('type="module"'));
  }
  assert.equal(logged.length, 1);
});

Deno.test("static text files over 1 KiB are served gzipped to clients that accept it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const css = "p { color: red; }\n".repeat(200);
    await Deno.writeTextFile(`${dir}/big.css`, css);
    const app = await createServer({ manifest, staticDir: dir, buildManifest: BUILD });
    let res = await app.fetch(get("/big.css", { headers: { "accept-encoding": "gzip, br" } }));
    assert.equal(res.headers.get("content-encoding"), "gzip");
    assert.equal(res.headers.get("vary"), "Accept-Encoding");
    const packed = new Uint8Array(await res.arrayBuffer());
    assert.ok(packed.length < css.length);
    const unpacked = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
    assert.equal(await new Response(unpacked).text(), css);
    const gzEtag = res.headers.get("etag")!;
    res = await app.fetch(get("/big.css"));
    assert.equal(res.headers.get("content-encoding"), null);
    assert.notEqual(res.headers.get("etag"), gzEtag);
    assert.equal(await res.text(), css);
    res = await app.fetch(
      get("/big.css", { headers: { "accept-encoding": "gzip", "if-none-match": gzEtag } }),
    );
    assert.equal(res.status, 304);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
