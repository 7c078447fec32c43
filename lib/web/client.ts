/**
 * Browser side of the islands layer: hydrates every `<div data-island>` the server rendered,
 * with the props from its `<script type="application/json">` block. The generated bundle
 * entry (see `lib/web/build.ts`) imports the islands and calls {@linkcode hydrateIslands}.
 */
import { type ComponentType, h, hydrate } from "preact";

/** Hydrates the islands found under `root` (default: the document). */
export function hydrateIslands(
  // deno-lint-ignore no-explicit-any
  islands: Record<string, ComponentType<any>>,
  root: ParentNode = document,
): void {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>("[data-island]"))) {
    const name = el.dataset.island ?? "";
    const Island = islands[name];
    if (!Island) {
      console.warn(`Cannot hydrate island "${name}": it is not in the bundle`);
      continue;
    }
    const script = document.getElementById(`__island_props_${el.dataset.islandId}`);
    let props: Record<string, unknown> = {};
    try {
      props = script?.textContent ? JSON.parse(script.textContent) : {};
    } catch (e) {
      console.error(`Cannot hydrate island "${name}": its props are not valid JSON`, e);
      continue;
    }
    hydrate(h(Island, props), el);
  }
}
