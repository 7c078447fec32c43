import assert from "node:assert/strict";
import { compareRoutes, generateManifest, routeInfo } from "./manifest.ts";

const ROOT = decodeURIComponent(new URL("./testdata", import.meta.url).pathname);
const TYPES = decodeURIComponent(new URL("./types.ts", import.meta.url).pathname);

Deno.test("manifest generation is deterministic and matches the committed testdata file", async () => {
  const a = await generateManifest({ root: ROOT, typesPath: TYPES });
  const b = await generateManifest({ root: ROOT, typesPath: TYPES });
  assert.equal(a, b);
  assert.equal(a, await Deno.readTextFile(`${ROOT}/fresh.gen.ts`));
  assert.ok(a.startsWith("// DO NOT EDIT."));
  const keys = [...a.matchAll(/^ {4}"(\.\/[^"]+)":/gm)].map((m) => m[1]);
  const routes = keys.filter((k) => k.startsWith("./routes/"));
  assert.deepEqual(routes, [...routes].sort());
  assert.ok(keys.includes("./islands/Counter.tsx"));
  assert.ok(!keys.some((k) => k.endsWith("_test.ts")));
});

Deno.test("manifest lists new files and ignores tests and dotfiles", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/routes/api/[id]`, { recursive: true });
    await Deno.mkdir(`${dir}/islands`);
    for (const f of ["routes/b.tsx", "routes/a.ts", "routes/a_test.ts", "routes/.x.ts"]) {
      await Deno.writeTextFile(`${dir}/${f}`, "");
    }
    await Deno.writeTextFile(`${dir}/routes/api/[id]/turns.ts`, "");
    await Deno.writeTextFile(`${dir}/islands/Chat-Panel.tsx`, "");
    const src = await generateManifest({ root: dir });
    assert.match(src, /import \* as \$a from "\.\/routes\/a\.ts";/);
    assert.match(src, /import \* as \$api__id__turns from "\.\/routes\/api\/\[id\]\/turns\.ts";/);
    assert.match(src, /import \* as \$\$Chat_Panel from "\.\/islands\/Chat-Panel\.tsx";/);
    assert.match(src, /import type \{ Manifest \} from "\.\/lib\/web\/types\.ts";/);
    assert.ok(!src.includes("a_test"));
    assert.ok(!src.includes(".x.ts"));
    assert.ok(src.indexOf("routes/a.ts") < src.indexOf("routes/b.tsx"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("route file names map to Fresh URL patterns", () => {
  const p = (k: string) => routeInfo(k).pattern;
  assert.equal(p("./routes/index.tsx"), "/");
  assert.equal(p("./routes/login.tsx"), "/login");
  assert.equal(p("./routes/api/conversations/index.ts"), "/api/conversations");
  assert.equal(p("./routes/api/conversations/[id].ts"), "/api/conversations/:id");
  assert.equal(p("./routes/api/conversations/[id]/turns.ts"), "/api/conversations/:id/turns");
  assert.equal(p("./routes/(marketing)/about.tsx"), "/about");
  assert.equal(p("./routes/files/[...path].ts"), "/files/:path{.+}");
  assert.equal(routeInfo("./routes/_app.tsx").kind, "app");
  assert.deepEqual(
    [
      routeInfo("./routes/api/_middleware.ts").kind,
      routeInfo("./routes/api/_middleware.ts").prefix,
    ],
    ["middleware", "/api"],
  );
  const sorted = ["./routes/[...all].ts", "./routes/[id].ts", "./routes/about.ts"]
    .map(routeInfo).sort(compareRoutes).map((r) => r.pattern);
  assert.deepEqual(sorted, ["/about", "/:id", "/:all{.+}"]);
});
