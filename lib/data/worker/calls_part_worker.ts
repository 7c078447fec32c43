/**
 * Makes one part of the generated demo calls into a column table and posts it back as
 * plain data, its buffers transferred (see {@link ../generated_calls.ts}).
 *
 * Message in: `{seed, range}` (the seed options with `now` set). Message out: `{table}`
 * or `{error}`.
 *
 * @module
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { ColumnTableBuilder, transferablesOf } from "../columnar/column_table.ts";
import { appendGenerated } from "../generated_calls.ts";
import type { CallRange, SeedOptions } from "../seed.ts";

self.onmessage = async (e: MessageEvent<{ seed: SeedOptions; range: CallRange }>) => {
  try {
    const { seed, range } = e.data;
    const builder = new ColumnTableBuilder({ capacity: Math.max(1, range.to - range.from) });
    await appendGenerated(builder, seed, range, false);
    const table = builder.finish().data();
    // Values of other kinds would lose their BSON classes on the way: none are generated.
    if (table.columns.some((c) => c.others.length > 0)) {
      throw new Error("A generated call has a value the columns cannot carry across threads");
    }
    self.postMessage({ table }, transferablesOf(table));
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
  self.close();
};
