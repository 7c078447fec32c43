/**
 * `deno task manifest`: regenerates `fresh.gen.ts` from `routes/` and `islands/`.
 */
import { writeManifest } from "../lib/web/manifest.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const changed = await writeManifest({ root });
console.log(changed ? "fresh.gen.ts updated" : "fresh.gen.ts is up to date");
