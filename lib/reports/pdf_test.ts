import assert from "node:assert/strict";
import { generateDataset } from "../data/seed.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import { getReport } from "./catalog.ts";
import { exportReportPdf, PDF_ROW_CAP, pdfFileName, toWinAnsi, writeReportPdf } from "./pdf.ts";
import { renderValue, runReport } from "./run.ts";
import { reportMetaFromCompiled } from "./save.ts";
import type { ReportParams } from "./types.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";
const OUT = new URL("../../test_output/pdf/", import.meta.url);

/** Whether a command runs here (poppler-utils for pdftotext/pdftoppm). */
function hasCommand(name: string): boolean {
  try {
    new Deno.Command(name, { args: ["-v"], stdout: "null", stderr: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}
const NO_POPPLER = !hasCommand("pdftotext") || !hasCommand("pdftoppm");
const IGNORE_REASON = "pdftotext/pdftoppm (poppler-utils) are not installed";
if (NO_POPPLER) console.warn(`pdf_test: ignored: ${IGNORE_REASON}`);

/** Collects what is written to a web sink. */
function memorySink(): { sink: WritableStream<Uint8Array>; bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    sink: new WritableStream({ write: (c) => void chunks.push(c) }),
    bytes() {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    },
  };
}

/** Runs a poppler tool on `pdf`: its stdout, or the image it wrote (`-singlefile`). */
async function poppler(tool: string, args: string[], pdf: Uint8Array): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/in.pdf`;
    await Deno.writeFile(file, pdf);
    const image = tool === "pdftoppm";
    const out = await new Deno.Command(tool, {
      args: image ? [...args, "-singlefile", file, `${dir}/page`] : [...args, file, "-"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, `${tool} failed: ${new TextDecoder().decode(out.stderr)}`);
    if (!image) return out.stdout;
    const ext = args.includes("-png") ? "png" : args.includes("-gray") ? "pgm" : "ppm";
    return await Deno.readFile(`${dir}/page.${ext}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The text of each page (pdftotext separates pages with form feeds). */
async function pagesText(pdf: Uint8Array): Promise<string[]> {
  const text = new TextDecoder().decode(await poppler("pdftotext", ["-layout"], pdf));
  return text.split("\f").slice(0, -1);
}

async function seeded(days: number, callsPerDay: number) {
  const data = generateDataset({ days, callsPerDay, seed: 7, now: NOW, tz: TZ });
  return { client: await embeddedClient({ ...data }), data };
}

async function savedReport(
  client: Awaited<ReturnType<typeof seeded>>["client"],
  name: string,
  params: ReportParams,
) {
  const compiled = await getReport(name)!.compile(params, { client, tz: TZ, now: NOW });
  const result = await runReport(name, params, { client, tz: TZ, now: NOW });
  const meta = reportMetaFromCompiled(compiled, {
    owner: "u1",
    rows: result.total_rows,
    params,
    tz: TZ,
  });
  return { meta, result };
}

const squash = (s: string) => s.replace(/\s+/g, " ");

Deno.test({
  name: "pdf: an aggregate report: cover, KPI tiles, chart, every row, page numbers",
  ignore: NO_POPPLER,
  async fn() {
    const { client } = await seeded(3, 120);
    try {
      const { meta, result } = await savedReport(client, "agent_performance", {
        period: "last 7 days",
      });
      assert.ok(result.rows.length >= 5, "several agents");
      const { sink, bytes } = memorySink();
      const generatedAt = new Date("2026-11-24T10:15:00Z");
      const res = await exportReportPdf(meta, client, sink, { generatedAt });
      const pdf = bytes();
      assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
      assert.equal(res.rows, result.rows.length, "an aggregate is drawn in full");
      const pages = await pagesText(pdf);
      assert.equal(pages.length, res.pages);
      const first = squash(pages[0]);
      const all = squash(pages.join(" "));
      assert.ok(first.includes(result.title), "title");
      const label = result.period!.label;
      assert.ok(first.includes(label.charAt(0).toUpperCase() + label.slice(1)), "period words");
      // Generated-at in the business zone (10:15 UTC is 15:45 in Kolkata).
      assert.ok(first.includes("24 Nov 2026, 15:45 (Asia/Kolkata)"), "generated-at");
      // KPI tiles: the row count and the totals of additive columns, from the rows.
      const col = (key: string) => result.columns.findIndex((c) => c.key === key);
      const sum = (key: string) => result.rows.reduce((n, r) => n + Number(r[col(key)] ?? 0), 0);
      assert.ok(/Rows\b/.test(first));
      for (const key of ["calls_handled", "incoming_handled"]) {
        const label = result.columns[col(key)].label.toLowerCase();
        assert.ok(first.includes(`Total ${label}`), `tile ${label}`);
        assert.ok(first.includes(sum(key).toLocaleString("en-US")), `total of ${key}`);
      }
      // The chart's title and axis (drawn as text beside the vector bars).
      assert.ok(first.includes("by agent"), "chart title");
      // Table cells as the chat renders them, every row present.
      for (const row of result.rows) {
        const cells = result.columns.map((c, i) => renderValue(row[i], c, TZ));
        assert.ok(all.includes(cells[0]), `agent ${cells[0]}`);
        assert.ok(all.includes(`${cells[0]} ${cells[1]} ${cells[2]}`), `row of ${cells[0]}`);
      }
      assert.ok(first.includes(`Page 1 of ${res.pages}`));
      assert.ok(!all.includes("This PDF shows the first"), "no cap line for an aggregate");

      // Page 1 as a PNG, not blank.
      const png = await poppler("pdftoppm", ["-png", "-r", "50", "-f", "1", "-l", "1"], pdf);
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
      assert.ok(png.length > 10_000, `a PNG with content (${png.length} bytes)`);
      await Deno.mkdir(OUT, { recursive: true });
      await Deno.writeFile(new URL("report_pdf_aggregate.png", OUT), png);
      await Deno.writeFile(new URL("report_pdf_aggregate.pdf", OUT), pdf);
      const pgm = await poppler("pdftoppm", ["-gray", "-r", "50", "-f", "1", "-l", "1"], pdf);
      const ink = darkShare(pgm);
      assert.ok(ink > 0.01 && ink < 0.5, `ink covers ${(ink * 100).toFixed(1)}% of page 1`);
    } finally {
      await client.close();
    }
  },
});

/** Share of pixels darker than light grey in a binary PGM (`P5 w h max\n` + bytes). */
function darkShare(pgm: Uint8Array): number {
  const head = new TextDecoder().decode(pgm.subarray(0, 40));
  const m = head.match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  assert.ok(m, "a PGM image");
  const pixels = pgm.subarray(m[0].length);
  assert.equal(pixels.length, Number(m[1]) * Number(m[2]));
  let dark = 0;
  for (const p of pixels) if (p < 200) dark++;
  return dark / pixels.length;
}

Deno.test({
  name: "pdf: a listing past the cap: first rows, a line pointing to Excel, header on every page",
  ignore: NO_POPPLER,
  async fn() {
    const { client, data } = await seeded(9, 300);
    try {
      const expected = data.calling_cdr.filter((c) => (c.start_time as Date) < NOW).length;
      assert.ok(expected > PDF_ROW_CAP, `more rows (${expected}) than the cap`);
      const { meta, result } = await savedReport(client, "call_list", {});
      assert.equal(result.total_rows, expected);
      const { sink, bytes } = memorySink();
      const started = performance.now();
      const res = await exportReportPdf(meta, client, sink);
      const ms = performance.now() - started;
      const pdf = bytes();
      console.log(
        `pdf: ${res.rows} rows, ${res.pages} pages, ${pdf.length} bytes in ${ms.toFixed(0)} ms`,
      );
      assert.equal(res.rows, PDF_ROW_CAP);
      const pages = await pagesText(pdf);
      assert.equal(pages.length, res.pages);
      assert.ok(res.pages > 10);
      const first = squash(pages[0]);
      const all = squash(pages.join(" "));
      assert.ok(first.includes(meta.title));
      assert.ok(first.includes(expected.toLocaleString("en-US")), "the row count tile");
      // Talk time over all rows, not only the drawn ones (h:mm:ss on the tile).
      const talk = data.calling_cdr.filter((c) => (c.start_time as Date) < NOW)
        .reduce((n, c) => n + Number(c.talk_seconds ?? 0), 0);
      const hms = `${Math.floor(talk / 3600)}:${
        String(Math.floor(talk % 3600 / 60)).padStart(2, "0")
      }:${String(talk % 60).padStart(2, "0")}`;
      assert.ok(first.includes(hms), `total talk ${hms}`);
      const cap = PDF_ROW_CAP.toLocaleString("en-US");
      const total = expected.toLocaleString("en-US");
      assert.ok(
        all.includes(`This PDF shows the first ${cap} of ${total} rows.`) &&
          all.includes(`Excel file (${meta.file_name}) for all ${total} rows`),
        "the cap line",
      );
      assert.ok(first.includes(`Page 1 of ${res.pages}`));
      assert.ok(squash(pages[1]).includes(`Page 2 of ${res.pages}`));
      // The header row repeats: page 2 has page 1's header line, with the column labels.
      const headerLine = pages[0].split("\n").find((l) => l.includes(meta.columns[0].label));
      assert.ok(headerLine, "a header line on page 1");
      const labels = meta.columns.filter((c) => headerLine.includes(c.label));
      assert.ok(labels.length >= meta.columns.length / 2, `labels in "${headerLine}"`);
      assert.ok(squash(pages[1]).includes(squash(headerLine).trim()), "the header on page 2");
      assert.ok(squash(pages.at(-1)!).includes(squash(headerLine).trim()), "and on the last");
      // The first and the last drawn call ids (oldest first, as in the Excel file).
      const ids = result.columns.findIndex((c) => c.key === "call_id");
      assert.ok(first.includes(String(result.rows[0][ids])), "first row on page 1");
      assert.ok(!all.includes("No rows."));
      const png = await poppler("pdftoppm", ["-png", "-r", "50", "-f", "1", "-l", "1"], pdf);
      assert.ok(png.length > 10_000);
      await Deno.mkdir(OUT, { recursive: true });
      await Deno.writeFile(new URL("report_pdf_listing.png", OUT), png);
    } finally {
      await client.close();
    }
  },
});

Deno.test("pdf: text outside WinAnsi is replaced, never dropped or crashing", () => {
  assert.equal(toWinAnsi("Zoë “ok” – 5 €"), "Zoë “ok” – 5 €");
  assert.equal(toWinAnsi("Łódź ő"), "?ódz o");
  assert.equal(toWinAnsi("漢字 🙂\tx\u2028y"), "?? ? x y");
});

Deno.test("pdf: the file name is the Excel file's, ending in .pdf", () => {
  assert.equal(
    pdfFileName({ file_name: "calls_2026-11.xlsx", title: "Calls" }),
    "calls_2026-11.pdf",
  );
  assert.equal(pdfFileName({ file_name: "", title: "Calls" }), "Calls.pdf");
});

Deno.test({
  name: "pdf: long and unusual cells are cut to their column with an ellipsis",
  ignore: NO_POPPLER,
  async fn() {
    const long = "A very long note that cannot possibly fit ".repeat(8);
    const { sink, bytes } = memorySink();
    await writeReportPdf(
      {
        info: {
          title: "Notes 漢字",
          columns: [
            { key: "note", label: "Note", type: "string" },
            { key: "who", label: "Who", type: "string" },
            { key: "n", label: "N", type: "integer" },
          ],
          filters: ["agent: zoë"],
          asOf: NOW,
        },
        kind: "listing",
        rows: [[long, "Ravi 🙂 Łódź", 1], ['=HYPERLINK("x")', { a: 1 }, 2]],
        totalRows: 2,
        totals: new Map([["n", 3]]),
      },
      sink,
      { tz: TZ },
    );
    const text = squash((await pagesText(bytes())).join(" "));
    assert.ok(text.includes("Notes ??"), "title with replacements");
    assert.ok(text.includes("Ravi ? ?ódz"), "cell with replacements");
    assert.ok(text.includes("A very long note") && text.includes("\u2026"), "cut with an ellipsis");
    assert.ok(!text.includes(long.trim()), "not drawn in full");
    assert.ok(text.includes('=HYPERLINK("x")'), "data drawn as text");
    assert.ok(text.includes('{"a":1}'), "objects as JSON");
  },
});
