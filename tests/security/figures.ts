/**
 * Figures of the security suite's cases (load times, counts): a test reports them with
 * {@linkcode reportFigure}; they are printed, and when `deno task security` runs the tests
 * (it sets `SECURITY_FIGURES_DIR`) also written there for its table of cases.
 */

/** The variable naming the folder figures are written to. */
export const FIGURES_DIR_VARIABLE = "SECURITY_FIGURES_DIR";

/** One reported figure. */
export interface Figure {
  /** The test's name, as `Deno.test` has it. */
  test: string;
  /** The figure, in words: `"p50 120 ms, p95 340 ms"`. */
  text: string;
}

/**
 * Reports a figure of the test named `test`: printed, and written as a JSON line to
 * `$SECURITY_FIGURES_DIR/<slug>.jsonl` when that variable is set.
 */
export function reportFigure(test: string, text: string): void {
  console.log(`figure: ${text}`);
  const dir = Deno.env.get(FIGURES_DIR_VARIABLE);
  if (!dir) return;
  Deno.mkdirSync(dir, { recursive: true });
  const slug = test.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 80);
  const line = JSON.stringify({ test, text } satisfies Figure) + "\n";
  Deno.writeTextFileSync(`${dir}/${slug}.jsonl`, line, { append: true });
}

/** Reads every figure written to `dir` (none when it does not exist). */
export function readFigures(dir: string): Figure[] {
  const out: Figure[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return out;
    throw e;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile || !entry.name.endsWith(".jsonl")) continue;
    for (const line of Deno.readTextFileSync(`${dir}/${entry.name}`).split("\n")) {
      if (!line.trim()) continue;
      const f = JSON.parse(line) as Figure;
      if (typeof f.test === "string" && typeof f.text === "string") out.push(f);
    }
  }
  return out;
}
