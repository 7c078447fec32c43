/**
 * `deno task build`: regenerates `fresh.gen.ts` when routes or islands changed, then builds
 * the islands' hydration bundle into `static/build/` (skipped while up to date).
 * `--force` rebuilds anyway; `--quiet` prints only errors (`deno task start` uses it).
 */
import { buildIslands } from "../lib/web/build.ts";
import { writeManifest } from "../lib/web/manifest.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const started = performance.now();
const quiet = Deno.args.includes("--quiet");
const say = (message: string) => {
  if (!quiet) console.log(message);
};
try {
  if (await writeManifest({ root })) say("fresh.gen.ts updated");
  const result = await buildIslands({ root, force: Deno.args.includes("--force") });
  const ms = Math.round(performance.now() - started);
  if (!result.manifest.entry) say("No islands to build");
  else if (result.built) {
    say(
      `Built ${result.manifest.entry} (${result.manifest.islands.length} islands, ` +
        `${Math.round(result.bytes / 1024)} KiB) in ${ms} ms`,
    );
  } else say(`Islands bundle is up to date (${result.manifest.entry}, ${ms} ms)`);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  Deno.exit(1);
}
