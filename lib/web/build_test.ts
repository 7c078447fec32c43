import assert from "node:assert/strict";
import { buildIslands, entrySource } from "./build.ts";

const ROOT = decodeURIComponent(new URL("./testdata", import.meta.url).pathname);

Deno.test("entry source imports each island and hydrates it by name", () => {
  const src = entrySource(
    "/p/static/build",
    "/p",
    ["./islands/Chat.tsx", "./islands/a/B.tsx"],
    "/p/lib/web/client.ts",
  );
  assert.match(src, /import \{ hydrateIslands \} from "\.\.\/\.\.\/lib\/web\/client\.ts";/);
  assert.match(src, /import \$0 from "\.\.\/\.\.\/islands\/Chat\.tsx";/);
  assert.match(src, /"a_B": \$1,/);
});

Deno.test({
  name: "islands build: content-hashed bundle, manifest, skipped when up to date",
  sanitizeResources: false,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      const first = await buildIslands({ root: ROOT, outDir: out });
      assert.equal(first.built, true);
      assert.match(first.manifest.entry!, /^\/build\/islands-[0-9a-f]{16}\.js$/);
      assert.deepEqual(first.manifest.islands, ["Counter"]);
      const file = `${out}/${first.manifest.entry!.split("/").pop()}`;
      const code = await Deno.readTextFile(file);
      assert.ok(code.includes("data-island"), "the bundle hydrates [data-island] elements");
      assert.ok(!code.includes("Deno."), "no server code in the browser bundle");
      const saved = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
      assert.deepEqual(saved, first.manifest);
      const second = await buildIslands({ root: ROOT, outDir: out });
      assert.equal(second.built, false);
      assert.deepEqual(second.manifest, first.manifest);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
