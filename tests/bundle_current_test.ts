/**
 * The islands bundle in `static/build/` is committed (Deno Deploy serves it without a build
 * step): it must be the one `deno task build` would make from `islands/`, `components/` and
 * everything they import.
 */
import assert from "node:assert/strict";
import { checkBundle } from "../lib/web/build.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

Deno.test("the committed islands bundle is current and exists", async () => {
  const check = await checkBundle({ root: ROOT });
  assert.ok(
    check.current,
    `static/build is stale: run deno task build and commit static/build\n- ${
      check.problems.join("\n- ")
    }`,
  );
  assert.ok(check.manifest?.entry, "the manifest names a bundle");
  const file = `${ROOT}/static${check.manifest.entry}`;
  const size = (await Deno.stat(file)).size;
  assert.ok(size > 1000, `${file} holds the bundle (${size} bytes)`);
});
