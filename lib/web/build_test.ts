import assert from "node:assert/strict";
import { buildIslands, checkBundle, entrySource } from "./build.ts";

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

async function bundles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (/^islands-[0-9a-f]+\.js$/.test(e.name)) names.push(e.name);
  }
  return names;
}

Deno.test({
  name: "islands build: a rebuild leaves exactly one bundle, and checkBundle sees it current",
  sanitizeResources: false,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${out}/islands-00000000000000aa.js`, "// stale\n");
      const built = await buildIslands({ root: ROOT, outDir: out, force: true });
      const name = built.manifest.entry!.split("/").pop()!;
      assert.deepEqual(await bundles(out), [name]);
      const check = await checkBundle({ root: ROOT, outDir: out });
      assert.deepEqual(check.problems, []);
      assert.equal(check.current, true);
      assert.equal(check.inputsHash, built.manifest.inputs_hash);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "checkBundle: a changed hash, a missing bundle, a stale bundle, a changed entry",
  sanitizeResources: false,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      const { manifest } = await buildIslands({ root: ROOT, outDir: out });
      const name = manifest.entry!.split("/").pop()!;
      const manifestPath = `${out}/manifest.json`;
      const saved = await Deno.readTextFile(manifestPath);

      await Deno.writeTextFile(
        manifestPath,
        JSON.stringify({ ...manifest, inputs_hash: "0".repeat(64) }),
      );
      let check = await checkBundle({ root: ROOT, outDir: out });
      assert.equal(check.current, false);
      assert.match(check.problems.join("\n"), /inputs_hash 000000000000… is not the hash/);
      await Deno.writeTextFile(manifestPath, saved);

      await Deno.rename(`${out}/${name}`, `${out}/islands-00000000000000bb.js`);
      check = await checkBundle({ root: ROOT, outDir: out });
      assert.equal(check.current, false);
      assert.match(check.problems.join("\n"), /the bundle the manifest names .* does not exist/);
      assert.match(check.problems.join("\n"), /stale bundle is left beside it: islands-0+bb\.js/);
      await Deno.rename(`${out}/islands-00000000000000bb.js`, `${out}/${name}`);

      await Deno.writeTextFile(`${out}/.hydrate_entry.ts`, "// edited\n");
      check = await checkBundle({ root: ROOT, outDir: out });
      assert.equal(check.current, false);
      assert.match(check.problems.join("\n"), /does not import the islands/);

      await Deno.remove(manifestPath);
      check = await checkBundle({ root: ROOT, outDir: out });
      assert.equal(check.current, false);
      assert.match(check.problems[0], /manifest\.json is missing/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
