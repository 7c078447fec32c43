/**
 * The Excel file as another program reads it: its XML (always), and LibreOffice's reading
 * of it converted to ODS (values as shown, print setup), PDF (pages) and CSV, when
 * `soffice` or `libreoffice` is installed.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { generateDataset } from "../data/seed.ts";
import type { Document } from "../data/types.ts";
import { getReport } from "./catalog.ts";
import { exportReport, writeReportXlsx, type XlsxReportInfo } from "./excel.ts";
import { runReport } from "./run.ts";
import { reportMetaFromCompiled } from "./save.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import type { Column } from "./types.ts";

const TZ = "Asia/Kolkata";
const NOW = new Date("2026-11-24T09:00:00Z");

const COLUMNS: Column[] = [
  { key: "start_time", label: "Start time", type: "datetime" },
  { key: "call_id", label: "Call ID", type: "string" },
  { key: "customer_number", label: "Customer number", type: "string" },
  { key: "customer_name", label: "Customer name", type: "string" },
  { key: "agent_name", label: "Agent", type: "string" },
  { key: "queue", label: "Queue", type: "string" },
  { key: "note", label: "Note", type: "string" },
  { key: "status", label: "Status", type: "string" },
  { key: "talk_seconds", label: "Talk (s)", type: "seconds", unit: "s" },
  { key: "wait_seconds", label: "Wait (s)", type: "seconds", unit: "s" },
  { key: "calls", label: "Calls", type: "integer" },
];

/** Text that must come back exactly as written: plain text, however it starts. */
const PLAIN = ["-42", "+4.5", "plain", "a=b", "-"];
/** Text a spreadsheet would read as a formula: neutralised with a leading apostrophe. */
const FORMULAS = ["=1+1", '=HYPERLINK("http://example.com","x")', "@SUM(A1)", "+A1*2", "-2+3"];
const NOTES = [...PLAIN, ...FORMULAS];

/** Rows enough for several printed pages; every value derived from its index. */
function craftedRows(n: number): Document[] {
  return Array.from({ length: n }, (_, i) => ({
    start_time: new Date(NOW.getTime() - (n - i) * 60_000),
    call_id: `C${String(i).padStart(6, "0")}`,
    customer_number: `+9198${String(10_000_000 + i * 7919).slice(-8)}`,
    customer_name: `Customer number ${i} with a long name`,
    agent_name: `agent_${i % 7}`,
    queue: ["sales", "support", "billing"][i % 3],
    note: NOTES[i % NOTES.length],
    status: i % 5 === 0 ? "missed" : "answered",
    talk_seconds: (i * 37) % 900,
    wait_seconds: (i * 13) % 120,
    calls: 1,
  }));
}

const CRAFTED_INFO: XlsxReportInfo = {
  title: "Incoming calls",
  columns: COLUMNS,
  filters: ["period: yesterday (23 Nov 2026)", "direction: incoming"],
  name: "call_list",
  periodLabel: "yesterday (23 Nov 2026)",
  period: { start: new Date("2026-11-22T18:30:00Z"), end: new Date("2026-11-23T18:30:00Z") },
  asOf: NOW,
};

async function xlsxBytes(info: XlsxReportInfo, rows: Document[]): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(new Uint8Array(chunk));
      cb();
    },
  });
  await writeReportXlsx(info, rows, sink, { tz: TZ });
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, o), o += c.length;
  return out;
}

/** The entries of a zip archive (stored or deflated), by name. */
async function unzip(bytes: Uint8Array): Promise<Map<string, string>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, "a zip archive");
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const files = new Map<string, string>();
  const dec = new TextDecoder();
  for (let i = 0; i < entries; i++) {
    assert.equal(view.getUint32(at, true), 0x02014b50, "a central directory entry");
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = dec.decode(bytes.subarray(at + 46, at + 46 + nameLen)).replace(/^\//, "");
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(dataAt, dataAt + size);
    const data = method === 0 ? raw : new Uint8Array(
      await new Response(
        new Blob([raw.slice()]).stream().pipeThrough(new DecompressionStream("deflate-raw")),
      ).arrayBuffer(),
    );
    files.set(name, dec.decode(data));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

function xmlText(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** Cell `ref`'s XML element in a worksheet. */
function cellXml(sheet: string, ref: string): string {
  const m = sheet.match(new RegExp(`<c r="${ref}"[^>]*?(?:/>|>.*?</c>)`));
  assert.ok(m, `cell ${ref} in the sheet`);
  return m[0];
}

/** A cell as LibreOffice keeps it: its value type and the text it shows. */
interface OdsCell {
  type: string | null;
  text: string;
  formula: boolean;
}

/** The sheets of an ODS `content.xml`, by name: rows of cells, trailing blanks dropped. */
function odsSheets(content: string): Map<string, OdsCell[][]> {
  const sheets = new Map<string, OdsCell[][]>();
  const attr = (attrs: string, name: string) =>
    attrs.match(new RegExp(`${name}="([^"]*)"`))?.[1] ?? null;
  for (
    const t of content.matchAll(/<table:table table:name="([^"]*)"[^>]*>(.*?)<\/table:table>/gs)
  ) {
    const rows: OdsCell[][] = [];
    for (const r of t[2].matchAll(/<table:table-row[^>]*?(?:\/>|>(.*?)<\/table:table-row>)/gs)) {
      const cells: OdsCell[] = [];
      for (
        const c of (r[1] ?? "").matchAll(
          /<table:table-cell([^>]*?)(?:\/>|>(.*?)<\/table:table-cell>)/gs,
        )
      ) {
        const paragraphs = [...(c[2] ?? "").matchAll(/<text:p>(.*?)<\/text:p>/gs)].map((p) =>
          xmlText(
            p[1].replace(/<text:s text:c="(\d+)"\/>/g, (_, n) => " ".repeat(Number(n)))
              .replace(/<text:s\/>/g, " ").replace(/<[^>]+>/g, ""),
          )
        );
        const cell = {
          type: attr(c[1], "office:value-type"),
          text: paragraphs.join("\n"),
          formula: attr(c[1], "table:formula") !== null,
        };
        const repeat = Math.min(Number(attr(c[1], "table:number-columns-repeated") ?? 1), 64);
        for (let i = 0; i < repeat; i++) cells.push(cell);
      }
      while (cells.length && cells[cells.length - 1].type === null) cells.pop();
      rows.push(cells);
    }
    while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
    sheets.set(xmlText(t[1]), rows);
  }
  return sheets;
}

/** The cells of one CSV line (quoted fields, doubled quotes). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') cur += '"', i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") cells.push(cur), cur = "";
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}

Deno.test("security: injection: the xlsx XML: plain string cells, neutralised formulas, print setup", async () => {
  const rows = craftedRows(40);
  const files = await unzip(await xlsxBytes(CRAFTED_INFO, rows));
  const sheet = files.get("xl/worksheets/sheet1.xml")!;
  const styles = files.get("xl/styles.xml")!;
  const xfs = [...styles.match(/<cellXfs[^>]*>(.*?)<\/cellXfs>/s)![1].matchAll(/<xf [^>]*>/g)]
    .map((m) => m[0]);
  const noteCol = String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === "note"));
  const phoneCol = String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === "customer_number"));
  rows.forEach((r, i) => {
    const phone = cellXml(sheet, `${phoneCol}${i + 2}`);
    assert.doesNotMatch(phone, /<f>/, "never a formula");
    assert.match(phone, /t="(str|inlineStr|s)"/, "a string cell");
    assert.equal(xmlText(phone.match(/<(?:v|t)>(.*?)<\/(?:v|t)>/)![1]), r.customer_number);
    const style = Number(phone.match(/ s="(\d+)"/)![1]);
    assert.match(xfs[style], /numFmtId="49"/, "in a Text-formatted (@) cell");
    const note = cellXml(sheet, `${noteCol}${i + 2}`);
    assert.doesNotMatch(note, /<f>/);
    const text = xmlText(note.match(/<(?:v|t)>(.*?)<\/(?:v|t)>/)![1]);
    const formula = FORMULAS.includes(r.note as string);
    assert.equal(text, formula ? `'${r.note}` : r.note);
  });
  assert.doesNotMatch(sheet, /<f>/, "no formula anywhere");
  assert.match(sheet, /<pageSetUpPr fitToPage="1"\/>/);
  const setup = sheet.match(/<pageSetup [^>]*\/>/)![0];
  assert.match(setup, /orientation="landscape"/);
  assert.match(setup, /fitToWidth="1"/);
  assert.match(setup, /fitToHeight="0"/);
  assert.match(sheet, /<oddFooter>[^<]*&amp;P[^<]*&amp;N[^<]*<\/oddFooter>/, "page numbers");
  assert.match(
    files.get("xl/workbook.xml")!,
    /<definedName name="_xlnm.Print_Titles" localSheetId="0">[^<]*!\$1:\$1<\/definedName>/,
  );
});

async function findOffice(): Promise<string | null> {
  for (const cmd of ["libreoffice", "soffice"]) {
    try {
      const out = await new Deno.Command("which", { args: [cmd], stdout: "piped", stderr: "null" })
        .output();
      if (out.success) return new TextDecoder().decode(out.stdout).trim();
    } catch {
      // `which` missing: treat as not installed.
    }
  }
  return null;
}

const OFFICE = await findOffice();
let profile: string | null = null;
globalThis.addEventListener("unload", () => {
  if (profile) Deno.removeSync(profile, { recursive: true });
});

/** Converts `files` with LibreOffice into `dir` (`format` as `--convert-to` takes it). */
async function convert(dir: string, format: string, files: string[]): Promise<void> {
  // A profile of our own (not the user's), kept for the next conversion: the first start
  // with a new profile is the slow one.
  profile ??= await Deno.makeTempDir({ prefix: "report_lo_profile_" });
  const out = await new Deno.Command(OFFICE!, {
    args: [
      `-env:UserInstallation=file://${profile}`,
      "--headless",
      "--convert-to",
      format,
      "--outdir",
      dir,
      ...files,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

const skipNote = OFFICE ? "" : " (skipped: libreoffice/soffice not on PATH)";

Deno.test({
  name:
    "security: injection: LibreOffice reads phones as plain text, formulas neutralised, fit-to-width landscape" +
    skipNote,
  ignore: !OFFICE,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "report_lo_" });
    try {
      const rows = craftedRows(300);
      const file = `${dir}/crafted.xlsx`;
      await Deno.writeFile(file, await xlsxBytes(CRAFTED_INFO, rows));
      await convert(dir, "ods", [file]);
      await convert(dir, "pdf", [file]);

      // LibreOffice's own reading: every cell a value, none a formula; the shown text of
      // a phone is the digits with "+", never an apostrophe.
      const ods = await unzip(await Deno.readFile(`${dir}/crafted.ods`));
      const content = ods.get("content.xml")!;
      assert.doesNotMatch(content, /table:formula=/, "no cell became a formula");
      const sheets = odsSheets(content);
      assert.deepEqual([...sheets.keys()], ["Incoming calls", "Summary"]);
      const data = sheets.get("Incoming calls")!;
      assert.equal(data.length, rows.length + 1);
      assert.deepEqual(data[0].map((c) => c.text), COLUMNS.map((c) => c.label));
      const at = (key: string) => COLUMNS.findIndex((c) => c.key === key);
      rows.forEach((r, i) => {
        const cells = data[i + 1];
        const phone = cells[at("customer_number")];
        assert.deepEqual(phone, { type: "string", text: r.customer_number, formula: false });
        const note = r.note as string;
        const shown = cells[at("note")];
        assert.equal(shown.type, "string");
        // A live formula would show its result ("2", "1"); the neutralised text shows itself.
        assert.equal(shown.text, FORMULAS.includes(note) ? `'${note}` : note);
        assert.equal(cells[at("calls")].type, "float", "numbers stay numbers");
      });

      // The cover page, durations as h:mm:ss.
      const cover = sheets.get("Summary")!.map((cells) => cells.map((c) => c.text));
      assert.equal(cover[0][0], "Incoming calls");
      assert.equal(cover[1][0], "Yesterday (23 Nov 2026)");
      const field = (label: string) => cover.find((c) => c[0] === label)?.[1];
      assert.equal(field("Rows"), String(rows.length));
      const talk = rows.reduce((n, r) => n + (r.talk_seconds as number), 0);
      const hms = `${Math.floor(talk / 3600)}:${
        String(Math.floor(talk / 60) % 60).padStart(2, "0")
      }:${String(talk % 60).padStart(2, "0")}`;
      assert.equal(field("Talk"), hms);

      // Print setup: the data sheet landscape, one page wide, as many tall as needed, its
      // header row repeated, page numbers in the footer.
      assert.match(content, /<table:table-header-rows>/, "header row repeats");
      const layouts = [
        ...ods.get("styles.xml")!.matchAll(/<style:page-layout-properties [^>]*>/g),
      ].map((m) => m[0]);
      const landscape = layouts.filter((l) => /print-orientation="landscape"/.test(l));
      assert.equal(landscape.length, 1, "one landscape layout (the data sheet)");
      assert.match(landscape[0], /style:scale-to-X="1"/, "fit to one page wide");
      assert.doesNotMatch(landscape[0], /style:scale-to-Y="[1-9]/, "no limit on pages tall");
      assert.match(ods.get("styles.xml")!, /<text:page-number>.*?<text:page-count>/s);

      // Printed: landscape pages for the rows, then the portrait cover page.
      const pdf = new TextDecoder("latin1").decode(await Deno.readFile(`${dir}/crafted.pdf`));
      const pages = [...pdf.matchAll(/\/Type\s*\/Page\b[^>]*?\/MediaBox\s*\[([^\]]*)\]/g)]
        .map((m) => m[1].trim().split(/\s+/).map(Number))
        .map(([x0, y0, x1, y1]) => (x1 - x0) > (y1 - y0) ? "landscape" : "portrait");
      assert.ok(pages.length >= 3, `several pages, got ${pages.length}`);
      assert.deepEqual(pages, [...pages.slice(0, -1).map(() => "landscape"), "portrait"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "LibreOffice reads a catalog report: same row count, local times, phones" + skipNote,
  ignore: !OFFICE,
  async fn() {
    const data = generateDataset({ days: 3, callsPerDay: 120, seed: 7, now: NOW, tz: TZ });
    const client = await embeddedClient({ ...data });
    const dir = await Deno.makeTempDir({ prefix: "report_lo_" });
    try {
      const ctx = { client, tz: TZ, now: NOW };
      const result = await runReport("call_list", {}, ctx, { previewRows: 3 });
      const compiled = await getReport("call_list")!.compile({}, ctx);
      const meta = reportMetaFromCompiled(compiled, {
        owner: "u",
        rows: result.total_rows,
        tz: TZ,
      });
      const file = `${dir}/${meta.file_name}`;
      const fh = await Deno.open(file, { write: true, create: true, truncate: true });
      await exportReport(meta, client, fh.writable);
      await convert(dir, "csv", [file]);
      const lines = (await Deno.readTextFile(file.replace(/\.xlsx$/, ".csv"))).trim()
        .split(/\r?\n/);
      assert.equal(lines.length, result.total_rows + 1);
      const header = csvCells(lines[0]);
      assert.deepEqual(header, compiled.columns.map((c) => c.label));
      const at = (key: string) => compiled.columns.findIndex((c) => c.key === key);
      const local = new Intl.DateTimeFormat("sv-SE", {
        timeZone: TZ,
        dateStyle: "short",
        timeStyle: "medium",
      });
      for (let i = 0; i < 3; i++) {
        const cells = csvCells(lines[i + 1]);
        const row = result.rows[i];
        assert.equal(cells[at("start_time")], local.format(row[at("start_time")] as Date));
        assert.equal(cells[at("call_id")], row[at("call_id")], "call id");
        assert.match(cells[at("customer_number")], /^\+\d{8,15}$/, "E.164, no apostrophe");
        assert.equal(cells[at("customer_number")], row[at("customer_number")]);
        const d = at("duration_seconds");
        assert.equal(Number(cells[d].replace(/[^\d.-]/g, "")), row[d], "duration in seconds");
      }
    } finally {
      await client.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
