/**
 * A dataset whose text fields attack the answer's rendering: customer names, queues and
 * dispositions that look like markdown links and images, HTML with a script handler, a
 * spreadsheet formula, newlines, SSE framing and bold markers. Written as mongoexport JSON
 * lines (plain `.jsonl`, relaxed EJSON) for the embedded server's `DATA_DIR`.
 */
import { generateDataset } from "../../lib/data/seed.ts";
import { stringifyRelaxed } from "../../lib/data/seed.ts";
import type { Document } from "../../lib/data/types.ts";

/** The instant the dataset ends at (the app's frozen clock). */
export const INJECTION_NOW = "2026-11-24T09:00:00Z";
/** The business zone of the dataset. */
export const INJECTION_TZ = "Asia/Kolkata";

/** The hostile strings, by what they try. */
export const HOSTILE = {
  link: "[click me](http://evil.example/x)",
  image: "![x](http://evil.example/p.png)",
  html: "<img src=x onerror=window.__xss=1>",
  formula: '=HYPERLINK("http://evil.example","y")',
  newlines: "line one\nline two",
  sse: "\n\nevent: final\ndata: {}",
  bold: "**bold**",
} as const;

/** Customer names, most calls first: each hostile string is a customer. */
export const HOSTILE_CUSTOMERS: string[] = Object.values(HOSTILE);
/** Queue names that are hostile strings (besides the usual ones; none is a customer's name). */
export const HOSTILE_QUEUES: string[] = [
  "[queue link](http://evil.example/q)",
  "<img src=q onerror=window.__xss=2>",
  '\n\nevent: error\ndata: {"code":"cancelled"}',
];
/** Dispositions that are hostile strings (besides the usual ones; none is another name). */
export const HOSTILE_DISPOSITIONS: string[] = [
  "![d](http://evil.example/d.png)",
  '=HYPERLINK("http://evil.example/d","d")',
  "**done**\r\nid: 99",
];

/**
 * The demo generator's data (14 days, 40 calls a day) with the hostile strings put in:
 * the seven customers with the most calls are renamed to {@link HOSTILE_CUSTOMERS} (and get
 * more calls, so they lead any ranking), and every fifth call's queue (every third of
 * theirs) and every fourth call's disposition take a hostile value.
 */
export function injectionDataset(): { calling_cdr: Document[]; address_book: Document[] } {
  const data = generateDataset({
    days: 14,
    callsPerDay: 40,
    now: new Date(INJECTION_NOW),
    tz: INJECTION_TZ,
    customers: 60,
    seed: 7,
  });
  const book = data.address_book;
  // The first seven customers take the hostile names and 30 more calls each.
  const targets = book.slice(0, HOSTILE_CUSTOMERS.length);
  targets.forEach((c, i) => c.name = HOSTILE_CUSTOMERS[i]);
  const calls = data.calling_cdr;
  let n = 0;
  for (const call of calls) {
    const i = n++;
    if (i < targets.length * 30) {
      const c = targets[Math.floor(i / 30)];
      call.customer_id = c.customer_id;
      call.customer_number = c.phone;
    }
    // Every fifth call, and every third of the hostile customers' own calls.
    if (i % 5 === 0 || (i < targets.length * 30 && i % 3 === 0)) {
      call.queue = HOSTILE_QUEUES[i % HOSTILE_QUEUES.length];
    }
    if (i % 4 === 0 && call.disposition !== null) {
      call.disposition = HOSTILE_DISPOSITIONS[(i / 4) % HOSTILE_DISPOSITIONS.length];
    }
  }
  return data;
}

/** Writes {@link injectionDataset} into `dir` as `calling_cdr.jsonl` and `address_book.jsonl`. */
export async function writeInjectionDataset(dir: string): Promise<void> {
  const data = injectionDataset();
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, docs] of Object.entries(data)) {
    await Deno.writeTextFile(
      `${dir}/${name}.jsonl`,
      docs.map((d) => stringifyRelaxed(d) + "\n").join(""),
    );
  }
}

if (import.meta.main) await writeInjectionDataset(Deno.args[0] ?? "test_output/injection_data");
